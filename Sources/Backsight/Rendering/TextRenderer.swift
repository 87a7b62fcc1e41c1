/// Human-readable output: one block per file with findings, one line per skipped or partly
/// read entry, and a summary. Clean files, links and empty files are counted, not listed.
public struct TextRenderer: ReportRenderer {
    /// ANSI colours (only when the output is a terminal).
    public var colour: Bool
    /// List every scanned file, clean ones too.
    public var verbose: Bool

    public init(colour: Bool = false, verbose: Bool = false) {
        self.colour = colour
        self.verbose = verbose
    }

    public mutating func render(_ report: FileReport) -> String? {
        var lines: [String] = []
        let what = [report.architecture, report.elfType, report.kind.rawValue].compactMap { $0 }.joined(separator: " ")
            + (report.layer.map { ", layer \($0)" } ?? "")
        if !report.findings.isEmpty {
            lines.append("\(paint(report.verdict.rawValue.uppercased(), report.verdict == .malicious ? "31;1" : "33;1")) \(report.path) (\(what))")
            for finding in report.findings.sorted(by: { $0.severity > $1.severity }) {
                let instance = finding.instance.map { " in \($0)" } ?? ""
                lines.append("  \(paint(finding.severity.rawValue, finding.severity >= .high ? "31" : "33")) \(finding.ruleID)\(instance): \(finding.title)")
                for evidence in finding.evidence {
                    let place = describe(evidence.location)
                    lines.append("      \(evidence.feature) \(evidence.value)\(place.isEmpty ? "" : " at \(place)")")
                    if let detail = evidence.detail {
                        for line in detail.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("        \(line)") }
                    }
                }
            }
        } else if verbose, report.skip == nil {
            lines.append("\(paint("clean", "32")) \(report.path) (\(what))")
        }
        if let skip = report.skip {
            lines.append("\(paint("skipped", "36")) \(report.path): \(skip.message)")
        }
        for problem in report.problems {
            lines.append("\(paint("partial", "36")) \(report.path): \(problem)")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    public mutating func finish(summary: ScanSummary) -> String {
        let verdicts = ["malicious", "suspicious", "clean"].map { "\(summary.verdicts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        let kernels = (summary.kernels ?? []).map { kernel in
            "kernel \(kernel.release): \(kernel.modules) modules (\(kernel.signedModules) signed, \(kernel.unsignedModules) unsigned, \(kernel.outOfTreeModules) out of tree)"
                + (kernel.images.isEmpty ? "" : ", image \(kernel.images.joined(separator: ", "))")
                + (kernel.version.map { ", version \($0)" } ?? "") + "\n"
        }.joined()
        return kernels + """
        scanned \(summary.regularFiles) files (\(summary.elfFiles) ELF, \(summary.bytes) bytes), \(summary.symlinks) links, \(summary.hardLinks) hard links, \(summary.skipped) skipped\(summary.members > 0 ? ", \(summary.members) container members (\(summary.elfMembers) ELF)" : "") in \(String(format: "%.2f", summary.seconds)) s
        \(summary.findings) findings in \(summary.filesWithFindings) files: \(verdicts)
        """
    }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

import Foundation

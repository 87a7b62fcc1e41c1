/// Totals over the reports of a scan, accumulated as they stream by.
public struct ScanSummary: Sendable, Codable, Hashable {
    /// Regular files read (ELF, text, data, empty).
    public var regularFiles = 0
    public var elfFiles = 0
    public var symlinks = 0
    public var hardLinks = 0
    public var skipped = 0
    /// Reports of container members (`pkg.deb!/usr/lib/x.so`), of any kind; they are not
    /// counted in the file, link and skip totals above, which describe the tree on disk.
    public var members = 0
    /// Members that are ELF files.
    public var elfMembers = 0
    public var bytes: UInt64 = 0
    public var findings = 0
    public var filesWithFindings = 0
    public var verdicts: [String: Int] = [:]
    public var findingsBySeverity: [String: Int] = [:]
    /// The highest severity found.
    public var highestSeverity: Severity?
    public var seconds: Double = 0
    /// One entry per kernel release the tree holds modules or images of, sorted by release;
    /// nil when there is none.
    public var kernels: [KernelSummary]?

    public init() {}

    public mutating func record(_ report: FileReport) {
        if let kernel = report.kernel { record(kernel, path: report.path) }
        if report.container != nil {
            members += 1
            if report.kind == .elf { elfMembers += 1 }
        } else {
            recordOnDisk(report)
        }
        if !report.findings.isEmpty {
            filesWithFindings += 1
            findings += report.findings.count
            for finding in report.findings {
                findingsBySeverity[finding.severity.rawValue, default: 0] += 1
                highestSeverity = max(highestSeverity ?? finding.severity, finding.severity)
            }
        }
        if report.kind == .elf || report.kind == .text || report.kind == .data || report.kind == .empty {
            verdicts[report.verdict.rawValue, default: 0] += 1
        }
    }

    private mutating func record(_ facts: KernelFileFacts, path: String) {
        var all = kernels ?? []
        if let index = all.firstIndex(where: { $0.release == facts.release }) {
            all[index].record(facts, path: path)
        } else {
            var summary = KernelSummary(release: facts.release)
            summary.record(facts, path: path)
            all.append(summary)
            all.sort { $0.release < $1.release }
        }
        kernels = all
    }

    private mutating func recordOnDisk(_ report: FileReport) {
        switch report.kind {
        case .elf, .text, .data, .empty:
            if report.skip == nil || report.skip?.reason == "malformed-elf" {
                regularFiles += 1
                bytes += report.size ?? 0
                if report.kind == .elf { elfFiles += 1 }
            } else {
                skipped += 1
            }
        case .symlink: symlinks += 1
        case .hardlink: hardLinks += 1
        // An image layout directory, read as a container (its members are counted as such).
        case .directory where report.skip == nil: break
        default: skipped += 1
        }
    }
}

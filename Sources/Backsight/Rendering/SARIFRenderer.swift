import Foundation

/// SARIF 2.1.0 for code-scanning tools. Results with a finding are kept until `finish`
/// (SARIF is one document); clean files cost nothing. Skipped entries become
/// tool execution notifications.
public struct SARIFRenderer: ReportRenderer {
    private let rules: [RuleMetadata]
    private let ruleIndex: [String: Int]
    private let rootURI: String?
    private let toolVersion: String
    private var results: [[String: Any]] = []
    private var notifications: [[String: Any]] = []

    /// - Parameters:
    ///   - rules: the rule set's metadata, written as the driver's rules.
    ///   - root: the absolute path of the scanned root, written as the `ROOT` base URI.
    public init(rules: [RuleMetadata], root: String?, toolVersion: String = BacksightBuild.version) {
        self.rules = rules
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() { index[rule.id] = position }
        ruleIndex = index
        rootURI = root.map { URL(fileURLWithPath: $0, isDirectory: true).absoluteString }
        self.toolVersion = toolVersion
    }

    public mutating func render(_ report: FileReport) -> String? {
        for finding in report.findings {
            var result: [String: Any] = [
                "ruleId": finding.ruleID,
                "level": Self.level(finding.severity),
                "message": ["text": message(finding, report: report)],
                "locations": [location(report: report, finding: finding)],
                "partialFingerprints": ["backsightFinding/v1": "\(report.sha256 ?? report.path):\(finding.ruleID):\(finding.instance ?? "")"],
            ]
            if let index = ruleIndex[finding.ruleID] { result["ruleIndex"] = index }
            results.append(result)
        }
        if let skip = report.skip {
            notifications.append([
                "level": "note",
                "message": ["text": "\(report.path): \(skip.message)"],
                "descriptor": ["id": skip.reason],
                "locations": [["physicalLocation": ["artifactLocation": artifact(report.path)]]],
            ])
        }
        return nil
    }

    public mutating func finish(summary: ScanSummary) -> String {
        let driverRules: [[String: Any]] = rules.map { rule in
            var tags = ["security"]
            tags += rule.attack.map { "external/attack/\($0)" }
            var entry: [String: Any] = [
                "id": rule.id,
                "name": rule.id.split(separator: "/").last.map(String.init) ?? rule.id,
                "shortDescription": ["text": rule.title],
                "fullDescription": ["text": rule.description.isEmpty ? rule.title : rule.description],
                "defaultConfiguration": ["level": Self.level(rule.severity)],
                "properties": ["security-severity": Self.securitySeverity(rule.severity), "tags": tags],
            ]
            if let help = rule.references.first { entry["helpUri"] = help }
            return entry
        }
        var run: [String: Any] = [
            "tool": ["driver": ["name": "backsight", "version": toolVersion, "informationUri": "https://github.com/backsight/backsight", "rules": driverRules]],
            "results": results,
            "invocations": [["executionSuccessful": true, "toolExecutionNotifications": notifications]],
        ]
        if let rootURI { run["originalUriBaseIds"] = ["ROOT": ["uri": rootURI]] }
        if let kernels = summary.kernels {
            run["properties"] = ["kernels": kernels.map { kernel -> [String: Any] in
                var entry: [String: Any] = [
                    "release": kernel.release, "images": kernel.images, "modules": kernel.modules,
                    "signedModules": kernel.signedModules, "unsignedModules": kernel.unsignedModules,
                    "outOfTreeModules": kernel.outOfTreeModules, "unsignedOutOfTree": kernel.unsignedOutOfTree,
                ]
                if let version = kernel.version { entry["version"] = version }
                return entry
            }]
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func message(_ finding: Finding, report: FileReport) -> String {
        var text = finding.title
        if let instance = finding.instance { text += " (\(instance))" }
        let evidence = finding.evidence.prefix(8).map { evidence -> String in
            let place = describe(evidence.location)
            return "\(evidence.feature) \(evidence.value)\(place.isEmpty ? "" : " at \(place)")"
        }
        if !evidence.isEmpty { text += ": " + evidence.joined(separator: "; ") }
        return text
    }

    private func location(report: FileReport, finding: Finding) -> [String: Any] {
        // GitHub code scanning needs region.startLine; binary files get line 1 plus the byte offset.
        var region: [String: Any] = ["startLine": 1]
        if let located = finding.evidence.lazy.compactMap(\.location).first {
            if let line = located.line { region["startLine"] = line }
            if let offset = located.offset, located.line == nil { region["byteOffset"] = offset }
        }
        return ["physicalLocation": ["artifactLocation": artifact(report.path), "region": region]]
    }

    private func artifact(_ path: String) -> [String: Any] {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return rootURI == nil ? ["uri": encoded] : ["uri": encoded, "uriBaseId": "ROOT"]
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .info: return "note"
        case .low, .medium: return "warning"
        case .high, .critical: return "error"
        }
    }

    /// GitHub's `security-severity`: a CVSS-like score as a string.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .info: return "0.0"
        case .low: return "3.0"
        case .medium: return "5.5"
        case .high: return "8.0"
        case .critical: return "9.5"
        }
    }
}

/// How a scan did on a ``LabelledSet``: per file, the highest severity found (a member's
/// findings count for the file that holds it) against what the file must get, and the misses a
/// known-miss list excuses.
///
/// ```swift
/// var check = LabelledSetCheck(set: labelled, knownMisses: excused)
/// for await report in try scanner.scan(root: root) { check.record(report) }
/// print(check.table())
/// if !check.unexpected.isEmpty { … }
/// ```
public struct LabelledSetCheck: Sendable {
    public let set: LabelledSet
    /// Paths that are allowed to miss for now, with the reason.
    public let knownMisses: [String: String]
    private var highest: [String: Severity] = [:]
    private var rules: [String: Set<String>] = [:]
    private var seen: Set<String> = []
    private let labelled: Set<String>

    public init(set: LabelledSet, knownMisses: [String: String] = [:]) {
        self.set = set
        self.knownMisses = knownMisses
        labelled = Set(set.samples.map(\.path))
    }

    /// Takes one report of the scan (files and members alike).
    public mutating func record(_ report: FileReport) {
        let path = report.container ?? report.path
        guard labelled.contains(path) else { return }
        seen.insert(path)
        for finding in report.findings {
            highest[path] = max(highest[path] ?? finding.severity, finding.severity)
            rules[path, default: []].insert("\(finding.ruleID) (\(finding.severity.rawValue))")
        }
    }

    /// One labelled file's outcome.
    public struct Outcome: Sendable, Hashable {
        public var sample: LabelledSet.Sample
        public var highest: Severity?
        public var rules: [String]
        /// Whether the scan reported the file at all.
        public var scanned: Bool
        public var met: Bool { scanned && sample.expectation.isMet(byHighest: highest) }
        public var isFalseAlarm: Bool { sample.expectation == .clean && !met }
    }

    public var outcomes: [Outcome] {
        self.set.samples.map { sample in
            Outcome(sample: sample, highest: highest[sample.path], rules: (rules[sample.path] ?? []).sorted(),
                    scanned: seen.contains(sample.path))
        }
    }

    /// Outcomes that disagree with the known-miss list: a miss or false alarm not on it, or a
    /// listed path that now gets its verdict (the list can only shrink).
    public var unexpected: [String] {
        var problems: [String] = []
        for outcome in outcomes {
            let listed = knownMisses[outcome.sample.path] != nil
            if !outcome.met, !listed {
                let got = outcome.scanned ? (outcome.highest?.rawValue ?? "nothing") : "not scanned"
                problems.append("\(outcome.sample.path): expected \(outcome.sample.expectation.rawValue), got \(got)")
            } else if outcome.met, listed {
                problems.append("\(outcome.sample.path): listed as a known miss but now \(outcome.sample.expectation.rawValue) as expected; remove it from the list")
            }
        }
        for path in knownMisses.keys.sorted() where !labelled.contains(path) {
            problems.append("\(path): listed as a known miss but not in the labelled set")
        }
        return problems
    }

    /// A table per group (caught of positives, false alarms of negatives), then every file that
    /// did not get its verdict, with what it got and whether the known-miss list excuses it.
    public func table() -> String {
        var lines = ["group         positives caught   negatives false alarms"]
        let all = outcomes
        let byGroup = Dictionary(grouping: all, by: \.sample.group)
        for group in byGroup.keys.sorted() {
            let items = byGroup[group] ?? []
            let positives = items.filter { $0.sample.expectation != .clean }
            let negatives = items.filter { $0.sample.expectation == .clean }
            let caught = positives.filter(\.met).count
            let alarms = negatives.filter(\.isFalseAlarm).count
            let name = group.count < 14 ? group + String(repeating: " ", count: 14 - group.count) : group + " "
            lines.append("\(name)\(pad("\(caught)/\(positives.count)", 19))\(alarms)/\(negatives.count)")
        }
        let positives = all.filter { $0.sample.expectation != .clean }
        let negatives = all.filter { $0.sample.expectation == .clean }
        lines.append("all           \(pad("\(positives.filter(\.met).count)/\(positives.count)", 19))\(negatives.filter(\.isFalseAlarm).count)/\(negatives.count)")
        let wrong = all.filter { !$0.met }
        if !wrong.isEmpty {
            lines.append("")
            for outcome in wrong {
                let kind = outcome.isFalseAlarm ? "false alarm" : "miss"
                let got = outcome.scanned ? (outcome.highest?.rawValue ?? "nothing") : "not scanned"
                let excuse = knownMisses[outcome.sample.path].map { " [known: \($0)]" } ?? ""
                let matched = outcome.rules.isEmpty ? "" : " (" + outcome.rules.joined(separator: ", ") + ")"
                lines.append("\(kind): \(outcome.sample.path): expected \(outcome.sample.expectation.rawValue), got \(got)\(matched)\(excuse)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

extension LabelledSet {
    /// Reads a known-miss list: `path<TAB>reason` lines, `#` comments and blank lines skipped.
    public static func knownMisses(parsing text: String) throws(ParseError) -> [String: String] {
        var misses: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2, !fields[1].isEmpty else {
                throw ParseError(line: index + 1, message: "expected path<TAB>reason")
            }
            misses[fields[0]] = fields[1]
        }
        return misses
    }
}

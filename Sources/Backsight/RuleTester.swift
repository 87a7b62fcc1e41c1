import Foundation

/// The outcome of running one rule over one of its examples.
public struct RuleExampleResult: Sendable, Hashable {
    public var ruleID: String
    public var path: String
    public var expectation: RuleExample.Expectation
    /// Whether the rule matched the example.
    public var matched: Bool
    /// Why the example could not be scanned, if it could not.
    public var error: String?

    public var passed: Bool { error == nil && matched == (expectation == .match) }
}

/// Proves rules against the corpus: every rule runs over its own examples and must match
/// the `match` ones and miss the `no-match` ones.
public struct RuleTester: Sendable {
    public let ruleSet: RuleSet
    public let corpus: String

    public init(ruleSet: RuleSet, corpus: String) {
        self.ruleSet = ruleSet
        self.corpus = corpus
    }

    /// Runs every example of every rule. Each example file is scanned once with the whole
    /// rule set (so composed rules see their parts).
    public func run() async -> [RuleExampleResult] {
        var findingsByPath: [String: Result<Set<String>, ScanError>] = [:]
        var results: [RuleExampleResult] = []
        for rule in ruleSet.rules {
            for example in rule.examples {
                if findingsByPath[example.path] == nil { findingsByPath[example.path] = await ruleIDs(matching: example.path) }
                switch findingsByPath[example.path] {
                case let .success(ids):
                    results.append(RuleExampleResult(ruleID: rule.id, path: example.path, expectation: example.expect, matched: ids.contains(rule.id)))
                case let .failure(error):
                    results.append(RuleExampleResult(ruleID: rule.id, path: example.path, expectation: example.expect, matched: false, error: error.description))
                case .none:
                    break
                }
            }
        }
        return results
    }

    /// The ids of the rules that match the example, scanning a file or, for a directory
    /// example (a rootfs), every file below it.
    private func ruleIDs(matching path: String) async -> Result<Set<String>, ScanError> {
        let full = URL(fileURLWithPath: corpus).appendingPathComponent(path).path
        var options = ScanOptions(jobs: 1)
        options.maximumFileSize = 64 << 20
        let scanner = Scanner(ruleSet: ruleSet, options: options)
        let results: ScanResults
        do { results = try scanner.scan(root: full) } catch { return .failure(error) }
        var ids: Set<String> = []
        for await report in results { ids.formUnion(report.findings.map(\.ruleID)) }
        return .success(ids)
    }
}

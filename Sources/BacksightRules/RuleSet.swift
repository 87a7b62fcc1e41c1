/// Metadata of one compiled rule.
public struct RuleMetadata: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var description: String
    public var severity: Severity
    public var confidence: String?
    public var attack: [String]
    public var references: [String]
    public var scope: Scope
    public var examples: [RuleExample]
    /// The rule file it came from.
    public var file: String
}

/// A corpus file a rule must or must not match.
public struct RuleExample: Sendable, Hashable, Codable {
    public enum Expectation: String, Sendable, Codable { case match, noMatch = "no-match" }
    /// Relative to the corpus root.
    public var path: String
    public var expect: Expectation
}

/// A rule file that cannot be compiled: `file:line:column: message`.
public struct RuleCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// An immutable, compiled set of rules, built once and shared by every scanning thread.
public final class RuleSet: Sendable {
    public let rules: [RuleMetadata]

    init(rules: [RuleMetadata]) { self.rules = rules }

    /// An empty rule set.
    public static let empty = RuleSet(rules: [])

    /// Compiles every `*.yaml`/`*.yml` rule file under `directories` (recursively).
    public static func compile(directories: [String]) throws(RuleCompileError) -> RuleSet {
        // Replaced by the rule compiler.
        RuleSet(rules: [])
    }

    /// The rules whose ids are in `including` (all when empty) and not in `excluding`.
    public func filtered(including: Set<String>, excluding: Set<String>) -> RuleSet {
        RuleSet(rules: rules.filter { (including.isEmpty || including.contains($0.id)) && !excluding.contains($0.id) })
    }

    /// Every finding of every rule on `subject` and its payloads.
    public func match(_ subject: ScanSubject) -> [Finding] { [] }
}

/// One thing wrong with a rule that compiles: a missing or misplaced example, a badly formed
/// ATT&CK id, a reused id.
public struct LintProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// An `attack` entry is not `T####` or `T####.###`.
        case attackFormat = "attack-format"
        /// Two rules share an id.
        case duplicateID = "duplicate-id"
        /// An example path is absolute or leaves the corpus with `..`.
        case examplePath = "example-path"
        /// An example file does not exist in the corpus.
        case missingExampleFile = "missing-example-file"
        /// The rule has no `expect: match` example.
        case noMatchingExample = "no-match-example-missing"
        /// A heuristic rule (outside `signatures/`) has no `expect: no-match` example.
        case noNegativeExample = "no-negative-example"
    }

    public var ruleID: String
    /// The rule's file.
    public var file: String
    public var kind: Kind
    public var message: String

    public init(ruleID: String, file: String, kind: Kind, message: String) {
        self.ruleID = ruleID
        self.file = file
        self.kind = kind
        self.message = message
    }

    /// `file: rule-id: message`
    public var description: String { "\(file): \(ruleID): \(message)" }
}

/// Checks the house rules a compiled rule set must follow beyond compiling: every rule shows
/// on a corpus file that it matches, every heuristic rule also shows a look-alike it must not
/// match, and the example files exist.
public struct RuleLinter: Sendable {
    /// The namespace of known-sample byte signatures; only these may go without a `no-match` example.
    public static let signatureNamespace = "signatures/"

    public init() {}

    /// Every problem in `ruleSet`, in rule order. `corpusFileExists` answers for a path relative
    /// to the corpus root; the linter never touches the file system itself.
    public func lint(ruleSet: RuleSet, corpusFileExists: (String) -> Bool) -> [LintProblem] {
        var problems: [LintProblem] = []
        var firstFile: [String: String] = [:]
        for rule in ruleSet.rules {
            func report(_ kind: LintProblem.Kind, _ message: String) {
                problems.append(LintProblem(ruleID: rule.id, file: rule.file, kind: kind, message: message))
            }
            if let first = firstFile[rule.id] {
                report(.duplicateID, "duplicate rule id (first defined in \(first))")
            } else {
                firstFile[rule.id] = rule.file
            }
            for id in rule.attack where !RuleParser.isValidAttackID(id) {
                report(.attackFormat, "invalid ATT&CK id '\(id)': expected T#### or T####.###")
            }
            for example in rule.examples {
                let components = example.path.split(separator: "/")
                if example.path.hasPrefix("/") || components.contains("..") {
                    report(.examplePath, "example path '\(example.path)' must be relative to the corpus and stay inside it")
                } else if !corpusFileExists(example.path) {
                    report(.missingExampleFile, "example file '\(example.path)' does not exist in the corpus")
                }
            }
            if !rule.examples.contains(where: { $0.expect == .match }) {
                report(.noMatchingExample, "no example with 'expect: match'")
            }
            if !rule.id.hasPrefix(Self.signatureNamespace), !rule.examples.contains(where: { $0.expect == .noMatch }) {
                report(.noNegativeExample, "heuristic rule has no example with 'expect: no-match'")
            }
        }
        return problems
    }
}

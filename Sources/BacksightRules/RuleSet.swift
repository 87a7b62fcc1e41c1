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

    public init(id: String, title: String, description: String, severity: Severity, confidence: String?,
                attack: [String], references: [String], scope: Scope, examples: [RuleExample], file: String) {
        self.id = id
        self.title = title
        self.description = description
        self.severity = severity
        self.confidence = confidence
        self.attack = attack
        self.references = references
        self.scope = scope
        self.examples = examples
        self.file = file
    }
}

/// A corpus file a rule must or must not match.
public struct RuleExample: Sendable, Hashable, Codable {
    public enum Expectation: String, Sendable, Codable { case match, noMatch = "no-match" }
    /// Relative to the corpus root.
    public var path: String
    public var expect: Expectation

    public init(path: String, expect: Expectation) {
        self.path = path
        self.expect = expect
    }
}

/// A rule file that cannot be compiled: `file:line:column: message`.
public struct RuleCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// An immutable, compiled set of rules, built once and shared by every scanning thread.
///
/// Matching takes no lock and changes nothing: all literal patterns of all rules are found in
/// one automaton pass per buffer (plus one per section name that section-limited patterns
/// name), and only rules whose required patterns were found, or that need none, are evaluated.
public final class RuleSet: Sendable {
    /// The reported rules, sorted by id.
    public let rules: [RuleMetadata]
    /// Every named symbol list the rules could use, sorted by name.
    public let lists: [SymbolList]
    let program: RuleProgram

    init(catalog: RuleCatalog, reporting: [Int]) {
        program = RuleProgram(catalog: catalog, reporting: reporting)
        rules = reporting.map { catalog.rules[$0].metadata }
        lists = catalog.lists
    }

    /// An empty rule set.
    public static let empty = RuleSet(catalog: RuleCatalog(rules: [], patterns: [], lists: [], dependencies: []), reporting: [])

    /// Compiles every `*.yaml`/`*.yml` rule file under `directories` (recursively); files in a
    /// directory named `lists` are symbol lists. A path naming a file is read as one file.
    /// Up to `threads` threads read the files' YAML, most of the work (a scan passes its job count).
    public static func compile(directories: [String], threads: Int = 1) throws(RuleCompileError) -> RuleSet {
        try compile(sources: RuleCompiler.sources(in: directories), threads: threads)
    }

    /// Compiles rule and list files already in memory (a source is a list file when its path
    /// has a `lists` directory right above the file name), reading their YAML on up to `threads` threads.
    public static func compile(sources: [RuleSource], threads: Int = 1) throws(RuleCompileError) -> RuleSet {
        let catalog = try RuleCompiler.catalog(from: sources, threads: threads)
        return RuleSet(catalog: catalog, reporting: Array(catalog.rules.indices))
    }

    /// The rules whose ids are in `including` (all when empty) and not in `excluding`. Rules
    /// they name with `match:` stay available to them without being reported.
    public func filtered(including: Set<String>, excluding: Set<String>) -> RuleSet {
        let catalog = program.catalog
        let kept = program.reporting.filter { index in
            let id = catalog.rules[index].metadata.id
            return (including.isEmpty || including.contains(id)) && !excluding.contains(id)
        }
        return RuleSet(catalog: catalog, reporting: kept)
    }

    /// The namespace of known-sample byte signatures: rule ids starting with it.
    public static let signatureNamespace = "signatures/"

    /// The same rule set without the known-sample signatures (rules in ``signatureNamespace``),
    /// so the technique rules can be measured on their own.
    public func withoutSignatures() -> RuleSet {
        let catalog = program.catalog
        let kept = program.reporting.filter { !catalog.rules[$0].metadata.id.hasPrefix(Self.signatureNamespace) }
        return RuleSet(catalog: catalog, reporting: kept)
    }

    /// The metadata of the rule with this id, if it is reported by this set.
    public func rule(id: String) -> RuleMetadata? {
        rules.first { $0.id == id }
    }

    /// Every finding of every rule on `subject` and, for payload-scope rules, on its payloads.
    /// Findings come in rule-id order, subject before payloads; with them, the regex searches
    /// PCRE2 stopped at a limit.
    public func match(_ subject: ScanSubject) -> RuleMatch {
        guard !program.reporting.isEmpty else { return RuleMatch(findings: [], problems: []) }
        return Matcher(program: program).match(subject)
    }

    /// How the rule `ruleID` comes out on `subject`: its condition tree with each node's value
    /// (matched, not matched, not evaluated), the evidence of the leaves that matched and the
    /// count of counts, per instance of its scope. Nil when the set does not report that rule.
    public func explain(ruleID: String, subject: ScanSubject) -> RuleExplanation? {
        guard let rule = program.reporting.first(where: { program.catalog.rules[$0].metadata.id == ruleID }) else { return nil }
        return Matcher(program: program).explain(rule, subject: subject)
    }

    // MARK: What the rules need, so the engine can skip the rest

    /// Whether some rule has a regex `string` leaf. Only then does `match` read printable
    /// strings (extracting them itself unless ``ScanSubject/strings`` is set).
    public var needsPrintableStrings: Bool { program.needsStrings }

    /// The scopes of the reported rules: without `.resolver`/`.function` the engine need not
    /// build those instances; without `.payload`, need not decode payloads.
    public var scopes: Set<Scope> { program.scopes }

    /// The characteristic names rules (and the rules they `match:`) test, so analysers whose
    /// facts no rule reads can be skipped.
    public var characteristics: Set<String> { program.characteristics }

    /// The characteristic names the rules of one scope test (with the rules they `match:`).
    public func characteristics(in scope: Scope) -> Set<String> { program.characteristicsByScope[scope] ?? [] }

    /// The metric names rules test.
    public var metrics: Set<String> { program.metrics }

    /// Whether some rule searches for bytes or literal strings.
    public var hasPatterns: Bool { !program.subjectPatterns.isEmpty || !program.payloadPatterns.isEmpty }
}

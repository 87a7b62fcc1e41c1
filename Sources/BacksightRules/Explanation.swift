/// How one rule's condition came out on one subject, node by node: what a rule author reads to
/// see which condition failed. Made by the matcher itself (``RuleSet/explain(ruleID:subject:)``),
/// so it shows exactly what matching does, short cuts included.
public struct RuleExplanation: Sendable, Hashable, Codable {
    public var ruleID: String
    public var scope: Scope
    /// One entry per instance the rule is evaluated on: the file itself (`file`, `elf`), each
    /// resolver or function, or each decoded payload. Empty when the scope has no instance here
    /// (an `elf` rule on a text file, a resolver rule on a file without resolvers).
    public var instances: [InstanceExplanation]

    /// Whether the rule matched some instance: whether it reports a finding.
    public var matched: Bool { instances.contains { $0.condition.outcome == .matched } }

    public init(ruleID: String, scope: Scope, instances: [InstanceExplanation]) {
        self.ruleID = ruleID
        self.scope = scope
        self.instances = instances
    }
}

/// The condition tree of a rule on one instance of its scope.
public struct InstanceExplanation: Sendable, Hashable, Codable {
    /// The instance's name, as findings name it; nil for the file itself.
    public var instance: String?
    public var condition: ConditionExplanation

    public init(instance: String?, condition: ConditionExplanation) {
        self.instance = instance
        self.condition = condition
    }
}

/// One node of a condition tree and its value.
public struct ConditionExplanation: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case matched
        case notMatched = "not-matched"
        /// Matching never looked at it: an `all` stopped at an earlier child that failed.
        case notEvaluated = "not-evaluated"
    }

    /// `all`, `any`, `not`, `n-of 2`, `match: <rule id>`, or the leaf or `count` as written in
    /// the rule (`export: {list: auth-set}`).
    public var condition: String
    public var outcome: Outcome
    /// For a leaf or count that was evaluated: the things it matched (as a finding would list
    /// them, at most ``evidenceShown`` and a last item saying how many more).
    public var evidence: [Evidence]
    /// For a `count`: how many distinct things the leaf matched.
    public var count: Int?
    /// In written order; for `match:`, the named rule's condition.
    public var children: [ConditionExplanation]

    public init(condition: String, outcome: Outcome = .notEvaluated, evidence: [Evidence] = [], count: Int? = nil,
                children: [ConditionExplanation] = []) {
        self.condition = condition
        self.outcome = outcome
        self.evidence = evidence
        self.count = count
        self.children = children
    }
}

/// The explanation of one condition while the matcher evaluates it: created for the whole tree
/// up front (every node not evaluated), filled in by the nodes matching reaches.
final class ExplanationNode {
    let condition: String
    var outcome = ConditionExplanation.Outcome.notEvaluated
    var evidence: [Evidence] = []
    var count: Int?
    let children: [ExplanationNode]

    /// The tree for `condition` of `rule`, its leaves labelled with the rule's leaf sources.
    convenience init(rule: Int, catalog: RuleCatalog) {
        var next = 0
        self.init(catalog.rules[rule].condition, labels: catalog.rules[rule].leafSources, next: &next, catalog: catalog)
    }

    private init(condition: String, children: [ExplanationNode]) {
        self.condition = condition
        self.children = children
    }

    private convenience init(_ node: Condition, labels: [String], next: inout Int, catalog: RuleCatalog) {
        func label() -> String {
            defer { next += 1 }
            return next < labels.count ? labels[next] : "leaf"
        }
        func nodes(_ children: [Condition]) -> [ExplanationNode] {
            children.map { ExplanationNode($0, labels: labels, next: &next, catalog: catalog) }
        }
        switch node {
        case .all(let children, _): self.init(condition: "all", children: nodes(children))
        case .any(let children): self.init(condition: "any", children: nodes(children))
        case .not(let child): self.init(condition: "not", children: nodes([child]))
        case .atLeast(let required, let children): self.init(condition: "n-of \(required)", children: nodes(children))
        case .count, .leaf: self.init(condition: label(), children: [])
        case .rule(let reference):
            self.init(condition: "match: \(reference.id)", children: [ExplanationNode(rule: reference.index, catalog: catalog)])
        }
    }

    /// Records a leaf's or count's outcome and the things it matched.
    func record(_ holds: Bool, found: [Evidence], count: Int? = nil) {
        outcome = holds ? .matched : .notMatched
        evidence = Matcher.shown(found)
        self.count = count
    }

    func record(_ holds: Bool) {
        outcome = holds ? .matched : .notMatched
    }

    var value: ConditionExplanation {
        ConditionExplanation(condition: condition, outcome: outcome, evidence: evidence, count: count, children: children.map(\.value))
    }
}

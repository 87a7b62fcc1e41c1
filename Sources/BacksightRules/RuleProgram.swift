import Synchronization

/// What matching needs for one choice of reported rules: the automata over the patterns those
/// rules (and the rules they `match:`) use, and an index from patterns to the rules they can
/// trigger, so rules that cannot match are never evaluated.
///
/// A rule's *trigger* is a set of patterns at least one of which must be found for the rule to
/// hold (`bytes: X` needs X; `all` needs what any one child needs; `any` needs what every child
/// needs, united). Rules with a trigger are evaluated only on buffers where a trigger pattern
/// was found; the rest are evaluated on every subject of their scope.
final class RuleProgram: Sendable {
    let catalog: RuleCatalog
    /// The rules whose findings are reported, ascending.
    let reporting: [Int]
    /// Patterns used by reporting rules outside payload scope.
    let subjectPatterns: PatternIndex
    /// The reporting rules outside payload scope that use patterns, each with every pattern it
    /// needs (its own and those of the rules it `match:`es), ascending by rule.
    let patternUsers: [PatternUser]
    private let narrowedIndexes = PatternIndexCache()
    /// Patterns used by payload-scope rules (searched in each payload's bytes).
    let payloadPatterns: PatternIndex
    /// Reporting rules without a trigger, ascending, by scope.
    let untriggered: [Scope: [Int]]
    /// For each pattern, the reporting rules it can trigger, ascending.
    let triggeredBy: [Int: [Int]]
    let hasPayloadRules: Bool
    let needsStrings: Bool
    let scopes: Set<Scope>
    let characteristics: Set<String>
    /// The characteristic names the rules of each scope read (with the rules they `match:`).
    let characteristicsByScope: [Scope: Set<String>]
    let metrics: Set<String>
    /// The exact names `import`, `export` and `symbol` leaves look up.
    let symbolNames: NameFilter

    init(catalog: RuleCatalog, reporting: [Int]) {
        self.catalog = catalog
        self.reporting = reporting

        var triggers: [Int: Set<Int>?] = [:]
        var untriggered: [Scope: [Int]] = [:]
        var triggeredBy: [Int: [Int]] = [:]
        var subjectMembers = Set<Int>()
        var users: [PatternUser] = []
        var payloadMembers = Set<Int>()
        var usage = Usage()
        var byScope: [Scope: Set<String>] = [:]
        for rule in reporting {
            let scope = catalog.rules[rule].metadata.scope
            if let trigger = Self.trigger(of: rule, catalog: catalog, memo: &triggers) {
                for pattern in trigger { triggeredBy[pattern, default: []].append(rule) }
            } else {
                untriggered[scope, default: []].append(rule)
            }
            var patterns = Set<Int>()
            var visited = Set<Int>()
            var ruleUsage = Usage()
            Self.collect(rule: rule, catalog: catalog, visited: &visited, patterns: &patterns, usage: &ruleUsage)
            byScope[scope, default: []].formUnion(ruleUsage.characteristics)
            usage.merge(ruleUsage)
            if scope == .payload {
                payloadMembers.formUnion(patterns)
            } else {
                subjectMembers.formUnion(patterns)
                if !patterns.isEmpty { users.append(PatternUser(rule: rule, scope: scope, patterns: patterns)) }
            }
        }
        self.untriggered = untriggered
        self.triggeredBy = triggeredBy
        subjectPatterns = PatternIndex(members: subjectMembers.sorted(), patterns: catalog.patterns)
        patternUsers = users
        payloadPatterns = PatternIndex(members: payloadMembers.sorted(), patterns: catalog.patterns)
        hasPayloadRules = reporting.contains { catalog.rules[$0].metadata.scope == .payload }
        needsStrings = usage.strings
        scopes = Set(reporting.map { catalog.rules[$0].metadata.scope })
        characteristics = usage.characteristics
        characteristicsByScope = byScope
        metrics = usage.metrics
        symbolNames = NameFilter(usage.symbolNames)
    }

    /// The patterns worth searching a subject for: those of the rules of `scopes` that `mayHold`
    /// (a test of the rule's cheap leaves: file type, section, path, …) does not rule out. Nil
    /// when no pattern is needed. An ELF shared library is then never searched for the patterns
    /// of a rule that requires a kernel module, nor a text file for those of ELF-scope rules.
    func patterns(scopes: [Scope], mayHold: (Int) -> Bool) -> PatternIndex? {
        // Most buffers need every user's patterns: the union is built only when some user is out.
        var applies: [Bool] = []
        applies.reserveCapacity(patternUsers.count)
        for user in patternUsers { applies.append(scopes.contains(user.scope) && mayHold(user.rule)) }
        if !applies.contains(true) { return nil }
        if !applies.contains(false) { return subjectPatterns }
        var needed = Set<Int>()
        for (user, applies) in zip(patternUsers, applies) where applies { needed.formUnion(user.patterns) }
        return narrowedIndexes.index(members: needed.sorted(), patterns: catalog.patterns)
    }

    /// The reporting rules worth evaluating on a buffer with these hits, limited to `scopes`, ascending.
    func candidates(hits: PatternHits, scopes allowed: [Scope]) -> [Int] {
        var result: [Int] = []
        for scope in allowed { result.append(contentsOf: untriggered[scope] ?? []) }
        if !hits.isEmpty {
            for pattern in hits.patterns {
                for rule in triggeredBy[pattern] ?? [] where allowed.contains(catalog.rules[rule].metadata.scope) {
                    result.append(rule)
                }
            }
            return Array(Set(result)).sorted()
        }
        return result.sorted()
    }

    // MARK: Analysis

    /// Features a set of conditions reads, so the engine can skip work no rule needs.
    private struct Usage {
        var strings = false
        var characteristics = Set<String>()
        var metrics = Set<String>()
        var symbolNames = Set<String>()

        mutating func merge(_ other: Usage) {
            strings = strings || other.strings
            characteristics.formUnion(other.characteristics)
            metrics.formUnion(other.metrics)
            symbolNames.formUnion(other.symbolNames)
        }
    }

    /// A rule that uses patterns, and all the patterns it needs.
    struct PatternUser: Sendable {
        let rule: Int
        let scope: Scope
        let patterns: Set<Int>
    }

    private static func trigger(of rule: Int, catalog: RuleCatalog, memo: inout [Int: Set<Int>?]) -> Set<Int>? {
        if let known = memo[rule] { return known }
        let result = trigger(of: catalog.rules[rule].condition, catalog: catalog, memo: &memo)
        memo[rule] = .some(result)
        return result
    }

    private static func trigger(of condition: Condition, catalog: RuleCatalog, memo: inout [Int: Set<Int>?]) -> Set<Int>? {
        switch condition {
        case .leaf(.pattern(let pattern)):
            return [pattern]
        case .count(.pattern(let pattern), let low, _):
            return (low ?? 0) >= 1 ? [pattern] : nil
        case .leaf, .count, .not:
            return nil
        case .all(let children, _):
            let sets = children.compactMap { trigger(of: $0, catalog: catalog, memo: &memo) }
            return sets.min { $0.count < $1.count }
        case .any(let children), .atLeast(_, let children):
            var union = Set<Int>()
            for child in children {
                guard let set = trigger(of: child, catalog: catalog, memo: &memo) else { return nil }
                union.formUnion(set)
            }
            return union
        case .rule(let reference):
            return trigger(of: reference.index, catalog: catalog, memo: &memo)
        }
    }

    /// Gathers the patterns and features of `rule` and the rules it `match:`es.
    private static func collect(rule: Int, catalog: RuleCatalog, visited: inout Set<Int>, patterns: inout Set<Int>, usage: inout Usage) {
        guard visited.insert(rule).inserted else { return }
        collect(catalog.rules[rule].condition, catalog: catalog, visited: &visited, patterns: &patterns, usage: &usage)
    }

    private static func collect(_ condition: Condition, catalog: RuleCatalog, visited: inout Set<Int>,
                                patterns: inout Set<Int>, usage: inout Usage) {
        switch condition {
        case .all(let children, _), .any(let children), .atLeast(_, let children):
            for child in children { collect(child, catalog: catalog, visited: &visited, patterns: &patterns, usage: &usage) }
        case .not(let child):
            collect(child, catalog: catalog, visited: &visited, patterns: &patterns, usage: &usage)
        case .rule(let reference):
            collect(rule: reference.index, catalog: catalog, visited: &visited, patterns: &patterns, usage: &usage)
        case .leaf(let leaf), .count(let leaf, _, _):
            switch leaf {
            case .pattern(let pattern): patterns.insert(pattern)
            case .stringRegex: usage.strings = true
            case .characteristic(let name): usage.characteristics.insert(name)
            case .metric(let test): usage.metrics.insert(test.name)
            case .imports(let matcher), .exports(let matcher): usage.symbolNames.formUnion(matcher.names)
            case .symbol(let test): usage.symbolNames.formUnion(test.name?.names ?? [])
            default: break
            }
        }
    }
}

/// Pattern indexes over the subsets of a program's patterns that subjects need, each built on
/// first use and shared by every scanning thread. Few subsets occur (they follow the rules'
/// cheap leaves); past `capacity` distinct ones, further subsets are built per subject.
final class PatternIndexCache: Sendable {
    static let capacity = 64
    private let indexes = Mutex<[[Int]: PatternIndex]>([:])

    func index(members: [Int], patterns: [PatternSpec]) -> PatternIndex {
        if let known = indexes.withLock({ $0[members] }) { return known }
        let built = PatternIndex(members: members, patterns: patterns)
        indexes.withLock { cache in
            if cache.count < Self.capacity { cache[members] = built }
        }
        return built
    }
}

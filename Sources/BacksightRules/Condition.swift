import BacksightELF

/// A compiled rule condition: boolean structure over leaves.
indirect enum Condition: Sendable {
    /// Every child holds. `order` is the evaluation order (cheap children first); evidence is
    /// still reported in written order.
    case all([Condition], order: [Int])
    /// At least one child holds; evidence of every child that holds is kept.
    case any([Condition])
    case not(Condition)
    /// `n-of`: at least `n` children hold.
    case atLeast(Int, [Condition])
    /// The number of distinct things the leaf matches lies in `min...max`.
    case count(Leaf, min: Int?, max: Int?)
    case leaf(Leaf)
    /// `match: <rule id>`: another rule's condition, evaluated for the same subject and instance.
    case rule(RuleReference)
}

extension Condition {
    /// Whether every leaf is cheap (see `Leaf.isCheap`) and no rule is referenced.
    var isCheap: Bool {
        switch self {
        case .leaf(let leaf), .count(let leaf, _, _): leaf.isCheap
        case .all(let children, _), .any(let children), .atLeast(_, let children): children.allSatisfy(\.isCheap)
        case .not(let child): child.isCheap
        case .rule: false
        }
    }
}

/// A `match:` leaf's target, resolved to a rule index once every file is read.
struct RuleReference: Sendable {
    var id: String
    var line: Int
    var column: Int
    /// The index of the rule in the catalog; -1 until resolved.
    var index: Int = -1
}

/// The thing one leaf looks at and how it tests it.
enum Leaf: Sendable {
    /// Imported names; in resolver and function scope, the instance's references.
    case imports(NameMatcher)
    case exports(NameMatcher)
    case needed(NameMatcher)
    case soname(NameMatcher)
    case section(SectionTest)
    case segment(SegmentTest)
    case dynamic(DynamicTest)
    case symbol(SymbolTest)
    case relocation(RelocationTest)
    case architecture(Set<String>)
    /// ELF types (`REL`, `EXEC`, `DYN`, `CORE`) and, for other files, `text` and `data`.
    case fileType(Set<String>)
    case path([Glob])
    /// A `bytes` or literal `string` leaf: an index into the catalog's pattern table.
    case pattern(Int)
    /// A `string` leaf with a regex, run over the subject's printable strings.
    case stringRegex(CompiledRegex, section: String?)
    case characteristic(String)
    case metric(MetricTest)

    /// The feature name evidence reports.
    var feature: String {
        switch self {
        case .imports: "import"
        case .exports: "export"
        case .needed: "needed"
        case .soname: "soname"
        case .section: "section"
        case .segment: "segment"
        case .dynamic: "dynamic"
        case .symbol: "symbol"
        case .relocation: "reloc"
        case .architecture: "arch"
        case .fileType: "type"
        case .path: "path"
        case .pattern: "pattern"
        case .stringRegex: "string"
        case .characteristic: "characteristic"
        case .metric: "metric"
        }
    }

    /// Whether the leaf reads only facts known before any search runs (the file type, the
    /// architecture, the path, sections, segments and dynamic entries), so it can decide which
    /// searches a subject needs.
    var isCheap: Bool {
        switch self {
        case .architecture, .fileType, .path, .needed, .soname, .dynamic, .segment, .section: true
        case .imports, .exports, .symbol, .relocation, .pattern, .stringRegex, .characteristic, .metric: false
        }
    }

    /// A rough cost class, so `all` tries cheap leaves first: 0 looks up a precomputed fact,
    /// 1 looks names up in a per-file index or reads a characteristic (which may be computed
    /// on first use), 2 walks every symbol, relocation or printable string.
    var cost: Int {
        switch self {
        case .architecture, .fileType, .path, .pattern, .metric, .needed, .soname, .dynamic, .segment, .section:
            0
        case .characteristic:
            1
        case .imports(let matcher), .exports(let matcher):
            matcher.regexes.isEmpty ? 1 : 2
        case .symbol(let test):
            (test.name.map { $0.regexes.isEmpty } ?? false) ? 1 : 2
        case .relocation, .stringRegex:
            2
        }
    }
}

/// `section:` — a section with this name, type, flags and entropy.
struct SectionTest: Sendable {
    var name: NameMatcher?
    /// Upper-case `SHT_` names without the prefix.
    var types: Set<String>?
    /// `SHF_` bits that must all be set.
    var flags: UInt64 = 0
    var minEntropy: Double?
    var maxEntropy: Double?
}

/// `segment:` — a program header with this type and at least these permissions.
struct SegmentTest: Sendable {
    var types: Set<String>?
    /// `PF_` bits that must all be set.
    var flags: UInt32 = 0
}

/// `dynamic:` — a dynamic entry with this tag, and optionally this value or string.
struct DynamicTest: Sendable {
    /// Upper-case `DT_` name without the prefix.
    var tag: String
    var value: UInt64?
    var string: NameMatcher?
}

/// `symbol:` — a symbol table entry with this name and attributes.
struct SymbolTest: Sendable {
    var name: NameMatcher?
    /// Short lists, compared by equality (cheaper than hashing for a handful of small strings).
    var types: [String]?
    var bindings: [String]?
    var visibilities: [String]?
    var table: ELFSymbol.Table?
    var version: NameMatcher?
    var defined: Bool?

    /// Whether `symbol` passes every filter (the name is tested separately).
    func accepts(_ symbol: ELFSymbol, log: RegexLimitLog) -> Bool {
        // The model's names are upper case already, as the parser makes the rule's.
        if let types, !types.contains(symbol.type) { return false }
        if let bindings, !bindings.contains(symbol.binding) { return false }
        if let visibilities, !visibilities.contains(symbol.visibility) { return false }
        if let table, symbol.table != table { return false }
        if let version {
            guard let value = symbol.version, version.matches(value, log: log) else { return false }
        }
        if let defined, symbol.isUndefined == defined { return false }
        return true
    }

    /// Whether any filter beyond the name is set.
    var hasFilters: Bool {
        types != nil || bindings != nil || visibilities != nil || table != nil || version != nil || defined != nil
    }
}

/// `reloc:` — a relocation of this type, against this symbol, patching this section.
struct RelocationTest: Sendable {
    var type: NameMatcher?
    var symbol: NameMatcher?
    var section: NameMatcher?
}

/// `metric:` — a numeric fact within bounds.
struct MetricTest: Sendable {
    var name: String
    var min: Double?
    var max: Double?
}

/// A literal search a rule needs: the compiled pattern, where to look, and how it was written.
struct PatternSpec: Sendable {
    enum Kind: String, Sendable { case bytes, string }
    var kind: Kind
    var pattern: BytePattern
    /// Only this section's bytes are searched, when set.
    var section: String?
    /// The pattern as the rule wrote it, for evidence.
    var text: String
}

extension Condition {
    /// The evaluation cost class of the condition (see ``Leaf/cost``); `match` leaves count as 1.
    var cost: Int {
        switch self {
        case .all(let children, _), .any(let children), .atLeast(_, let children):
            children.map(\.cost).max() ?? 0
        case .not(let child): child.cost
        case .count(let leaf, _, _), .leaf(let leaf): leaf.cost
        case .rule: 1
        }
    }
}

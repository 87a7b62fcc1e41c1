import BacksightELF

/// One rule as read from its file: metadata and the compiled condition, before `match:`
/// references are resolved across files.
struct RuleDefinition: Sendable {
    var metadata: RuleMetadata
    var condition: Condition
    /// Where the `id` value is written, for duplicate-id errors.
    var idLine: Int
    var idColumn: Int
    /// Each leaf and `count` of the condition as written (`export: {list: auth-set}`), in the
    /// order a walk in written order meets them, for explanations.
    var leafSources: [String] = []
}

/// Reads rule documents (YAML node trees with marks) into ``RuleDefinition`` values, checking
/// every key and value and naming `file:line:column` for the first problem.
struct RuleParser {
    /// Named symbol lists, by name.
    let lists: [String: SymbolList]
    /// Literal patterns of every rule read so far; `Leaf.pattern` indexes into it.
    var patterns: [PatternSpec] = []
    /// The leaves of the rule being read, as written (see ``RuleDefinition/leafSources``).
    var leafSources: [String] = []

    static let ruleKeys = ["id", "title", "description", "severity", "confidence", "attack", "references",
                           "scope", "examples", "condition"]
    static let operators = ["all", "any", "not", "n-of", "count"]
    static let leafKeys = ["import", "export", "needed", "soname", "section", "segment", "dynamic", "symbol",
                           "reloc", "arch", "type", "path", "string", "bytes", "characteristic", "metric", "match"]
    static let architectures: Set<String> = [
        "x86_64", "x32", "i386", "aarch64", "aarch64_be", "arm", "armeb", "mips", "mipsel", "mips64", "mips64el",
        "riscv32", "riscv64", "ppc", "ppcle", "ppc64", "ppc64le", "s390", "s390x", "loongarch32", "loongarch64",
        "sparc", "sparc32plus", "sparcv9", "sh", "ia64", "xtensa", "bpf",
    ]
    static let symbolTypes: Set<String> = ["NOTYPE", "OBJECT", "FUNC", "SECTION", "FILE", "COMMON", "TLS", "IFUNC"]
    static let symbolBindings: Set<String> = ["LOCAL", "GLOBAL", "WEAK", "UNIQUE"]
    static let symbolVisibilities: Set<String> = ["DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED"]

    // MARK: Names and formats

    /// `^[a-z0-9-]+(/[a-z0-9-]+)+$`
    static func isValidRuleID(_ id: String) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { isSimpleName(String($0)) }
    }

    /// `^[a-z0-9-]+$`
    static func isSimpleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    /// `^T\d{4}(\.\d{3})?$`
    static func isValidAttackID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        func digits(_ range: Range<Int>) -> Bool { range.allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 } }
        guard bytes.first == UInt8(ascii: "T") else { return false }
        if bytes.count == 5 { return digits(1..<5) }
        return bytes.count == 9 && digits(1..<5) && bytes[5] == UInt8(ascii: ".") && digits(6..<9)
    }

    private static func expected(_ keys: [String]) -> String { keys.joined(separator: ", ") }

    // MARK: Rules

    /// Reads one rule document.
    mutating func parseRule(_ document: SourceNode) throws(RuleCompileError) -> RuleDefinition {
        leafSources = []
        var id: (String, SourceNode)?
        var title: String?
        var description = ""
        var severity: Severity?
        var confidence: String?
        var attack: [String] = []
        var references: [String] = []
        var scope = Scope.file
        var examples: [RuleExample] = []
        var condition: Condition?
        for entry in try document.entries(of: "a rule file") {
            let value = entry.value
            switch entry.key {
            case "id":
                let text = try value.nonEmptyString("id")
                guard Self.isValidRuleID(text) else {
                    throw value.error("invalid rule id '\(text)': expected namespace/name in lowercase letters, digits and '-', such as supply-chain/ifunc-resolver-got-hijack")
                }
                id = (text, value)
            case "title":
                title = try value.nonEmptyString("title")
            case "description":
                description = try value.string("description")
            case "severity":
                let text = try value.string("severity")
                guard let parsed = Severity(rawValue: text) else {
                    throw value.error("unknown severity '\(text)' (expected \(Self.expected(Severity.allCases.map(\.rawValue))))")
                }
                severity = parsed
            case "confidence":
                let text = try value.string("confidence")
                guard ["low", "medium", "high"].contains(text) else {
                    throw value.error("unknown confidence '\(text)' (expected low, medium, high)")
                }
                confidence = text
            case "attack":
                attack = []
                for item in try value.scalarOrItems(of: "attack") {
                    let text = try item.string("an ATT&CK id")
                    guard Self.isValidAttackID(text) else {
                        throw item.error("invalid ATT&CK id '\(text)': expected T#### or T####.###")
                    }
                    attack.append(text)
                }
            case "references":
                references = try value.scalarOrItems(of: "references").map { (item) throws(RuleCompileError) in try item.nonEmptyString("a reference") }
            case "scope":
                let text = try value.string("scope")
                guard let parsed = Scope(rawValue: text) else {
                    throw value.error("unknown scope '\(text)' (expected \(Self.expected(Scope.allCases.map(\.rawValue))))")
                }
                scope = parsed
            case "examples":
                examples = try value.items(of: "examples").map { (item) throws(RuleCompileError) in try Self.parseExample(item) }
            case "condition":
                condition = try parseCondition(value)
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in rule (expected \(Self.expected(Self.ruleKeys)))")
            }
        }
        guard let id else { throw document.error("missing required key 'id'") }
        guard let title else { throw document.error("missing required key 'title'") }
        guard let severity else { throw document.error("missing required key 'severity'") }
        guard let condition else { throw document.error("missing required key 'condition'") }
        let metadata = RuleMetadata(
            id: id.0, title: title, description: description, severity: severity, confidence: confidence,
            attack: attack, references: references, scope: scope, examples: examples, file: document.file
        )
        return RuleDefinition(metadata: metadata, condition: condition, idLine: id.1.line, idColumn: id.1.column,
                              leafSources: leafSources)
    }

    private static func parseExample(_ node: SourceNode) throws(RuleCompileError) -> RuleExample {
        var path: String?
        var expect: RuleExample.Expectation?
        for entry in try node.entries(of: "an example") {
            switch entry.key {
            case "path":
                path = try entry.value.nonEmptyString("path")
            case "expect":
                let text = try entry.value.string("expect")
                guard let parsed = RuleExample.Expectation(rawValue: text) else {
                    throw entry.value.error("unknown expectation '\(text)' (expected match, no-match)")
                }
                expect = parsed
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in example (expected path, expect)")
            }
        }
        guard let path else { throw node.error("missing required key 'path' in example") }
        guard let expect else { throw node.error("missing required key 'expect' in example") }
        return RuleExample(path: path, expect: expect)
    }

    // MARK: Conditions

    /// A condition: a mapping with exactly one key, an operator or a leaf.
    mutating func parseCondition(_ node: SourceNode) throws(RuleCompileError) -> Condition {
        let entries = try node.entries(of: "a condition")
        guard entries.count == 1, let entry = entries.first else {
            throw node.error("a condition must have exactly one key, found \(entries.count)")
        }
        let value = entry.value
        switch entry.key {
        case "all", "any":
            let items = try value.items(of: "'\(entry.key)'")
            guard !items.isEmpty else { throw value.error("'\(entry.key)' needs at least one condition") }
            var children: [Condition] = []
            for item in items { children.append(try parseCondition(item)) }
            if entry.key == "any" { return .any(children) }
            let order = children.indices.sorted { (children[$0].cost, $0) < (children[$1].cost, $1) }
            return .all(children, order: order)
        case "not":
            return .not(try parseCondition(value))
        case "n-of":
            var required: Int?
            var children: [Condition]?
            for option in try value.entries(of: "'n-of'") {
                switch option.key {
                case "n": required = try option.value.count("n")
                case "of":
                    var parsed: [Condition] = []
                    for item in try option.value.items(of: "'of'") { parsed.append(try parseCondition(item)) }
                    children = parsed
                default:
                    throw option.keyNode.error("unknown key '\(option.key)' in n-of (expected n, of)")
                }
            }
            guard let required else { throw value.error("missing required key 'n' in n-of") }
            guard let children, !children.isEmpty else { throw value.error("missing required key 'of' in n-of") }
            guard required >= 1, required <= children.count else {
                throw value.error("n-of needs 1 <= n <= \(children.count), found \(required)")
            }
            return .atLeast(required, children)
        case "count":
            var leaf: Leaf?
            var low: Int?
            var high: Int?
            for option in try value.entries(of: "'count'") {
                switch option.key {
                case "of":
                    let inner = try option.value.entries(of: "'of'")
                    guard inner.count == 1, let only = inner.first else {
                        throw option.value.error("'of' must be one leaf, found \(inner.count) keys")
                    }
                    guard Self.leafKeys.contains(only.key), only.key != "match" else {
                        throw only.keyNode.error("'of' must be a leaf such as export or bytes, not '\(only.key)'")
                    }
                    leaf = try parseLeaf(only.key, keyNode: only.keyNode, value: only.value)
                case "min": low = try option.value.count("min")
                case "max": high = try option.value.count("max")
                default:
                    throw option.keyNode.error("unknown key '\(option.key)' in count (expected of, min, max)")
                }
            }
            guard let leaf else { throw value.error("missing required key 'of' in count") }
            guard low != nil || high != nil else { throw value.error("count needs min or max") }
            if let low, let high, high < low { throw value.error("count has max \(high) below min \(low)") }
            leafSources.append("count: \(value.flowText)")
            return .count(leaf, min: low, max: high)
        case "match":
            let id = try value.nonEmptyString("match")
            guard Self.isValidRuleID(id) else { throw value.error("invalid rule id '\(id)' in match") }
            return .rule(RuleReference(id: id, line: value.line, column: value.column))
        default:
            guard Self.leafKeys.contains(entry.key) else {
                throw entry.keyNode.error("unknown feature '\(entry.key)'")
            }
            let leaf = try parseLeaf(entry.key, keyNode: entry.keyNode, value: value)
            leafSources.append("\(entry.key): \(value.flowText)")
            return .leaf(leaf)
        }
    }

    // MARK: Leaves

    private mutating func parseLeaf(_ key: String, keyNode: SourceNode, value: SourceNode) throws(RuleCompileError) -> Leaf {
        switch key {
        case "import": return .imports(try parseNames(value, what: "import"))
        case "export": return .exports(try parseNames(value, what: "export"))
        case "needed": return .needed(try parseNames(value, what: "needed"))
        case "soname": return .soname(try parseNames(value, what: "soname"))
        case "section": return .section(try parseSection(value))
        case "segment": return .segment(try parseSegment(value))
        case "dynamic": return .dynamic(try parseDynamic(value))
        case "symbol": return .symbol(try parseSymbol(value))
        case "reloc": return .relocation(try parseRelocation(value))
        case "arch":
            var names = Set<String>()
            for item in try value.scalarOrItems(of: "arch") {
                let name = try item.string("an architecture").lowercased()
                guard Self.architectures.contains(name) || (name.hasPrefix("em") && Int(name.dropFirst(2)) != nil) else {
                    throw item.error("unknown architecture '\(name)' (expected one of \(Self.expected(Self.architectures.sorted())))")
                }
                names.insert(name)
            }
            return .architecture(names)
        case "type":
            var types = Set<String>()
            for item in try value.scalarOrItems(of: "type") {
                let text = try item.string("a file type")
                let normalized = ["text", "data"].contains(text.lowercased()) ? text.lowercased() : text.uppercased()
                guard ["REL", "EXEC", "DYN", "CORE", "text", "data"].contains(normalized) else {
                    throw item.error("unknown file type '\(text)' (expected REL, EXEC, DYN, CORE, text, data)")
                }
                types.insert(normalized)
            }
            return .fileType(types)
        case "path":
            var globs: [Glob] = []
            for item in try value.scalarOrItems(of: "path") {
                let text = try item.nonEmptyString("a path glob")
                guard let glob = Glob(text) else { throw item.error("invalid glob '\(text)': it ends with '\\'") }
                globs.append(glob)
            }
            return .path(globs)
        case "bytes": return try parseBytes(value)
        case "string": return try parseString(value)
        case "characteristic":
            let name = try value.nonEmptyString("characteristic")
            guard Characteristic.names.contains(name) else { throw value.error("unknown characteristic '\(name)'") }
            return .characteristic(name)
        case "metric": return .metric(try parseMetric(value))
        default:
            throw keyNode.error("unknown feature '\(key)'")
        }
    }

    /// A regex from `/…/` text, or nil when the text is a plain name.
    private static func regex(_ text: String, at node: SourceNode) throws(RuleCompileError) -> CompiledRegex? {
        do {
            return try CompiledRegex.literal(text)
        } catch {
            throw node.error("invalid regex '\(text)': \(error.message)")
        }
    }

    /// A bare regex body (`regex:` keys), or the `/…/` form.
    private static func bareRegex(_ text: String, at node: SourceNode) throws(RuleCompileError) -> CompiledRegex {
        if let literal = try regex(text, at: node) { return literal }
        do {
            return try CompiledRegex(pattern: text)
        } catch {
            throw node.error("invalid regex '\(text)': \(error.message)")
        }
    }

    /// Adds a scalar (a name or `/regex/`) to `matcher`.
    private static func addName(_ node: SourceNode, to matcher: inout NameMatcher, what: String) throws(RuleCompileError) {
        let text = try node.nonEmptyString(what)
        if let compiled = try regex(text, at: node) {
            matcher.regexes.append(compiled)
        } else {
            matcher.names.insert(text)
        }
    }

    /// The `name`, `list` and `regex` keys of a leaf's mapping; returns whether `key` was one of them.
    private func addNameKey(_ key: String, _ value: SourceNode, to matcher: inout NameMatcher) throws(RuleCompileError) -> Bool {
        switch key {
        case "name":
            for item in try value.scalarOrItems(of: "name") { try Self.addName(item, to: &matcher, what: "a name") }
        case "list":
            for item in try value.scalarOrItems(of: "list") {
                let name = try item.nonEmptyString("a list name")
                guard let list = lists[name] else { throw item.error("unknown symbol list '\(name)'") }
                matcher.names.formUnion(list.symbols)
                matcher.lists.append(name)
            }
        case "regex":
            for item in try value.scalarOrItems(of: "regex") {
                matcher.regexes.append(try Self.bareRegex(try item.nonEmptyString("a regex"), at: item))
            }
        default:
            return false
        }
        return true
    }

    /// A name matcher: a name, a `/regex/`, a list of those, or a mapping with `name`, `list`, `regex`.
    private func parseNames(_ node: SourceNode, what: String) throws(RuleCompileError) -> NameMatcher {
        var matcher = NameMatcher()
        if node.isMapping {
            for entry in try node.entries(of: what) {
                guard try addNameKey(entry.key, entry.value, to: &matcher) else {
                    throw entry.keyNode.error("unknown key '\(entry.key)' in \(what) (expected name, list, regex)")
                }
            }
            guard !matcher.isEmpty else { throw node.error("\(what) needs a name, list or regex") }
        } else {
            for item in try node.scalarOrItems(of: what) { try Self.addName(item, to: &matcher, what: "a name") }
            guard !matcher.isEmpty else { throw node.error("\(what) needs at least one name") }
        }
        return matcher
    }

    /// Upper-case names without `prefix` from a scalar or a list.
    private static func constantNames(_ node: SourceNode, prefix: String, what: String, allowed: Set<String>? = nil) throws(RuleCompileError) -> Set<String> {
        var names = Set<String>()
        for item in try node.scalarOrItems(of: what) {
            var text = try item.nonEmptyString(what).uppercased()
            if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
            if let allowed, !allowed.contains(text) {
                throw item.error("unknown \(what) '\(text)' (expected \(expected(allowed.sorted())))")
            }
            names.insert(text)
        }
        return names
    }

    /// Letters naming bits, such as `wx` or `rwx`; every letter must be in `letters`.
    private static func flagBits(_ node: SourceNode, what: String, letters: [Character: UInt64]) throws(RuleCompileError) -> UInt64 {
        let text = try node.nonEmptyString(what)
        var bits: UInt64 = 0
        for character in text.lowercased() where character != "-" {
            guard let bit = letters[character] else {
                let names = letters.keys.sorted().map(String.init).joined(separator: ", ")
                throw node.error("invalid \(what) '\(text)': use the letters \(names)")
            }
            bits |= bit
        }
        return bits
    }

    private func parseSection(_ node: SourceNode) throws(RuleCompileError) -> SectionTest {
        guard node.isMapping else { return SectionTest(name: try parseNames(node, what: "section")) }
        var test = SectionTest()
        var name = NameMatcher()
        for entry in try node.entries(of: "section") {
            if try addNameKey(entry.key, entry.value, to: &name) { continue }
            switch entry.key {
            case "type": test.types = try Self.constantNames(entry.value, prefix: "SHT_", what: "section type")
            case "flags": test.flags = try Self.flagBits(entry.value, what: "section flags", letters: ["w": 0x1, "a": 0x2, "x": 0x4])
            case "min-entropy": test.minEntropy = try entry.value.number("min-entropy")
            case "max-entropy": test.maxEntropy = try entry.value.number("max-entropy")
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in section (expected name, list, regex, type, flags, min-entropy, max-entropy)")
            }
        }
        test.name = name.isEmpty ? nil : name
        return test
    }

    private func parseSegment(_ node: SourceNode) throws(RuleCompileError) -> SegmentTest {
        guard node.isMapping else {
            return SegmentTest(types: try Self.constantNames(node, prefix: "PT_", what: "segment type"))
        }
        var test = SegmentTest()
        for entry in try node.entries(of: "segment") {
            switch entry.key {
            case "type": test.types = try Self.constantNames(entry.value, prefix: "PT_", what: "segment type")
            case "permissions":
                test.flags = UInt32(try Self.flagBits(entry.value, what: "segment permissions", letters: ["r": 0x4, "w": 0x2, "x": 0x1]))
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in segment (expected type, permissions)")
            }
        }
        guard test.types != nil || test.flags != 0 else { throw node.error("segment needs a type or permissions") }
        return test
    }

    private func parseDynamic(_ node: SourceNode) throws(RuleCompileError) -> DynamicTest {
        func tagName(_ node: SourceNode) throws(RuleCompileError) -> String {
            var text = try node.nonEmptyString("dynamic tag").uppercased()
            if text.hasPrefix("DT_") { text.removeFirst(3) }
            return text
        }
        guard node.isMapping else { return DynamicTest(tag: try tagName(node)) }
        var tag: String?
        var value: UInt64?
        var string: NameMatcher?
        for entry in try node.entries(of: "dynamic") {
            switch entry.key {
            case "tag": tag = try tagName(entry.value)
            case "value":
                let number = try entry.value.integer("value")
                value = UInt64(bitPattern: Int64(number))
            case "string": string = try parseNames(entry.value, what: "string")
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in dynamic (expected tag, value, string)")
            }
        }
        guard let tag else { throw node.error("missing required key 'tag' in dynamic") }
        return DynamicTest(tag: tag, value: value, string: string)
    }

    private func parseSymbol(_ node: SourceNode) throws(RuleCompileError) -> SymbolTest {
        guard node.isMapping else { return SymbolTest(name: try parseNames(node, what: "symbol")) }
        var test = SymbolTest()
        var name = NameMatcher()
        for entry in try node.entries(of: "symbol") {
            if try addNameKey(entry.key, entry.value, to: &name) { continue }
            switch entry.key {
            case "type":
                test.types = try Self.constantNames(entry.value, prefix: "STT_", what: "symbol type", allowed: Self.symbolTypes).sorted()
            case "binding":
                test.bindings = try Self.constantNames(entry.value, prefix: "STB_", what: "symbol binding", allowed: Self.symbolBindings).sorted()
            case "visibility":
                test.visibilities = try Self.constantNames(entry.value, prefix: "STV_", what: "symbol visibility",
                                                           allowed: Self.symbolVisibilities).sorted()
            case "table":
                let text = try entry.value.string("table")
                guard let table = ELFSymbol.Table(rawValue: text) else {
                    throw entry.value.error("unknown symbol table '\(text)' (expected dynsym, symtab)")
                }
                test.table = table
            case "version": test.version = try parseNames(entry.value, what: "version")
            case "defined": test.defined = try entry.value.boolean("defined")
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in symbol (expected name, list, regex, type, binding, visibility, table, version, defined)")
            }
        }
        test.name = name.isEmpty ? nil : name
        guard test.name != nil || test.hasFilters else { throw node.error("symbol needs a name or a filter") }
        return test
    }

    private func parseRelocation(_ node: SourceNode) throws(RuleCompileError) -> RelocationTest {
        guard node.isMapping else { return RelocationTest(type: try parseNames(node, what: "reloc")) }
        var test = RelocationTest()
        for entry in try node.entries(of: "reloc") {
            switch entry.key {
            case "type": test.type = try parseNames(entry.value, what: "type")
            case "symbol": test.symbol = try parseNames(entry.value, what: "symbol")
            case "section": test.section = try parseNames(entry.value, what: "section")
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in reloc (expected type, symbol, section)")
            }
        }
        guard test.type != nil || test.symbol != nil || test.section != nil else {
            throw node.error("reloc needs a type, symbol or section")
        }
        return test
    }

    private func parseMetric(_ node: SourceNode) throws(RuleCompileError) -> MetricTest {
        var name: String?
        var low: Double?
        var high: Double?
        for entry in try node.entries(of: "metric") {
            switch entry.key {
            case "name":
                let text = try entry.value.nonEmptyString("name")
                guard Self.isSimpleName(text) else {
                    throw entry.value.error("invalid metric name '\(text)': use lowercase letters, digits and '-'")
                }
                name = text
            case "min": low = try entry.value.number("min")
            case "max": high = try entry.value.number("max")
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in metric (expected name, min, max)")
            }
        }
        guard let name else { throw node.error("missing required key 'name' in metric") }
        guard low != nil || high != nil else { throw node.error("metric needs min or max") }
        return MetricTest(name: name, min: low, max: high)
    }

    // MARK: Patterns

    private mutating func addPattern(_ spec: PatternSpec) -> Leaf {
        patterns.append(spec)
        return .pattern(patterns.count - 1)
    }

    private mutating func parseBytes(_ node: SourceNode) throws(RuleCompileError) -> Leaf {
        var hex: (String, SourceNode)?
        var section: String?
        if node.isMapping {
            for entry in try node.entries(of: "bytes") {
                switch entry.key {
                case "hex": hex = (try entry.value.nonEmptyString("hex"), entry.value)
                case "section": section = try entry.value.nonEmptyString("section")
                default:
                    throw entry.keyNode.error("unknown key '\(entry.key)' in bytes (expected hex, section)")
                }
            }
        } else {
            hex = (try node.nonEmptyString("bytes"), node)
        }
        guard let (text, at) = hex else { throw node.error("missing required key 'hex' in bytes") }
        do {
            let pattern = try BytePattern(hex: text)
            return addPattern(PatternSpec(kind: .bytes, pattern: pattern, section: section, text: text))
        } catch {
            throw at.error(error.description)
        }
    }

    private mutating func parseString(_ node: SourceNode) throws(RuleCompileError) -> Leaf {
        var form: (kind: String, text: String, at: SourceNode)?
        var section: String?
        if node.isMapping {
            for entry in try node.entries(of: "string") {
                switch entry.key {
                case "exact", "substring", "regex":
                    guard form == nil else {
                        throw entry.keyNode.error("string takes one of exact, substring, regex")
                    }
                    form = (entry.key, try entry.value.nonEmptyString(entry.key), entry.value)
                case "section": section = try entry.value.nonEmptyString("section")
                default:
                    throw entry.keyNode.error("unknown key '\(entry.key)' in string (expected exact, substring, regex, section)")
                }
            }
        } else {
            let text = try node.nonEmptyString("string")
            form = (try Self.regex(text, at: node) != nil ? "regex" : "substring", text, node)
        }
        guard let form else { throw node.error("string needs exact, substring or regex") }
        if form.kind == "regex" {
            return .stringRegex(try Self.bareRegex(form.text, at: form.at), section: section)
        }
        do {
            let pattern = try BytePattern(literal: Array(form.text.utf8), wholeString: form.kind == "exact")
            return addPattern(PatternSpec(kind: .string, pattern: pattern, section: section, text: form.text))
        } catch {
            throw form.at.error(error.description)
        }
    }
}

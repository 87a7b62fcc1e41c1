import BacksightELF

/// Evaluates a ``RuleProgram`` on subjects: one pattern pass per buffer, then the conditions of
/// the rules that can still match, per instance of their scope.
struct Matcher {
    /// Evidence items kept per leaf in a finding; a last item says how many more there were.
    static let evidencePerLeaf = 16

    let program: RuleProgram
    /// Regex searches PCRE2 stopped at a limit during this match.
    private let regexLimits = RegexLimitLog()

    private var rules: [RuleDefinition] { program.catalog.rules }

    /// Every finding on `subject` and, for payload-scope rules, on its payloads (recursively).
    func match(_ subject: ScanSubject) -> RuleMatch {
        var findings: [Finding] = []
        var scopes: [Scope] = [.file, .resolver, .function]
        if subject.elf != nil { scopes.append(.elf) }
        // Without an ELF model or instances, only `file`-scope rules can match.
        let patternScopes: [Scope] = subject.elf == nil && subject.instances.isEmpty ? [.file] : scopes
        let facts = SubjectFacts(subject: subject, hits: .empty, names: program.symbolNames, regexLimits: regexLimits)
        if let patterns = program.patterns(scopes: patternScopes, mayHold: { mayHold(rules[$0].condition, facts: facts) }) {
            facts.hits = patterns.scan(subject.bytes, elf: subject.elf)
        }
        let candidates = program.candidates(hits: facts.hits, scopes: scopes)
        if !candidates.isEmpty {
            for rule in candidates {
                let scope = rules[rule].metadata.scope
                switch scope {
                case .file, .elf:
                    evaluate(rule, facts: facts, instance: nil, instanceName: nil, into: &findings)
                case .resolver, .function:
                    for instance in subject.instances where instance.scope == scope {
                        evaluate(rule, facts: facts, instance: instance, instanceName: instance.name, into: &findings)
                    }
                case .payload:
                    break
                }
            }
        }
        if program.hasPayloadRules {
            for payload in subject.payloads { matchPayload(payload, into: &findings) }
        }
        return RuleMatch(findings: findings, problems: regexLimits.problems)
    }

    /// How `rule` comes out on `subject`, node by node, evaluated as `match` evaluates it. Unlike
    /// `match`, it searches for every pattern and evaluates the rule even where the pattern
    /// prefilter would skip it (it could not hold there), so every leaf's value shows.
    func explain(_ rule: Int, subject: ScanSubject) -> RuleExplanation {
        let metadata = rules[rule].metadata
        var instances: [InstanceExplanation] = []
        func explain(instance: ScopeInstance?, name: String?, facts: SubjectFacts) {
            let trace = ExplanationNode(rule: rule, catalog: program.catalog)
            var evidence: [Evidence] = []
            _ = holds(rules[rule].condition, facts: facts, instance: instance, evidence: &evidence, trace: trace)
            instances.append(InstanceExplanation(instance: name, condition: trace.value))
        }
        switch metadata.scope {
        case .file, .elf, .resolver, .function:
            if metadata.scope == .elf, subject.elf == nil { break }
            let facts = SubjectFacts(subject: subject, hits: .empty, names: program.symbolNames)
            facts.hits = program.subjectPatterns.scan(subject.bytes, elf: subject.elf)
            if metadata.scope == .file || metadata.scope == .elf {
                explain(instance: nil, name: nil, facts: facts)
            } else {
                for instance in subject.instances where instance.scope == metadata.scope {
                    explain(instance: instance, name: instance.name, facts: facts)
                }
            }
        case .payload:
            var payloads = subject.payloads
            while !payloads.isEmpty {
                let payload = payloads.removeFirst()
                let facts = SubjectFacts(subject: payload, hits: .empty, names: program.symbolNames)
                facts.hits = program.payloadPatterns.scan(payload.bytes, elf: payload.elf)
                explain(instance: nil, name: payload.path, facts: facts)
                payloads.append(contentsOf: payload.payloads)
            }
        }
        return RuleExplanation(ruleID: metadata.id, scope: metadata.scope, instances: instances)
    }

    private func matchPayload(_ payload: ScanSubject, into findings: inout [Finding]) {
        let hits = program.payloadPatterns.isEmpty ? PatternHits.empty : program.payloadPatterns.scan(payload.bytes, elf: payload.elf)
        let candidates = program.candidates(hits: hits, scopes: [.payload])
        if !candidates.isEmpty {
            let facts = SubjectFacts(subject: payload, hits: hits, names: program.symbolNames, regexLimits: regexLimits)
            for rule in candidates {
                evaluate(rule, facts: facts, instance: nil, instanceName: payload.path, into: &findings)
            }
        }
        for inner in payload.payloads { matchPayload(inner, into: &findings) }
    }

    private func evaluate(_ rule: Int, facts: SubjectFacts, instance: ScopeInstance?, instanceName: String?,
                          into findings: inout [Finding]) {
        var evidence: [Evidence] = []
        guard holds(rules[rule].condition, facts: facts, instance: instance, evidence: &evidence) else { return }
        let metadata = rules[rule].metadata
        findings.append(Finding(
            ruleID: metadata.id, title: metadata.title, severity: metadata.severity,
            scope: metadata.scope.rawValue, instance: instanceName, evidence: evidence
        ))
    }

    // MARK: Conditions

    /// Whether `condition` holds; appends its evidence only when it does. With `trace` (the
    /// explanation of `condition`), records the outcome of every node it evaluates.
    func holds(_ condition: Condition, facts: SubjectFacts, instance: ScopeInstance?, evidence: inout [Evidence],
               trace: ExplanationNode? = nil) -> Bool {
        switch condition {
        case .leaf(let leaf):
            let found = items(leaf, facts: facts, instance: instance)
            trace?.record(!found.isEmpty, found: found)
            guard !found.isEmpty else { return false }
            Self.append(found, to: &evidence)
            return true
        case .count(let leaf, let low, let high):
            let found = items(leaf, facts: facts, instance: instance)
            let inBounds = low.map { found.count >= $0 } ?? true && high.map { found.count <= $0 } ?? true
            trace?.record(inBounds, found: found, count: found.count)
            guard inBounds else { return false }
            Self.append(found, to: &evidence)
            return true
        case .all(let children, let order):
            // A characteristic the file does not have at all, not even deferred, fails the
            // whole condition before any costly sibling (a deferred analysis) runs.
            if let absent = children.firstIndex(where: { Self.isAbsentCharacteristic($0, facts: facts, instance: instance) }) {
                trace?.children[absent].record(false, found: [])
                trace?.record(false)
                return false
            }
            var parts = [[Evidence]](repeating: [], count: children.count)
            for index in order {
                guard holds(children[index], facts: facts, instance: instance, evidence: &parts[index], trace: trace?.children[index]) else {
                    trace?.record(false)
                    return false
                }
            }
            trace?.record(true)
            for part in parts { evidence.append(contentsOf: part) }
            return true
        case .any(let children):
            var matched = false
            for (index, child) in children.enumerated()
            where holds(child, facts: facts, instance: instance, evidence: &evidence, trace: trace?.children[index]) { matched = true }
            trace?.record(matched)
            return matched
        case .not(let child):
            var ignored: [Evidence] = []
            let negated = !holds(child, facts: facts, instance: instance, evidence: &ignored, trace: trace?.children[0])
            trace?.record(negated)
            return negated
        case .atLeast(let required, let children):
            var local: [Evidence] = []
            var matched = 0
            for (index, child) in children.enumerated()
            where holds(child, facts: facts, instance: instance, evidence: &local, trace: trace?.children[index]) { matched += 1 }
            trace?.record(matched >= required)
            guard matched >= required else { return false }
            evidence.append(contentsOf: local)
            return true
        case .rule(let reference):
            var local: [Evidence] = []
            let held = holds(rules[reference.index].condition, facts: facts, instance: instance, evidence: &local, trace: trace?.children[0])
            trace?.record(held)
            guard held else { return false }
            evidence.append(Evidence(feature: "match", value: reference.id, location: instance?.location))
            evidence.append(contentsOf: local)
            return true
        }
    }

    /// False when `condition` cannot hold whatever its costly leaves (patterns, strings,
    /// characteristics, metrics, symbols) turn out to be, judged by its cheap leaves alone: file
    /// type, architecture, path, sections, segments and dynamic entries. True when it might.
    func mayHold(_ condition: Condition, facts: SubjectFacts) -> Bool {
        switch condition {
        case .leaf(let leaf), .count(let leaf, _, _):
            guard leaf.isCheap else { return true }
            var ignored: [Evidence] = []
            return holds(condition, facts: facts, instance: nil, evidence: &ignored)
        case .all(let children, _):
            return children.allSatisfy { mayHold($0, facts: facts) }
        case .any(let children):
            return children.contains { mayHold($0, facts: facts) }
        case .atLeast(let required, let children):
            return children.count { mayHold($0, facts: facts) } >= required
        case .not(let child):
            guard child.isCheap else { return true }
            var ignored: [Evidence] = []
            return !holds(child, facts: facts, instance: nil, evidence: &ignored)
        case .rule(let reference):
            return mayHold(rules[reference.index].condition, facts: facts)
        }
    }

    /// Whether `condition` is a characteristic leaf whose characteristic is neither given nor
    /// deferred for this subject or instance: it cannot hold, and finding that out costs nothing.
    private static func isAbsentCharacteristic(_ condition: Condition, facts: SubjectFacts, instance: ScopeInstance?) -> Bool {
        guard case .leaf(.characteristic(let name)) = condition else { return false }
        return instance?.characteristics[name] == nil && facts.subject.characteristics[name] == nil
            && facts.subject.deferredCharacteristics[name] == nil
    }

    private static func append(_ found: [Evidence], to evidence: inout [Evidence]) {
        guard found.count > evidencePerLeaf else {
            evidence.append(contentsOf: found)
            return
        }
        evidence.append(contentsOf: shown(found))
    }

    /// What a finding shows of a leaf's evidence: at most ``evidencePerLeaf`` items and one
    /// saying how many more there were.
    static func shown(_ found: [Evidence]) -> [Evidence] {
        guard found.count > evidencePerLeaf, let first = found.first else { return found }
        return found.prefix(evidencePerLeaf) + [Evidence(feature: first.feature, value: "…", detail: "\(found.count - evidencePerLeaf) more not shown")]
    }

    // MARK: Leaves

    /// Every distinct thing `leaf` matches (names, offsets, sections, …), as evidence; empty when
    /// the leaf does not hold.
    func items(_ leaf: Leaf, facts: SubjectFacts, instance: ScopeInstance?) -> [Evidence] {
        let instanceScoped = instance.map { $0.scope == .resolver || $0.scope == .function } ?? false
        switch leaf {
        case .imports(let matcher):
            if let instance, instanceScoped {
                return Self.distinct(instance.references.filter { matcher.matches($0, log: facts.regexLimits) }).map {
                    Evidence(feature: "import", value: $0, location: instance.location)
                }
            }
            guard let elf = facts.elf else { return [] }
            return namedSymbols(matcher, index: facts.imports, in: elf, log: facts.regexLimits, where: \.isImport).map {
                let name = elf.symbols[$0].name
                return Evidence(feature: "import", value: name, location: Location(symbol: name))
            }
        case .exports(let matcher):
            guard let elf = facts.elf else { return [] }
            return namedSymbols(matcher, index: facts.exports, in: elf, log: facts.regexLimits, where: \.isExport).map {
                let symbol = elf.symbols[$0]
                return Evidence(feature: "export", value: symbol.name,
                                location: Location(section: facts.sectionName(of: symbol), address: symbol.value, symbol: symbol.name))
            }
        case .needed(let matcher):
            return (facts.elf?.dynamic.needed ?? []).filter { matcher.matches($0, log: facts.regexLimits) }.map { Evidence(feature: "needed", value: $0) }
        case .soname(let matcher):
            guard let soname = facts.elf?.dynamic.soname, matcher.matches(soname, log: facts.regexLimits) else { return [] }
            return [Evidence(feature: "soname", value: soname)]
        case .section(let test):
            return sections(test, facts: facts)
        case .segment(let test):
            return (facts.elf?.segments ?? []).filter { segment in
                (test.types.map { $0.contains(segment.type.uppercased()) } ?? true) && segment.flags & test.flags == test.flags
            }.map {
                Evidence(feature: "segment", value: $0.type, location: Location(offset: $0.offset, address: $0.virtualAddress),
                         detail: $0.permissions)
            }
        case .dynamic(let test):
            return (facts.elf?.dynamic.entries ?? []).filter { entry in
                guard entry.tag.uppercased() == test.tag else { return false }
                if let value = test.value, entry.value != value { return false }
                if let string = test.string { return entry.string.map { string.matches($0, log: facts.regexLimits) } ?? false }
                return true
            }.map { entry in
                Evidence(feature: "dynamic", value: entry.string.map { "\(test.tag)=\($0)" } ?? test.tag,
                         detail: "0x" + String(entry.value, radix: 16))
            }
        case .symbol(let test):
            return symbols(test, facts: facts, instance: instanceScoped ? instance : nil)
        case .relocation(let test):
            return relocations(test, facts: facts)
        case .architecture(let names):
            guard let architecture = facts.elf?.header.architecture, names.contains(architecture) else { return [] }
            return [Evidence(feature: "arch", value: architecture)]
        case .fileType(let types):
            guard let type = facts.elf?.header.type ?? facts.contentKind, types.contains(type) else { return [] }
            return [Evidence(feature: "type", value: type)]
        case .path(let globs):
            let path = facts.subject.path
            guard globs.contains(where: { $0.matches(path) }) else { return [] }
            return [Evidence(feature: "path", value: path)]
        case .pattern(let number):
            return patternHits(number, facts: facts, instance: instance)
        case .stringRegex(let regex, let section):
            // In resolver/function scope only strings inside the instance's bytes count.
            var range: Range<UInt64>?
            if instanceScoped {
                guard let limit = instance?.byteRange else { return [] }
                range = limit
            }
            if let strings = facts.subject.strings {
                return strings.filter { string in
                    if let section, string.section != section { return false }
                    if let range, !range.contains(string.offset) { return false }
                    return facts.regexLimits.matches(regex, string: string.value, offset: string.offset)
                }.map {
                    Evidence(feature: "string", value: $0.value, location: Location(section: $0.section, offset: $0.offset),
                             detail: regex.source)
                }
            }
            let bytes = facts.subject.bytes
            // Spans are found only when the regex might match (most text files hold none of
            // the byte strings a regex requires). Without sections, spans run between the
            // bytes that are not printable.
            let separator: ((UInt8) -> Bool)? = facts.elf == nil ? { !PrintableStrings.isPrintable($0) } : nil
            guard regex.mayMatch(within: bytes, separatedBy: separator) else { return [] }
            return facts.stringSpans.compactMap { span in
                if let section, span.section != section { return nil }
                if let range, !range.contains(span.offset) { return nil }
                // Spans come from these bytes, so they lie inside them.
                let text = UnsafeRawBufferPointer(rebasing: bytes[Int(span.offset) ..< Int(span.offset) + span.length])
                guard facts.regexLimits.matches(regex, text: text, offset: span.offset) else { return nil }
                return Evidence(feature: "string", value: String(decoding: text, as: UTF8.self),
                                location: Location(section: span.section, offset: span.offset), detail: regex.source)
            }
        case .characteristic(let name):
            guard let given = instance?.characteristics[name] ?? facts.subject.characteristics[name]
                    ?? facts.subject.deferredCharacteristics[name]?.evidence else { return [] }
            guard !given.isEmpty else { return [Evidence(feature: "characteristic", value: name, location: instance?.location)] }
            return given.map { item in
                Evidence(feature: "characteristic", value: name, location: item.location ?? instance?.location,
                         detail: item.detail.map { "\(item.value): \($0)" } ?? item.value)
            }
        case .metric(let test):
            guard let value = instance?.metrics[test.name] ?? facts.subject.metrics[test.name] else { return [] }
            if let low = test.min, value < low { return [] }
            if let high = test.max, value > high { return [] }
            let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            return [Evidence(feature: "metric", value: "\(test.name)=\(shown)", location: instance?.location)]
        }
    }

    private static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The first symbol (index) of every distinct name that `matcher` accepts among the symbols
    /// passing `include`, in table order: exact names by lookup in `index`, regexes by a walk
    /// over the symbols only when the matcher has any.
    private func namedSymbols(_ matcher: NameMatcher, index: [String: Int], in elf: ELFModel, log: RegexLimitLog,
                              where include: (ELFSymbol) -> Bool) -> [Int] {
        var found: [Int] = []
        for name in matcher.names { if let position = index[name] { found.append(position) } }
        if !matcher.regexes.isEmpty {
            var seen = Set(found.map { elf.symbols[$0].name })
            let symbols = elf.symbols
            for position in symbols.indices {
                let name = symbols[position].name
                guard !name.isEmpty, matcher.regexes.contains(where: { log.matches($0, name: name) }),
                      include(symbols[position]), seen.insert(name).inserted else { continue }
                found.append(position)
            }
        }
        return found.sorted()
    }

    private func sections(_ test: SectionTest, facts: SubjectFacts) -> [Evidence] {
        guard let elf = facts.elf else { return [] }
        var found: [Evidence] = []
        for section in elf.sections where section.typeNumber != 0 {
            if let name = test.name, !name.matches(section.name, log: facts.regexLimits) { continue }
            if let types = test.types, !types.contains(section.type.uppercased()) { continue }
            if section.flags & test.flags != test.flags { continue }
            let sectionEntropy = section.entropy ?? section.entropy(in: facts.subject.bytes)
            if let low = test.minEntropy, sectionEntropy < low { continue }
            if let high = test.maxEntropy, sectionEntropy > high { continue }
            var flags = ""
            if section.isWritable { flags += "w" }
            if section.isAllocated { flags += "a" }
            if section.isExecutable { flags += "x" }
            let entropy = (sectionEntropy * 100).rounded() / 100
            found.append(Evidence(feature: "section", value: section.name, location: Location(section: section.name, offset: section.offset),
                                  detail: "\(section.type), flags \(flags.isEmpty ? "-" : flags), entropy \(entropy)"))
        }
        return found
    }

    private func symbols(_ test: SymbolTest, facts: SubjectFacts, instance: ScopeInstance?) -> [Evidence] {
        if let instance {
            return Self.distinct(instance.references).filter { name in
                if let matcher = test.name, !matcher.matches(name, log: facts.regexLimits) { return false }
                guard test.hasFilters else { return true }
                let entries = facts.symbolsByName[name] ?? []
                return entries.contains { position in facts.elf.map { test.accepts($0.symbols[position], log: facts.regexLimits) } ?? false }
            }.map { Evidence(feature: "symbol", value: $0, location: instance.location) }
        }
        guard let elf = facts.elf else { return [] }
        let symbols = elf.symbols
        // Candidate entries: by name lookup for exact names, else every symbol.
        var candidates: [Int] = []
        let exactOnly = test.name.map { $0.regexes.isEmpty } ?? false
        if exactOnly, let matcher = test.name {
            for name in matcher.names { candidates.append(contentsOf: facts.symbolsByName[name] ?? []) }
            candidates.sort()
        }
        var seen = Set<String>()
        var found: [Evidence] = []
        func consider(_ position: Int) {
            guard test.accepts(symbols[position], log: facts.regexLimits) else { return }
            let name = symbols[position].name
            guard !name.isEmpty else { return }
            if !exactOnly, let matcher = test.name, !matcher.matches(name, log: facts.regexLimits) { return }
            guard seen.insert(name).inserted else { return }
            let symbol = symbols[position]
            var detail = "\(symbol.type) \(symbol.binding) \(symbol.table.rawValue)"
            if let version = symbol.version { detail += " \(version)" }
            found.append(Evidence(
                feature: "symbol", value: name,
                location: Location(section: facts.sectionName(of: symbol), address: symbol.isUndefined ? nil : symbol.value, symbol: name),
                detail: detail
            ))
        }
        if exactOnly {
            for position in candidates { consider(position) }
        } else {
            for position in symbols.indices { consider(position) }
        }
        return found
    }

    private func relocations(_ test: RelocationTest, facts: SubjectFacts) -> [Evidence] {
        guard let elf = facts.elf else { return [] }
        // Test each distinct type name once; walk the relocations only if some type matches.
        var wanted: [UInt32]?
        if let type = test.type {
            let numbers = facts.relocationTypes.filter { type.matches($0.name, log: facts.regexLimits) }.map(\.number)
            guard !numbers.isEmpty else { return [] }
            wanted = numbers
        }
        let relocations = elf.relocations
        let relocatable = elf.header.type == "REL"
        var found: [Evidence] = []
        for position in relocations.indices {
            if let wanted, !wanted.contains(relocations[position].typeNumber) { continue }
            let relocation = relocations[position]
            if let symbol = test.symbol {
                guard let name = relocation.symbolName, symbol.matches(name, log: facts.regexLimits) else { continue }
            }
            let patched = relocation.targetSection ?? elf.section(containing: relocation.offset)?.name
            if let section = test.section {
                guard patched.map({ section.matches($0, log: facts.regexLimits) }) ?? false
                        || section.matches(relocation.section, log: facts.regexLimits) else { continue }
            }
            var location = Location(section: patched, symbol: relocation.symbolName)
            if relocatable {
                if let patched, let target = elf.section(named: patched) { location.offset = target.offset &+ relocation.offset }
            } else {
                location.address = relocation.offset
            }
            found.append(Evidence(feature: "reloc", value: relocation.type, location: location, detail: "in \(relocation.section)"))
        }
        return found
    }

    private func patternHits(_ number: Int, facts: SubjectFacts, instance: ScopeInstance?) -> [Evidence] {
        var offsets = facts.hits.offsets(of: number)
        guard !offsets.isEmpty else { return [] }
        if let instance, instance.scope == .resolver || instance.scope == .function {
            guard let range = instance.byteRange else { return [] }
            offsets = offsets.filter { range.contains($0) }
        }
        let spec = program.catalog.patterns[number]
        return offsets.map { offset in
            Evidence(feature: spec.kind.rawValue, value: spec.text,
                     location: Location(section: spec.section ?? facts.sectionName(atFileOffset: offset), offset: offset))
        }
    }
}

import BacksightELF

/// Turns the walks of a root and the functions it reaches into named facts with evidence.
struct FactDerivation {
    let walker: CodeWalker

    private var image: ObjectImage { walker.image }

    /// Sections whose stores mean "rewrites a pointer the loader resolved".
    private static let relocatedPointerSections: Set<String> = [".got", ".got.plt", ".data.rel.ro"]
    /// Sections where a counter lives.
    private static let counterSections: Set<String> = [".bss", ".data", ".sbss", ".sdata"]
    /// `DT_*` tags a parser of dynamic sections compares with.
    private static let dynamicTags: [Int64: String] = [
        1: "DT_NEEDED", 2: "DT_PLTRELSZ", 3: "DT_PLTGOT", 4: "DT_HASH", 5: "DT_STRTAB", 6: "DT_SYMTAB", 7: "DT_RELA",
        10: "DT_STRSZ", 11: "DT_SYMENT", 14: "DT_SONAME", 17: "DT_REL", 20: "DT_PLTREL", 23: "DT_JMPREL",
        0x6fff_fef5: "DT_GNU_HASH", 0x6fff_fff0: "DT_VERSYM", 0x6fff_fffc: "DT_VERDEF", 0x6fff_fffe: "DT_VERNEED",
    ]
    /// Tags whose values are unusual enough that a switch over small numbers does not have them.
    private static let distinctiveTags: Set<Int64> = [20, 23, 0x6fff_fef5, 0x6fff_fff0, 0x6fff_fffc, 0x6fff_fffe]
    private static let elfMagic: Set<Int64> = [0x464c_457f, 0x7f45_4c46]

    private var wordMask: UInt64 { image.architecture.wordSize == 8 ? .max : 0xffff_ffff }

    // MARK: Per root

    func facts(for root: Root, reached: [ReachedFunction]) -> FunctionFacts {
        var facts = FunctionFacts(role: root.role, name: root.name, address: root.address,
                                  section: image.section(at: root.address)?.name, fileOffset: image.fileOffset(of: root.address),
                                  codeSize: root.codeSize)
        var found: [CodeFact: [CodeEvidence]] = [:]
        func note(_ fact: CodeFact, _ site: InstructionSite, _ function: ReachedFunction, _ text: String) {
            guard (found[fact]?.count ?? 0) < 32 else { return }
            found[fact, default: []].append(evidence(site, function, text))
        }
        var references: [String] = []
        var referenceSet: Set<String> = []
        func reference(_ name: String) { if referenceSet.insert(name).inserted { references.append(name) } }
        var importedCalls: Set<String> = []
        var localCallees: Set<UInt64> = []
        var callTargets: [String] = []
        var callTargetSet: Set<String> = []

        for function in reached {
            let record = function.record
            let isRoot = function.depth == 0
            for probe in record.cpuProbes { note(.readsCPUFeatures, probe, function, "asks the CPU for its features") }
            for item in record.references {
                reference(item.name)
                if KnownSymbols.isLoaderInternal(item.name) {
                    note(.referencesLoaderInternals, item.site, function, "references the dynamic loader's \(item.name)")
                }
                if isRoot, item.name == "__stack_chk_guard" {
                    note(.usesStackCanary, item.site, function, "reads the stack-protector canary __stack_chk_guard")
                }
            }
            if isRoot {
                for site in record.canaryReads { note(.usesStackCanary, site, function, "reads the stack-protector canary from thread-local storage") }
                if image.architecture.passesHardwareCapabilities, root.role == .resolver {
                    for site in record.argumentInspections.prefix(4) {
                        note(.readsCPUFeatures, site, function, "inspects the hardware-capability argument the loader passes")
                    }
                }
            }
            for compare in record.compares {
                if let data = cpuFeatureData(compare.value) {
                    note(.readsCPUFeatures, compare.site, function, "tests CPU feature bits in \(data)")
                }
            }
            for store in record.stores {
                switch store.target {
                case let .own(address):
                    guard let section = image.section(at: address) else { continue }
                    if Self.relocatedPointerSections.contains(section.name) {
                        let slot = image.relocatedWord(at: address).map { word in
                            word.symbol ?? word.target.flatMap { image.describe($0) } ?? word.relocationType
                        }
                        note(.writesGOT, store.site, function,
                             "stores into \(section.name) at 0x\(hex(address))\(slot.map { " (slot of \($0))" } ?? "")")
                    }
                case let .external(name):
                    if KnownSymbols.isLoaderInternal(name) {
                        note(.writesLoaderData, store.site, function, "stores into memory reached through the dynamic loader's \(name)")
                    }
                case .unknown:
                    break
                }
            }
            deriveCounterGate(record, function, note: note)
            for call in record.calls {
                let callee = calleeName(call.kind)
                let line = "\(record.name) -> \(callee.display)"
                if callTargets.count < 64, callTargetSet.insert(line).inserted { callTargets.append(line) }
                switch call.kind {
                case let .imported(name, _):
                    reference(name)
                    importedCalls.insert(name)
                case let .local(address, _):
                    if isRoot { localCallees.insert(address) }
                case let .ownGOT(slot, target):
                    if isRoot { localCallees.insert(target) }
                    let word = image.relocatedWord(at: slot)
                    note(.gotSlotPointsIntoOwnText, call.site, function,
                         "calls through the GOT slot at 0x\(hex(slot)), which \(word?.relocationType ?? "a relocation") fills with \(image.describe(target) ?? "0x" + hex(target)) in \(image.section(at: target)?.name ?? "code")")
                case .unknown:
                    break
                }
                // A stripped object's local helpers have no name: what a call passes and whether it
                // stays inside the object never depends on one.
                let isGuardFailure = callee.name.map(KnownSymbols.stackProtector.contains) ?? false
                if isRoot, !isGuardFailure, callee.isLocal {
                    note(.callsLocalFunction, call.site, function, "calls \(callee.display)")
                }
                let registerArguments = walker.convention.arguments.count
                let stackArguments = call.arguments.enumerated().compactMap { position, value -> String? in
                    guard case let .stack(offset) = value else { return nil }
                    let slot = position >= registerArguments ? ", in a stack slot" : ""
                    return "\(position + 1) (entry sp\(offset < 0 ? "-" : "+")0x\(hex(offset.magnitude))\(slot))"
                }
                if isRoot, !isGuardFailure, !stackArguments.isEmpty {
                    note(.passesStackAddress, call.site, function,
                         "passes stack addresses as argument \(stackArguments.joined(separator: ", ")) to \(callee.display)")
                }
                guard let name = callee.name else { continue }
                if isRoot, isGuardFailure { note(.usesStackCanary, call.site, function, "calls \(name) when the canary changed") }
                if KnownSymbols.cpuFeatureFunctions.contains(name) {
                    note(.readsCPUFeatures, call.site, function, "calls \(name)")
                }
                if KnownSymbols.mprotect.contains(name) {
                    note(.callsMprotect, call.site, function, "calls \(callee.display)")
                }
                // The loader's own code (ld.so, libc) calls its internals locally; only a call into
                // another object's loader state counts.
                if !callee.isLocal, KnownSymbols.isLoaderInternal(name) {
                    note(.referencesLoaderInternals, call.site, function, "calls the dynamic loader's \(name)")
                }
                if KnownSymbols.symbolLookup.contains(name), name != "dlvsym", let handle = call.arguments.first?.constantValue,
                   UInt64(bitPattern: handle) & wordMask == wordMask {
                    note(.dlsymRTLDNext, call.site, function, "calls \(name) with the handle RTLD_NEXT (-1)")
                }
                if KnownSymbols.comparisons.contains(name), let literal = passwordLiteral(call.arguments) {
                    note(.comparesPasswordWithLiteral, call.site, function,
                         "\(name) compares the password from \(literal.source) with the literal \"\(literal.text)\" at 0x\(hex(literal.address))")
                }
            }
            if let parsing = Self.elfParsing(record.compares) {
                note(.inMemoryELFParsing, parsing.site, function, parsing.note)
            }
        }

        // An absence is only a fact when everything reachable was read to its end.
        if root.role == .resolver, found[.readsCPUFeatures] == nil, !reached.contains(where: \.record.truncated) {
            let first = reached.first
            let instructions = reached.reduce(0) { $0 + $1.record.instructionCount }
            found[.ifuncResolverWithoutCPUID] = [CodeEvidence(
                instruction: first.map { "\($0.record.instructionCount) instructions" } ?? "no code",
                address: root.address, section: facts.section, fileOffset: facts.fileOffset, function: root.name,
                note: "no cpuid, CPU-feature data, getauxval or hardware-capability argument in \(instructions) instructions over \(reached.count) function(s)")]
        }
        for (fact, items) in found { facts.facts[fact.rawValue] = items }
        facts.metrics["instructions"] = Double(reached.first?.record.instructionCount ?? 0)
        facts.metrics["analysed-instructions"] = Double(reached.reduce(0) { $0 + $1.record.instructionCount })
        facts.metrics["local-calls"] = Double(localCallees.count)
        facts.metrics["imported-calls"] = Double(importedCalls.count)
        facts.metrics["call-depth"] = Double(reached.map(\.depth).max() ?? 0)
        facts.references = references
        facts.callTargets = callTargets
        return facts
    }

    /// A constructor the toolchain adds to every object (`frame_dummy`, `_init`): named so or
    /// unnamed, and reaching nothing beyond the toolchain's own imports.
    func isToolchainBoilerplate(_ root: Root, _ facts: FunctionFacts) -> Bool {
        let named = !root.name.hasPrefix("constructor at ")
        if named, !KnownSymbols.toolchainFunctions.contains(root.name) { return false }
        let serious: [CodeFact] = [.writesGOT, .writesLoaderData, .callsMprotect, .dlsymRTLDNext, .inMemoryELFParsing, .gotSlotPointsIntoOwnText]
        if serious.contains(where: { facts.facts[$0.rawValue] != nil }) { return false }
        return facts.references.allSatisfy(KnownSymbols.toolchainImports.contains)
    }

    /// File-wide facts a root's code shows.
    func mergeFileFacts(from function: FunctionFacts, into file: inout [String: [CodeEvidence]]) {
        for fact in [CodeFact.gotSlotPointsIntoOwnText, .inMemoryELFParsing, .dlsymRTLDNext] {
            guard let items = function.facts[fact.rawValue] else { continue }
            let existing = Set((file[fact.rawValue] ?? []).compactMap(\.address))
            file[fact.rawValue, default: []] += items.filter { $0.address.map { !existing.contains($0) } ?? true }
        }
    }

    // MARK: Helpers

    private func evidence(_ site: InstructionSite, _ function: ReachedFunction, _ note: String) -> CodeEvidence {
        let holder = function.depth == 0 ? function.record.name : "\(function.record.name) (call depth \(function.depth))"
        // How the root reaches the function, with every call site, so the chain can be checked with objdump.
        let note = function.route.count > 1 ? "\(note); reached by \(function.route.joined(separator: " -> "))" : note
        return CodeEvidence(instruction: walker.text(of: site), address: site.address, section: image.section(at: site.address)?.name,
                            fileOffset: image.fileOffset(of: site.address), function: holder, note: note)
    }

    private func calleeName(_ kind: CallKind) -> (name: String?, display: String, isLocal: Bool) {
        switch kind {
        case let .imported(name, via):
            return (name, via.map { "\(name) (PLT 0x\(hex($0)))" } ?? "\(name) (through its GOT slot)", false)
        case let .local(address, _):
            let name = image.describe(address)
            return (name, name.map { "\($0) (0x\(hex(address)))" } ?? "0x\(hex(address))", true)
        case let .ownGOT(_, target):
            let name = image.describe(target)
            return (name, "\(name ?? "0x" + hex(target)) (through its GOT slot)", true)
        case .unknown:
            return (nil, "an unknown target", false)
        }
    }

    /// The CPU-feature data a compared value was read from, if any.
    private func cpuFeatureData(_ value: SymbolicValue) -> String? {
        switch value {
        case .loaded(.external(let name, _), _), .loaded(.reachable(let name), _):
            return KnownSymbols.isCPUFeatureData(name) ? name : nil
        case .loaded(.address(let address), _):
            guard let symbol = image.symbol(containing: address), KnownSymbols.isCPUFeatureData(symbol.name) else { return nil }
            return symbol.name
        default:
            return nil
        }
    }

    /// A counter in `.bss`: read, changed and written back, then compared, and a call depends on it.
    private func deriveCounterGate(_ record: FunctionRecord, _ function: ReachedFunction,
                                   note: (CodeFact, InstructionSite, ReachedFunction, String) -> Void) {
        for store in record.stores {
            guard case let .own(address) = store.target, case let .loaded(.address(source), delta) = store.value,
                  source == address, delta != 0, let section = image.section(at: address),
                  Self.counterSections.contains(section.name) else { continue }
            let compared = record.compares.filter {
                if case .loaded(.address(address), _) = $0.value { return true }
                return false
            }
            for compare in compared {
                guard let branch = record.branchOrdinals.first(where: { $0 >= compare.site.ordinal }),
                      let call = record.calls.first(where: { call in
                          guard call.site.ordinal > branch else { return false }
                          if case let .imported(name, _) = call.kind, KnownSymbols.stackProtector.contains(name) { return false }
                          return true
                      }) else { continue }
                let counter = image.describe(address) ?? "0x" + hex(address)
                note(.bssCounterGatesCall, store.site, function, "increments the counter \(counter) in \(section.name)")
                note(.bssCounterGatesCall, compare.site, function, "compares the counter with \(compare.constant)")
                note(.bssCounterGatesCall, call.site, function, "call taken or skipped by that comparison: \(calleeName(call.kind).display)")
                return
            }
        }
    }

    /// A string literal compared with the password a PAM call handed back.
    private func passwordLiteral(_ arguments: [SymbolicValue]) -> (source: String, text: String, address: UInt64)? {
        guard arguments.count >= 2 else { return nil }
        let pair = [(arguments[0], arguments[1]), (arguments[1], arguments[0])]
        for (password, other) in pair {
            guard case let .calleeOutput(getter) = password, KnownSymbols.authenticationTokenGetters.contains(getter),
                  let raw = other.constantValue else { continue }
            let address = UInt64(bitPattern: raw)
            guard let section = image.section(at: address), !section.isWritable, !section.isExecutable,
                  let text = literal(at: address) else { continue }
            return (getter, text, address)
        }
        return nil
    }

    /// A NUL-terminated printable string at `address`, escaped and cut to 64 characters.
    private func literal(at address: UInt64) -> String? {
        let region = image.bytes(at: address, count: 256)
        guard let end = region.firstIndex(of: 0), end > 0 else { return nil }
        let body = region[..<end]
        guard body.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var text = ""
        for byte in body.prefix(64) {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text.append("\\") }
            text.append(Character(Unicode.Scalar(byte)))
        }
        return body.count > 64 ? text + "…" : text
    }

    /// Comparisons against `DT_*` tags or the ELF magic: code that walks ELF structures in memory.
    /// A parser of dynamic sections compares one value read from memory with a handful of tags,
    /// among them `DT_STRTAB` or `DT_SYMTAB` and two of the tags no ordinary enumeration shares
    /// (`DT_PLTREL`, `DT_JMPREL`, `DT_GNU_HASH`, `DT_VERSYM`, …); a `switch` over a dense
    /// enumeration, which compares with dozens of small numbers, is not one.
    static func elfParsing(_ compares: [CompareSite]) -> (site: InstructionSite, note: String)? {
        if let magic = compares.first(where: { Self.elfMagic.contains($0.constant) }) {
            return (magic.site, "compares with the ELF magic \\x7fELF")
        }
        var tags: [Int64: InstructionSite] = [:]
        var smallConstants = Set<Int64>()
        for compare in compares {
            guard case let .loaded(_, delta) = compare.value else { continue }
            let original = compare.constant &- delta
            if (0..<64).contains(original) { smallConstants.insert(original) }
            if Self.dynamicTags[original] != nil, tags[original] == nil { tags[original] = compare.site }
        }
        guard smallConstants.count <= 12, tags.keys.contains(where: { $0 == 5 || $0 == 6 }),
              tags.keys.filter(Self.distinctiveTags.contains).count >= 2,
              let first = tags.values.min(by: { $0.ordinal < $1.ordinal }) else { return nil }
        let names = tags.keys.sorted().compactMap { Self.dynamicTags[$0] }
        return (first, "compares values read from memory with \(names.joined(separator: ", "))")
    }

    private func hex<T: BinaryInteger>(_ value: T) -> String { String(value, radix: 16) }
}

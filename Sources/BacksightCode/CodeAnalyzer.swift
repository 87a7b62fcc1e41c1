import BacksightELF

/// Disassembles the code an ELF file runs at load time or uses to decide who gets in, and
/// reports what it does: IFUNC resolvers, constructors (`DT_INIT`, `.init_array`) and
/// authentication entry points (`pam_sm_authenticate`), each followed through its direct
/// calls and callbacks three levels deep; plus `dlsym(RTLD_NEXT, …)` call sites and the build
/// tells of relocatable objects.
///
/// ```swift
/// let model = try ELFReader.model(of: bytes)
/// let facts = CodeAnalyzer.analyze(model, bytes: bytes)
/// for function in facts.functions where function.facts["resolver-writes-got"] != nil { … }
/// ```
///
/// Files with nothing to analyse return at once without touching the disassembler. The work
/// is bounded by an instruction budget per file; bad or hostile code cannot make it loop or
/// read outside `bytes`.
public enum CodeAnalyzer {
    /// Instructions one file may cost at most.
    public static let instructionBudget = 40_000
    /// How many levels of direct calls below a root are followed.
    public static let callDepth = 3
    /// Functions reached from one root at most.
    static let functionsPerRoot = 48

    /// Analyses the code of `model`, whose bytes are `bytes` (the same buffer it was read from).
    /// `request` limits the work to the parts a caller needs.
    public static func analyze(_ model: ELFModel, bytes: UnsafeRawBufferPointer, request: CodeAnalysisRequest = .all) -> CodeFacts {
        var facts = CodeFacts()
        if model.header.type == "REL" {
            if request.contains(.objectTells) { facts.fileFacts = RelocatableObjectTells.facts(of: model) }
            return facts
        }
        var importsVersionedLookup = false
        var looksUpSymbols = false
        for symbol in model.symbols where request.contains(.symbolLookups) && symbol.table == .dynsym && symbol.isUndefined {
            switch symbol.name {
            case "dlvsym": importsVersionedLookup = true
            case "dlsym", "__libc_dlsym": looksUpSymbols = true
            default: continue
            }
        }
        if importsVersionedLookup {
            facts.fileFacts[CodeFact.dlsymRTLDNext.rawValue, default: []].append(
                CodeEvidence(instruction: "import dlvsym", function: "dlvsym", note: "imports dlvsym: looks up a specific version of a symbol another library defines"))
        }
        let roots = Roots(model: model, request: request)
        guard !roots.isEmpty || looksUpSymbols,
              let architecture = CodeArchitecture(machine: model.header.machineNumber, is64Bit: model.header.is64Bit,
                                                  littleEndian: model.header.isLittleEndian) else { return facts }
        let image = ObjectImage(model: model, bytes: bytes, architecture: architecture)
        guard let walker = CodeWalker(image: image, budget: instructionBudget) else { return facts }
        var explorer = Explorer(walker: walker)
        let derivation = FactDerivation(walker: walker)

        for root in roots.all {
            let reached = explorer.explore(root)
            switch root.role {
            case .resolver: facts.statistics.resolvers += 1
            case .constructor: facts.statistics.constructors += 1
            case .entryPoint: facts.statistics.entryPoints += 1
            }
            let function = derivation.facts(for: root, reached: reached)
            if root.role == .constructor, derivation.isToolchainBoilerplate(root, function) {
                derivation.mergeFileFacts(from: function, into: &facts.fileFacts)
                continue
            }
            derivation.mergeFileFacts(from: function, into: &facts.fileFacts)
            if root.role == .constructor {
                facts.fileFacts[CodeFact.constructorPresent.rawValue, default: []].append(
                    CodeEvidence(instruction: root.source, address: root.address, section: image.section(at: root.address)?.name,
                                 fileOffset: image.fileOffset(of: root.address), function: root.name,
                                 note: "runs \(root.name) at load time"))
            }
            facts.functions.append(function)
        }

        if looksUpSymbols, facts.fileFacts[CodeFact.dlsymRTLDNext.rawValue] == nil {
            let search = SymbolLookupSearch(image: image, walker: walker)
            let found = search.rtldNextLookups(limit: 32)
            facts.statistics.symbolLookupSites = found.sitesExamined
            if !found.evidence.isEmpty { facts.fileFacts[CodeFact.dlsymRTLDNext.rawValue, default: []] += found.evidence }
        }
        facts.statistics.instructions = walker.decoded
        facts.statistics.budgetExhausted = walker.budget <= 0
        return facts
    }
}

/// A function the analysis starts from.
struct Root {
    var role: FunctionRole
    var address: UInt64
    var thumb: Bool
    var name: String
    /// Where it was found: `IFUNC crc32_fast`, `.init_array[1]`, `DT_INIT`, `export pam_sm_authenticate`.
    var source: String
    var codeSize: UInt64
}

/// The roots of one file: resolvers, authentication entry points, constructors.
struct Roots {
    private(set) var all: [Root] = []

    var isEmpty: Bool { all.isEmpty }

    init(model: ELFModel, request: CodeAnalysisRequest = .all) {
        let isARM = model.header.machineNumber == 40
        var seen: Set<UInt64> = []
        for resolver in model.resolvers where request.contains(.resolvers) && resolver.fileOffset != nil
            && seen.insert(resolver.address).inserted {
            let source = resolver.ifuncSymbols.first.map { "IFUNC \($0)" } ?? "IRELATIVE relocation"
            all.append(Root(role: .resolver, address: resolver.address, thumb: resolver.isThumb, name: resolver.displayName,
                            source: source, codeSize: resolver.codeSize))
        }
        var constructors: [(UInt64, String)] = []
        if request.contains(.constructors), let initFunction = model.dynamic.initFunction { constructors.append((initFunction, "DT_INIT")) }
        for (index, entry) in model.dynamic.initArray.enumerated() where request.contains(.constructors) { constructors.append((entry, ".init_array[\(index)]")) }
        constructors = Array(constructors.prefix(64))
        // One pass over the symbols: authentication entry points, and the names of constructors.
        let wanted = Set(constructors.map { isARM ? $0.0 & ~1 : $0.0 })
        var names: [UInt64: ELFSymbol] = [:]
        let wantsEntryPoints = request.contains(.entryPoints)
        guard wantsEntryPoints || !constructors.isEmpty else { return }
        for symbol in model.symbols where symbol.type == "FUNC" && !symbol.isUndefined && !symbol.name.isEmpty {
            let address = isARM ? symbol.value & ~1 : symbol.value
            if wantsEntryPoints, symbol.isExport, KnownSymbols.authenticationEntryPoints.contains(symbol.name),
               seen.insert(address).inserted {
                all.append(Root(role: .entryPoint, address: address, thumb: isARM && symbol.value & 1 == 1, name: symbol.name,
                                source: "export \(symbol.name)", codeSize: symbol.size))
            }
            if wanted.contains(address), names[address].map({ $0.table == .dynsym && symbol.table == .symtab }) ?? true {
                names[address] = symbol
            }
        }
        for (raw, source) in constructors {
            let address = isARM ? raw & ~1 : raw
            guard address != 0, seen.insert(address).inserted else { continue }
            let symbol = names[address]
            all.append(Root(role: .constructor, address: address, thumb: isARM && raw & 1 == 1,
                            name: symbol?.name ?? "constructor at 0x\(String(address, radix: 16))", source: source,
                            codeSize: symbol?.size ?? 0))
        }
    }
}

/// A function reached from a root, and how deep.
struct ReachedFunction {
    var record: FunctionRecord
    var depth: Int
}

/// Follows a root's direct calls, GOT calls into its own code and callbacks, breadth first,
/// reusing walks of functions several roots share.
struct Explorer {
    let walker: CodeWalker
    private var walked: [UInt64: FunctionRecord] = [:]

    init(walker: CodeWalker) { self.walker = walker }

    mutating func explore(_ root: Root) -> [ReachedFunction] {
        var reached: [ReachedFunction] = []
        var queue: [(address: UInt64, thumb: Bool, depth: Int)] = [(root.address, root.thumb, 0)]
        var seen: Set<UInt64> = []
        var position = 0
        while position < queue.count, reached.count < CodeAnalyzer.functionsPerRoot {
            let (address, thumb, depth) = queue[position]
            position += 1
            guard seen.insert(address).inserted else { continue }
            let record: FunctionRecord
            if let known = walked[address] {
                record = known
            } else {
                guard walker.budget > 0 else { break }
                let name = depth == 0 ? root.name : walker.image.function(at: address)?.name ?? "sub_\(String(address, radix: 16))"
                record = walker.walk(start: address, thumb: thumb, name: name)
                walked[address] = record
            }
            reached.append(ReachedFunction(record: record, depth: depth))
            guard depth < CodeAnalyzer.callDepth else { continue }
            for call in record.calls {
                switch call.kind {
                case let .local(target, targetThumb): queue.append((target, targetThumb, depth + 1))
                case let .ownGOT(_, target):
                    let isARM = walker.architecture == .arm
                    queue.append((isARM ? target & ~1 : target, isARM ? target & 1 == 1 : thumb, depth + 1))
                default: break
                }
            }
            for callback in record.callbacks { queue.append((callback.address, callback.thumb, depth + 1)) }
        }
        return reached
    }
}

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
        analyze(ObjectCode(model: model, bytes: bytes), request: request)
    }

    /// Analyses `code`, sharing its image with the other analyses of the same file.
    public static func analyze(_ code: ObjectCode, request: CodeAnalysisRequest = .all) -> CodeFacts {
        let model = code.model
        let bytes = code.bytes
        var facts = CodeFacts()
        if model.header.type == "REL" {
            if request.contains(.objectTells) { facts.fileFacts = RelocatableObjectTells.facts(of: model) }
            if request.contains(.kernelModules) {
                facts.fileFacts.merge(KernelModuleTechniques.facts(of: model, bytes: bytes)) { $0 + $1 }
            }
            return facts
        }
        if request.contains(.programBehaviour), isProgram(model) {
            addProgramFacts(code, into: &facts)
        }
        if request.contains(.magicStrings), MagicStringAccess.isCandidate(model) {
            addMagicStringFacts(code, into: &facts)
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
        // A dlsym call is often only reachable from a constructor (the MIPS GOT hides it from
        // the flat search), so objects that import dlsym get their constructors walked too.
        let roots = Roots(model: model, request: looksUpSymbols ? request.union(.constructors) : request)
        guard !roots.isEmpty || looksUpSymbols, let image = code.image else { return facts }
        guard let walker = CodeWalker(image: image, budget: instructionBudget) else { return facts }
        var explorer = Explorer(walker: walker)
        let derivation = FactDerivation(walker: walker)

        for root in roots.all {
            let reached = explorer.explore(root)
            // Out of budget before the root itself was read: nothing can be said about it.
            guard !reached.isEmpty else { continue }
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
            let search = SymbolLookupSearch(search: CallSiteSearch(image: image, walker: walker))
            let found = search.rtldNextLookups(limit: 32)
            facts.statistics.symbolLookupSites = found.sitesExamined
            if !found.evidence.isEmpty { facts.fileFacts[CodeFact.dlsymRTLDNext.rawValue, default: []] += found.evidence }
        }
        facts.statistics.instructions += walker.decoded
        facts.statistics.budgetExhausted = walker.budget <= 0
        return facts
    }

    /// The program facts of `model` (a program), leaving out the work only facts in `ruledOut`
    /// (raw names, from ``programFactsRuledOut(_:)``) would need: their values are not to be read.
    public static func analyzeProgram(_ code: ObjectCode, ruledOut: Set<String>) -> CodeFacts {
        var facts = CodeFacts()
        guard isProgram(code.model) else { return facts }
        addProgramFacts(code, ruledOut: Set(ruledOut.compactMap(CodeFact.init(rawValue:))), into: &facts)
        return facts
    }

    /// For a program (an executable, not a shared library): the raw names of the program
    /// facts that cannot hold, known from its symbols and data without reading code, so that
    /// the program analysis can wait until a rule asks for one that can. Nil for other files.
    public static func programFactsRuledOut(_ code: ObjectCode) -> Set<String>? {
        guard isProgram(code.model), let image = code.image else { return nil }
        return Set(ProgramBehaviour.factsRuledOut(in: image).map(\.rawValue))
    }

    /// An executable (dynamic, static or static-pie), not a shared library: no `DT_SONAME`.
    static func isProgram(_ model: ELFModel) -> Bool {
        (model.header.type == "EXEC" || model.header.type == "DYN") && !model.dynamic.entries.contains { $0.tagNumber == 14 }
    }

    /// Adds the facts of input compared with a literal that grants access; the walk has a budget of its own.
    private static func addMagicStringFacts(_ code: ObjectCode, into facts: inout CodeFacts) {
        guard let search = callSiteSearch(code, budget: MagicStringAccess.instructionBudget) else { return }
        facts.fileFacts.merge(MagicStringAccess(search: search).facts()) { $0 + $1 }
        facts.statistics.instructions += search.walker.decoded
    }

    /// A search over the file's code with a walker of its own budget, when the architecture is covered.
    private static func callSiteSearch(_ code: ObjectCode, budget: Int = instructionBudget) -> CallSiteSearch? {
        guard let image = code.image, let walker = CodeWalker(image: image, budget: budget) else { return nil }
        return CallSiteSearch(image: image, walker: walker)
    }

    /// Adds the program facts and the decoded BPF programs; the walk has a budget of its own.
    private static func addProgramFacts(_ code: ObjectCode, ruledOut: Set<CodeFact> = [], into facts: inout CodeFacts) {
        facts.filterPrograms = SocketFilterProgram.find(in: code.model, bytes: code.bytes)
        for program in facts.filterPrograms where !program.isSeccomp {
            facts.fileFacts[CodeFact.socketFilterProgram.rawValue, default: []].append(CodeEvidence(
                instruction: "sock_filter[\(program.instructions.count)]", address: program.address, section: program.section,
                fileOffset: program.fileOffset, note: "classic BPF program in data: \(program.summary)"))
        }
        guard let search = callSiteSearch(code) else { return }
        facts.fileFacts.merge(ProgramBehaviour(search: search).facts(ruledOut: ruledOut)) { $0 + $1 }
        facts.statistics.instructions += search.walker.decoded
    }
}

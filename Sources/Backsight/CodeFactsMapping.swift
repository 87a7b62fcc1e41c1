import BacksightCode

extension ScanSubject {
    /// Runs the code analysis on an ELF file when some rule can use it, and adds its facts:
    /// one `resolver` or `function` instance per analysed root, file-wide facts as
    /// characteristics. Files with no resolver, constructor, authentication entry point or
    /// `dlsym` import, and rule sets that read no code fact, cost nothing.
    ///
    /// The `dlsym(RTLD_NEXT, …)` search (with the constructor walk it brings for objects that
    /// import `dlsym`) is deferred: it runs only if a rule reads `dlsym-rtld-next` after the
    /// rule's cheaper leaves held, which on a distribution tree is almost never.
    ///
    /// The program analysis is deferred too: each program fact a rule reads runs it (once for
    /// all of them) when the rule gets that far, unless the program's imports and data already
    /// rule the fact out. Most programs import neither sockets, descriptor duplication nor
    /// pseudo-terminals, and their code is never read.
    ///
    /// With a `cache` and the file's `digest`, files whose bytes the scan has analysed before
    /// take their facts from the cache.
    mutating func addCodeFacts(of model: ELFModel, bytes: UnsafeRawBufferPointer, request: CodeAnalysisRequest,
                               cache: CodeFactsCache? = nil, digest: String? = nil) {
        /// `compute`'s facts, or the cache's for this content.
        func facts(_ request: CodeAnalysisRequest, _ compute: () -> CodeFacts) -> CodeFacts {
            guard let cache, let digest else { return compute() }
            return cache.facts(digest: digest, request: request, compute: compute)
        }
        // One image of the code for every analysis of this file, now or deferred.
        let code = ObjectCode(model: model, bytes: bytes)
        func analyze(_ request: CodeAnalysisRequest) -> CodeFacts {
            facts(request) { CodeAnalyzer.analyze(code, request: request) }
        }
        var eager = request.subtracting(.symbolLookups)
        func programFactsRuledOut() -> Set<String>? {
            guard let cache, let digest else { return CodeAnalyzer.programFactsRuledOut(code) }
            return cache.programFactsRuledOut(digest: digest) { CodeAnalyzer.programFactsRuledOut(code) }
        }
        if eager.contains(.programBehaviour), let ruledOut = programFactsRuledOut() {
            eager.remove(.programBehaviour)
            let program = DeferredCodeFacts { facts(.programBehaviour) { CodeAnalyzer.analyzeProgram(code, ruledOut: ruledOut) } }
            for name in RuleSet.programFacts where !ruledOut.contains(name) {
                deferredCharacteristics[name] = DeferredCharacteristic {
                    program.facts.fileFacts[name].map { $0.map(Evidence.init(code:)) }
                }
            }
        }
        if !eager.isEmpty { add(analyze(eager)) }
        if request.contains(.symbolLookups) {
            let name = CodeFact.dlsymRTLDNext.rawValue
            deferredCharacteristics[name] = DeferredCharacteristic {
                let facts = analyze(.symbolLookups)
                return facts.fileFacts[name].map { $0.map(Evidence.init(code:)) }
            }
        }
    }

    /// Adds facts the code analysis found.
    mutating func add(_ code: CodeFacts) {
        for function in code.functions {
            // Findings name the instance: the symbol and where its code starts.
            let address = "0x" + String(function.address, radix: 16)
            var instance = ScopeInstance(
                scope: function.role == .resolver ? .resolver : .function,
                name: function.name.hasSuffix(address) ? function.name : "\(function.name) at \(address)",
                location: Location(section: function.section, offset: function.fileOffset, address: function.address, symbol: function.name)
            )
            instance.characteristics = function.facts.mapValues { $0.map(Evidence.init(code:)) }
            instance.metrics = function.metrics
            instance.references = function.references
            if let offset = function.fileOffset, function.codeSize > 0 {
                let end = offset.addingReportingOverflow(function.codeSize)
                if !end.overflow { instance.byteRange = offset..<end.partialValue }
            }
            instances.append(instance)
        }
        for (name, items) in code.fileFacts {
            characteristics[name, default: []] += items.map(Evidence.init(code:))
        }
    }
}

/// Code facts computed the first time a deferred characteristic asks for them, then kept; used
/// by one matching thread at a time, like the subject's deferred characteristics.
private final class DeferredCodeFacts: @unchecked Sendable {
    private let compute: () -> CodeFacts
    private var computed: CodeFacts?

    init(_ compute: @escaping () -> CodeFacts) { self.compute = compute }

    var facts: CodeFacts {
        if let computed { return computed }
        let result = compute()
        computed = result
        return result
    }
}

extension Evidence {
    /// A code fact's evidence: the instruction (or property) as the value, the note as detail.
    init(code: CodeEvidence) {
        let value = code.address.map { "0x\(String($0, radix: 16)): \(code.instruction)" } ?? code.instruction
        self.init(feature: "code", value: value,
                  location: Location(section: code.section, offset: code.fileOffset, address: code.address, symbol: code.function),
                  detail: code.note)
    }
}

extension RuleSet {
    /// Whether some rule reads a fact only the code analysis provides.
    var needsCodeFacts: Bool { !codeAnalysisRequest.isEmpty }

    /// The parts of the code analysis the rules need: resolvers for resolver-scope rules,
    /// entry points for function-scope rules, constructors and the `dlsym` search only when a
    /// rule reads a fact that comes from them. The `dlsym` search walks the constructors of
    /// the objects that import `dlsym` itself, so other objects' constructors stay unread.
    var codeAnalysisRequest: CodeAnalysisRequest {
        Self.request(scopes: scopes, characteristics: { characteristics(in: $0) })
    }

    private static let treeFacts: Set<String> = [CodeFact.gotSlotPointsIntoOwnText.rawValue, CodeFact.inMemoryELFParsing.rawValue]
    private static let objectTells: Set<String> = [
        CodeFact.largeModelRelocationsInRodata, .localLabelFunctionSymbols, .sectionNameSymbolMismatch, .missingCommentSection,
    ].reduce(into: []) { $0.insert($1.rawValue) }
    private static let moduleFacts: Set<String> = [
        CodeFact.kprobeSymbolLookup, .moduleListUnlink, .controlRegisterWrite, .ftraceIPModifyOps,
    ].reduce(into: []) { $0.insert($1.rawValue) }
    static let programFacts: Set<String> = [
        CodeFact.rawPacketSocket, .socketFilterAttached, .socketFilterProgram, .descriptorsDuplicatedOntoStdio, .shellExecuted,
        .loginExecuted, .shellOnSocket, .ptyAllocated, .processRenamed, .kernelThreadName,
        .selfDeleting, .historyDisabled, .loginRecordsWiped, .temporaryDirectoryExecutable, .memoryFileExecuted, .connectsOut,
    ].reduce(into: []) { $0.insert($1.rawValue) }
    private static let accessFacts: Set<String> = [CodeFact.networkLiteralRunsCommand.rawValue, CodeFact.loginPasswordComparedWithLiteral.rawValue]
    private static let functionFacts: Set<String> = Set(CodeFact.allCases.map(\.rawValue)).subtracting(objectTells)
        .subtracting(moduleFacts).subtracting(programFacts).subtracting(accessFacts)

    static func request(scopes: Set<Scope>, characteristics: (Scope) -> Set<String>) -> CodeAnalysisRequest {
        var request: CodeAnalysisRequest = []
        let wide = characteristics(.file).union(characteristics(.elf)).union(characteristics(.payload))
        let all = Scope.allCases.reduce(into: Set<String>()) { $0.formUnion(characteristics($1)) }
        if scopes.contains(.resolver) || !wide.isDisjoint(with: treeFacts) { request.insert(.resolvers) }
        if scopes.contains(.function) { request.insert(.entryPoints) }
        if !characteristics(.function).isDisjoint(with: functionFacts.subtracting([CodeFact.comparesPasswordWithLiteral.rawValue]))
            || !wide.isDisjoint(with: treeFacts) || wide.contains(CodeFact.constructorPresent.rawValue) {
            request.insert(.constructors)
        }
        if all.contains(CodeFact.dlsymRTLDNext.rawValue) { request.insert(.symbolLookups) }
        if !all.isDisjoint(with: objectTells) { request.insert(.objectTells) }
        if !all.isDisjoint(with: moduleFacts) { request.insert(.kernelModules) }
        if !all.isDisjoint(with: programFacts) { request.insert(.programBehaviour) }
        if !all.isDisjoint(with: accessFacts) { request.insert(.magicStrings) }
        return request
    }
}


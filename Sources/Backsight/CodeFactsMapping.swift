import BacksightCode

extension ScanSubject {
    /// Runs the code analysis on an ELF file when some rule can use it, and adds its facts:
    /// one `resolver` or `function` instance per analysed root, file-wide facts as
    /// characteristics. Files with no resolver, constructor, authentication entry point or
    /// `dlsym` import, and rule sets that read no code fact, cost nothing.
    mutating func addCodeFacts(of model: ELFModel, bytes: UnsafeRawBufferPointer, for ruleSet: RuleSet) {
        guard ruleSet.needsCodeFacts else { return }
        add(CodeAnalyzer.analyze(model, bytes: bytes))
    }

    /// Adds facts the code analysis found.
    mutating func add(_ code: CodeFacts) {
        for function in code.functions {
            var instance = ScopeInstance(
                scope: function.role == .resolver ? .resolver : .function,
                name: function.name,
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
    /// Whether some rule reads a fact only the code analysis provides: a resolver or function
    /// scope, or a characteristic it computes.
    var needsCodeFacts: Bool {
        if scopes.contains(.resolver) || scopes.contains(.function) { return true }
        return !characteristics.isDisjoint(with: Self.codeFactNames)
    }

    private static let codeFactNames = Set(CodeFact.allCases.map(\.rawValue))
}

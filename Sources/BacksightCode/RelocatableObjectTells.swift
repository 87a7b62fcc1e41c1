import BacksightELF

/// Build tells of a relocatable object (`.o`) that need no disassembly: how its relocations,
/// symbols and sections were made. Compilers produce consistent objects; hand-edited or
/// generated ones (the xz-utils payload was an object unpacked from test files) show seams.
enum RelocatableObjectTells {
    /// Large-code-model relocations: normal in `-mcmodel=large` code, odd in the data of an
    /// object whose calls use the small model.
    private static let largeModelTypes: Set<String> = [
        "R_X86_64_GOT64", "R_X86_64_GOTOFF64", "R_X86_64_PLTOFF64", "R_X86_64_GOTPC64", "R_X86_64_GOTPLT64",
    ]
    private static let smallModelCodeTypes: Set<String> = [
        "R_X86_64_PLT32", "R_X86_64_PC32", "R_X86_64_GOTPCREL", "R_X86_64_GOTPCRELX", "R_X86_64_REX_GOTPCRELX",
    ]
    /// `.text.<prefix>` sections gcc names after a property rather than a function.
    private static let propertySections = ["unlikely", "hot", "startup", "exit", "split", "cold"]

    static func facts(of model: ELFModel) -> [String: [CodeEvidence]] {
        guard model.header.type == "REL" else { return [:] }
        var facts: [String: [CodeEvidence]] = [:]
        let large = largeModelInReadOnlyData(model)
        if !large.isEmpty { facts[CodeFact.largeModelRelocationsInRodata.rawValue] = large }
        let labels = localLabelFunctions(model)
        if !labels.isEmpty { facts[CodeFact.localLabelFunctionSymbols.rawValue] = labels }
        let mismatches = sectionNameMismatches(model)
        if !mismatches.isEmpty { facts[CodeFact.sectionNameSymbolMismatch.rawValue] = mismatches }
        if let missing = missingComment(model) { facts[CodeFact.missingCommentSection.rawValue] = [missing] }
        return facts
    }

    private static func largeModelInReadOnlyData(_ model: ELFModel) -> [CodeEvidence] {
        let codeSections = Set(model.sections.filter(\.isExecutable).map(\.name))
        let smallModelCalls = model.relocations.contains { relocation in
            smallModelCodeTypes.contains(relocation.type) && relocation.targetSection.map(codeSections.contains) ?? false
        }
        guard smallModelCalls else { return [] }
        return model.relocations.filter { relocation in
            largeModelTypes.contains(relocation.type) && (relocation.targetSection?.hasPrefix(".rodata") ?? false)
        }.map { relocation in
            let target = relocation.targetSection ?? "?"
            let offset = model.section(named: target).map { $0.offset &+ relocation.offset }
            let name = relocation.symbolName.map { "\(relocation.type) \($0)" } ?? relocation.type
            return CodeEvidence(instruction: name,
                                address: nil, section: target, fileOffset: offset, function: relocation.symbolName,
                                note: "large-model relocation at \(target)+0x\(String(relocation.offset, radix: 16)) (\(relocation.section)) in an object whose code uses small-model calls")
        }
    }

    private static func localLabelFunctions(_ model: ELFModel) -> [CodeEvidence] {
        model.symbols.filter { $0.table == .symtab && $0.type == "FUNC" && $0.name.hasPrefix(".L") }.map { symbol in
            let section = Int(symbol.sectionIndex) < model.sections.count ? model.sections[Int(symbol.sectionIndex)] : nil
            return CodeEvidence(instruction: "symbol \(symbol.name)", address: symbol.value, section: section?.name,
                                fileOffset: section.map { $0.offset &+ symbol.value }, function: symbol.name,
                                note: "\(symbol.binding) FUNC symbol named like an assembler-local label (size \(symbol.size))")
        }
    }

    private static func sectionNameMismatches(_ model: ELFModel) -> [CodeEvidence] {
        var evidence: [CodeEvidence] = []
        let functions = model.symbols.filter { $0.table == .symtab && $0.type == "FUNC" && !$0.isUndefined }
        let allNames = Set(functions.map(\.name))
        for section in model.sections where section.isExecutable && section.name.hasPrefix(".text.") {
            let named = String(section.name.dropFirst(".text.".count))
            if propertySections.contains(where: { named == $0 || named.hasPrefix($0 + ".") }) { continue }
            let held = functions.filter { Int($0.sectionIndex) == section.index }
            guard !held.isEmpty else { continue }
            let matches = held.contains { $0.name == named || $0.name.hasPrefix(named + ".") || named.hasPrefix($0.name + ".") }
            guard !matches else { continue }
            let near = allNames.filter { $0 != named && isOneEditApart($0, named) }.sorted()
            var note = "section named after \(named) holds \(held.map(\.name).joined(separator: ", "))"
            if !near.isEmpty { note += "; \(named) is one edit from \(near.joined(separator: ", "))" }
            evidence.append(CodeEvidence(instruction: "section \(section.name)", address: nil, section: section.name,
                                         fileOffset: section.offset, function: held.first?.name, note: note))
        }
        return evidence
    }

    private static func missingComment(_ model: ELFModel) -> CodeEvidence? {
        let hasCode = model.sections.contains { $0.isExecutable && $0.size > 0 }
        guard hasCode, model.section(named: ".comment") == nil else { return nil }
        return CodeEvidence(instruction: "no .comment section", note: "relocatable object with code but no compiler identification (.comment)")
    }

    /// Whether two names differ by one substitution, insertion or deletion.
    static func isOneEditApart(_ first: String, _ second: String) -> Bool {
        let a = Array(first.utf8)
        let b = Array(second.utf8)
        guard abs(a.count - b.count) <= 1, a != b else { return false }
        var i = 0
        var j = 0
        var edits = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if a.count > b.count { i += 1 } else if a.count < b.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (a.count - i) + (b.count - j) <= 1
    }
}

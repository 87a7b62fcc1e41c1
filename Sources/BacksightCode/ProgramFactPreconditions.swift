import BacksightELF

extension ProgramBehaviour {
    /// The program facts that cannot hold in a dynamically linked program, known from its
    /// symbols and data alone, before any code is read.
    ///
    /// A dynamic program reaches a library function only through its import (or a local
    /// function of that name), so a fact made of calls it cannot make is ruled out; a literal
    /// argument must be a tail of a string in its data (``DataLiterals``). Every rule-out is
    /// exact: the full analysis would find nothing for the fact either. A static program makes
    /// system calls of its own, so nothing is ruled out for it; facts not named here are never
    /// ruled out.
    static func factsRuledOut(in image: ObjectImage) -> Set<CodeFact> {
        let model = image.model
        let isStatic = !model.symbols.contains { $0.isImport }
        guard !isStatic else { return [] }
        let present = Set(model.symbols.lazy.filter { !$0.name.isEmpty }.map { normalized($0.name) })
        func any(_ names: Set<String>) -> Bool { !present.isDisjoint(with: names) }
        var literals: DataLiterals?
        func data() -> DataLiterals {
            if let literals { return literals }
            let found = DataLiterals(image: image)
            literals = found
            return found
        }
        let socket = any(["socket"])
        let duplicates = any(["dup2", "dup3"])
        let runs = any(execs)
        let pseudoTerminals = any(["openpty", "forkpty", "posix_openpt", "getpt"])
        let renames = any(["prctl"])
        var ruledOut: Set<CodeFact> = []
        if !socket { ruledOut.insert(.rawPacketSocket) }
        if !any(["setsockopt"]) { ruledOut.insert(.socketFilterAttached) }
        if !renames { ruledOut.insert(.processRenamed) }
        if !renames, !(any(copyCalls) && mayCopyKernelThreadName(data(), image: image)) { ruledOut.insert(.kernelThreadName) }
        if !pseudoTerminals, !(any(openCalls) && data().pseudoTerminalMaster) { ruledOut.insert(.ptyAllocated) }
        if !runs { ruledOut.insert(.shellExecuted) }
        if !(runs && data().loginCommand) { ruledOut.insert(.loginExecuted) }
        if !duplicates { ruledOut.insert(.descriptorsDuplicatedOntoStdio) }
        if !(socket && duplicates && runs) { ruledOut.insert(.shellOnSocket) }
        ruledOut.formUnion(traceFactsRuledOut(any, literals: data))
        return ruledOut
    }

    /// Whether a copy call could copy a kernel thread's name: the data holds one, and (where the
    /// encodings can tell) something points at it.
    static func mayCopyKernelThreadName(_ literals: DataLiterals, image: ObjectImage) -> Bool {
        let limit = 4096
        let starts = literals.kernelThreadNameStarts(limit: limit)
        guard !starts.isEmpty else { return false }
        guard starts.count < limit else { return true }
        return LiteralReferences.mayReference(starts, in: image) ?? true
    }
}

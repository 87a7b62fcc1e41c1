import BacksightELF

/// Facts about how a loadable kernel module reaches into the kernel, read from its relocations,
/// its undefined symbols and (where bytes alone cannot say) its disassembled code.
///
/// A module is a relocatable object: every reference it makes to a kernel symbol, to its own
/// `struct module` or to a string is a relocation, so most facts need no disassembly. Code is
/// decoded only where a cheap test found something to confirm (an `0f 22` byte pair for CR0
/// writes, an ftrace registration import for the ops flags).
enum KernelModuleTechniques {
    /// Kernel functions that look up a symbol's address by name. Since 5.7 they are not
    /// exported, so a module that wants them registers a kprobe on them and reads its address.
    static let symbolLookupFunctions: Set<String> = ["kallsyms_lookup_name", "kallsyms_on_each_symbol"]
    /// The `list` field of `struct module` (after `enum module_state state`): bytes 8..<24 on
    /// 64-bit kernels, 4..<12 on 32-bit ones. Stable since Linux 2.6.
    static func moduleListField(is64Bit: Bool) -> Range<Int64> { is64Bit ? 8..<24 : 4..<12 }
    /// `FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_SAVE_REGS` as include/linux/ftrace.h numbers
    /// them: BIT(12) | BIT(2) since `FTRACE_OPS_FL_PER_CPU` was removed (4.14 to 6.x), BIT(13) |
    /// BIT(3) before (3.19 to 4.13, still common on IoT kernels). Flags above BIT(19) do not exist.
    static let ftraceHookFlags: [UInt64] = [1 << 12 | 1 << 2, 1 << 13 | 1 << 3]
    static let ftraceFlagsLimit: UInt64 = 1 << 20
    /// Instructions one module's linear sweep may decode at most.
    static let sweepBudget = 400_000

    static func facts(of model: ELFModel, bytes: UnsafeRawBufferPointer) -> [String: [CodeEvidence]] {
        guard KernelModule.isModule(model) else { return [:] }
        let module = ModuleImage(model: model, bytes: bytes)
        var facts: [String: [CodeEvidence]] = [:]
        func add(_ fact: CodeFact, _ evidence: [CodeEvidence]) {
            if !evidence.isEmpty { facts[fact.rawValue, default: []] += evidence }
        }
        add(.kprobeSymbolLookup, kprobeOnSymbolLookup(module))
        let architecture = CodeArchitecture(header: model.header)
        add(.moduleListUnlink, ownListReferences(module, architecture: architecture))
        if let architecture {
            if architecture.isX86 { add(.controlRegisterWrite, controlRegisterWrites(module, architecture: architecture)) }
            add(.ftraceIPModifyOps, ftraceIPModify(module, architecture: architecture))
        }
        return facts
    }

    // MARK: kprobe on the symbol lookup

    /// `register_kprobe` imported, and a relocation (a kprobe's `symbol_name`, or an argument
    /// built in code) points at the string `kallsyms_lookup_name`.
    private static func kprobeOnSymbolLookup(_ module: ModuleImage) -> [CodeEvidence] {
        guard module.imports.contains("register_kprobe") else { return [] }
        return module.stringReferences.filter { symbolLookupFunctions.contains($0.text) }.map { reference in
            CodeEvidence(instruction: "\(reference.relocation.type) \"\(reference.text)\"", section: reference.relocation.targetSection,
                         fileOffset: module.fileOffset(of: reference.relocation), function: reference.text,
                         note: "\(reference.relocation.targetSection ?? "?")+0x\(String(reference.relocation.offset, radix: 16)) points at the string \"\(reference.text)\" in a module that registers kprobes: a kprobe used to find the unexported symbol lookup")
        }
    }

    // MARK: the module's own list node

    /// Code that addresses `THIS_MODULE->list` (`__this_module` plus the offset of `list`):
    /// `list_del(&THIS_MODULE->list)` unlinks the module from the list `lsmod` and
    /// `/proc/modules` read. Ordinary modules only pass `THIS_MODULE` itself.
    private static func ownListReferences(_ module: ModuleImage, architecture: CodeArchitecture?) -> [CodeEvidence] {
        let field = moduleListField(is64Bit: module.model.header.is64Bit)
        let own = module.model.relocations.filter { module.pointsAtThisModule($0) && module.isCode($0.targetSection) }
        var evidence = own.filter { relocation in
            module.effectiveOffsets(of: relocation).contains { field.contains($0) }
        }.map { relocation in
            CodeEvidence(instruction: "\(relocation.type) \(relocation.symbolName.flatMap { $0.isEmpty ? nil : $0 } ?? "__this_module")\(signed(relocation.addend ?? 0))",
                         section: relocation.targetSection, fileOffset: module.fileOffset(of: relocation),
                         function: module.function(containing: relocation),
                         note: "code addresses THIS_MODULE->list, the module's own node in the kernel's module list")
        }
        guard evidence.isEmpty, !own.isEmpty, let architecture, let disassembler = Disassembler(architecture: architecture) else { return evidence }
        // The base held in a register and the field reached through it: `add x0, x19, #8`,
        // `ldp x2, x1, [x19, #8]`, `lea 8(%rbx)`.
        var budget = sweepBudget
        for section in module.codeSections {
            let marks = Set(own.filter { $0.targetSection == section.name }.map(\.offset))
            guard !marks.isEmpty else { continue }
            let code = module.bytes(of: section)
            var holders: [Register: Int] = [:]
            let convention = CallingConvention(architecture: architecture, registers: disassembler.registers)
            let clobbered = Set(convention?.callerSaved ?? [])
            let stackPointer = convention?.stackPointer
            for range in module.rangesToSweep(in: section, covering: Array(marks)) {
            // The base is followed within one function, across calls only in callee-saved registers.
            holders = [:]
            module.sweep(code, range: range, disassembler: disassembler, budget: &budget) { position, instruction in
                let covers = marks.contains { $0 >= UInt64(position) && $0 < UInt64(position + instruction.size) }
                var reached: Int64?
                for effect in instruction.effects {
                    switch effect {
                    case let .set(register, expression):
                        if case let .add(.register(base), .immediate(delta)) = expression, holders[base] != nil { reached = delta }
                        if case let .address(memory) = expression, let base = memory.base, holders[base] != nil { reached = memory.displacement }
                        if case let .copy(.memory(memory)) = expression, let base = memory.base, holders[base] != nil { reached = memory.displacement }
                        // Only an address of __this_module itself makes a holder, never a value
                        // loaded from it, and never the stack pointer (push, call).
                        let isAddress: Bool
                        switch expression {
                        case .copy(.immediate), .address, .add(.register, .immediate), .shiftLeft, .insertBits: isAddress = true
                        default: isAddress = false
                        }
                        holders[register] = covers && isAddress && register != stackPointer ? 64 : nil
                    case let .store(memory, _):
                        if let base = memory.base, holders[base] != nil { reached = memory.displacement }
                    default: break
                    }
                }
                if let reached, field.contains(reached) {
                    evidence.append(module.evidence(at: position, in: section, disassembler: disassembler,
                                                     note: "reaches THIS_MODULE->list (offset \(reached)) through a register holding __this_module"))
                }
                holders = holders.compactMapValues { $0 > 1 ? $0 - 1 : nil }
                switch instruction.flow {
                case .return, .jump, .stop: holders = [:]
                case .call: holders = holders.filter { !clobbered.contains($0.key) }
                case .next, .branch: break
                }
            }
            }
        }
        return evidence
    }

    // MARK: CR0

    /// `mov %reg, %cr0`: writes control register 0, whose WP bit makes read-only kernel pages
    /// read-only for the kernel too. Confirmed on instruction boundaries of a linear sweep.
    private static func controlRegisterWrites(_ module: ModuleImage, architecture: CodeArchitecture) -> [CodeEvidence] {
        let candidates = module.codeSections.map { section in
            (section, byteCandidates(in: module.bytes(of: section)))
        }.filter { !$0.1.isEmpty }
        guard !candidates.isEmpty, let disassembler = Disassembler(architecture: architecture) else { return [] }
        var evidence: [CodeEvidence] = []
        var budget = sweepBudget
        for (section, offsets) in candidates {
            let code = module.bytes(of: section)
            for range in module.rangesToSweep(in: section, covering: offsets) {
            module.sweep(code, range: range, disassembler: disassembler, budget: &budget) { position, _ in
                guard isControlRegister0Write(UnsafeRawBufferPointer(rebasing: code[position...])) else { return }
                evidence.append(module.evidence(at: position, in: section, disassembler: disassembler,
                                                     note: "writes CR0, the register whose WP bit keeps read-only kernel memory read-only"))
            }
            }
        }
        return evidence
    }

    /// Offsets of `0f 22` followed by a register-form ModRM naming CR0: where a CR0 write may be.
    private static func byteCandidates(in code: UnsafeRawBufferPointer) -> [UInt64] {
        var found: [UInt64] = []
        var from = 0
        while from < code.count, let hit = firstOffset(of: [0x0f, 0x22], in: UnsafeRawBufferPointer(rebasing: code[from...])) {
            let at = from + hit
            if at + 2 < code.count, code[at + 2] & 0xf8 == 0xc0 { found.append(UInt64(at)) }
            from = at + 2
        }
        return found
    }

    /// `0f 22 /r` with ModRM.reg = 0 (CR0) and register form, after optional REX prefixes.
    private static func isControlRegister0Write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count, bytes[index] & 0xf0 == 0x40 { index += 1 }
        guard index + 2 < bytes.count, bytes[index] == 0x0f, bytes[index + 1] == 0x22 else { return false }
        let modrm = bytes[index + 2]
        return modrm & 0xc0 == 0xc0 && (modrm >> 3) & 0x7 == 0
    }

    // MARK: ftrace

    /// A module that registers ftrace callbacks and sets `FTRACE_OPS_FL_IPMODIFY` together with
    /// `SAVE_REGS` on its `ftrace_ops`, in code or in a static `ftrace_ops` whose first field
    /// points at a function: its callback may change the traced function's saved instruction
    /// pointer, which redirects the call (the hooking mode, not tracing).
    private static func ftraceIPModify(_ module: ModuleImage, architecture: CodeArchitecture) -> [CodeEvidence] {
        guard module.imports.contains("register_ftrace_function") else { return [] }
        var evidence: [CodeEvidence] = []
        func isHookFlags(_ value: UInt64) -> Bool {
            value < ftraceFlagsLimit && ftraceHookFlags.contains { value & $0 == $0 }
        }

        // Static ops: `func` at offset 0 (a relocation to code), `flags` two words later.
        let word = UInt64(module.model.header.is64Bit ? 8 : 4)
        for relocation in module.model.relocations where !module.isCode(relocation.targetSection) && !module.isDebug(relocation.targetSection) {
            guard module.pointsIntoCode(relocation), let section = relocation.targetSection.flatMap(module.model.section(named:)),
                  let flags = module.word(in: section, at: relocation.offset &+ 2 &* word, width: Int(word)), isHookFlags(flags) else { continue }
            evidence.append(CodeEvidence(instruction: "flags 0x\(String(flags, radix: 16))", section: section.name,
                                         fileOffset: section.offset &+ relocation.offset, function: relocation.symbolName,
                                         note: "a static ftrace_ops at \(section.name)+0x\(String(relocation.offset, radix: 16)) with IPMODIFY and SAVE_REGS set"))
        }

        // Ops filled in at run time: the flags as an immediate.
        guard let disassembler = Disassembler(architecture: architecture) else { return evidence }
        var budget = sweepBudget
        for section in module.codeSections {
            let code = module.bytes(of: section)
            module.sweep(code, disassembler: disassembler, budget: &budget) { position, instruction in
                guard let value = instruction.immediates.first(where: { isHookFlags(UInt64(bitPattern: $0)) }) else { return }
                evidence.append(module.evidence(at: position, in: section, disassembler: disassembler,
                                                     note: "ftrace_ops flags 0x\(String(value, radix: 16)): IPMODIFY and SAVE_REGS, in a module that calls register_ftrace_function"))
            }
        }
        return evidence
    }

    private static func signed(_ value: Int64) -> String {
        value == 0 ? "" : value > 0 ? "+0x\(String(value, radix: 16))" : "-0x\(String(value.magnitude, radix: 16))"
    }
}

extension Instruction {
    /// Immediate operands of the instruction's effects.
    var immediates: [Int64] {
        var values: [Int64] = []
        func collect(_ operand: Operand) { if case let .immediate(value) = operand { values.append(value) } }
        for effect in effects {
            switch effect {
            case let .set(_, expression):
                switch expression {
                case let .copy(operand): collect(operand)
                case let .add(a, b), let .subtract(a, b): collect(a); collect(b)
                case let .shiftLeft(operand, _): collect(operand)
                case let .insertBits(_, bits, shift): values.append(Int64(bitPattern: bits << UInt64(shift & 63)))
                case let .opaque(operands): operands.forEach(collect)
                case .address: break
                }
            case let .store(_, operand): collect(operand)
            case .compare, .bound, .jumpTable, .cpuFeatureProbe, .systemCall: break
            }
        }
        return values
    }
}

import CCapstone

/// Lowers AArch64 instructions.
final class ARM64Lowering {
    let registers: RegisterNames
    private let result: Register?

    init(registers: RegisterNames) {
        self.registers = registers
        result = registers.named("x0")
    }

    private struct RawOperand {
        var operand: Operand
        var register: Register?
        /// A 32-bit `w` view: writes clear the upper half.
        var isNarrow = false
        /// A register operand with a shift or extension applied (`x2, lsl #3`).
        var isShifted = false
    }

    private static let pairLoads: Set<String> = ["ldp", "ldnp", "ldpsw", "ldxp", "ldaxp"]
    private static let pairStores: Set<String> = ["stp", "stnp"]
    private static let exclusiveStores: Set<String> = ["stxr", "stlxr", "stxrb", "stlxrb", "stxrh", "stlxrh", "stxp", "stlxp"]
    private static let singleStores: Set<String> = ["str", "strb", "strh", "stur", "sturb", "sturh", "stlr", "stlrb", "stlrh", "sttr", "sttrb", "sttrh"]
    private static let atomicPrefixes = ["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp", "cas"]

    private let mnemonics = MnemonicCache(idCount: ARM64_INS_ENDING.rawValue, Traits.init(mnemonic:))

    /// What the lowering reads from a mnemonic's spelling, worked out once per mnemonic.
    private struct Traits {
        var isPairLoad: Bool
        var isPairStore: Bool
        var isExclusiveStore: Bool
        var isSingleStore: Bool
        var isAtomic: Bool
        var isLoad: Bool
        /// The first operand is read, not written.
        var readsFirst: Bool
        /// The access width the mnemonic names (`ldrb`, `ldrsw`), when it names one.
        var loadWidth: Int?
        var storeWidth: Int?

        init(mnemonic: String) {
            isPairLoad = ARM64Lowering.pairLoads.contains(mnemonic)
            isPairStore = ARM64Lowering.pairStores.contains(mnemonic)
            isExclusiveStore = ARM64Lowering.exclusiveStores.contains(mnemonic)
            isSingleStore = ARM64Lowering.singleStores.contains(mnemonic)
            isAtomic = ARM64Lowering.atomicPrefixes.contains { mnemonic.hasPrefix($0) }
            isLoad = mnemonic.hasPrefix("ld")
            readsFirst = isSingleStore || isPairStore
                || mnemonic.hasPrefix("cmp") || mnemonic.hasPrefix("cmn") || mnemonic.hasPrefix("tst")
                || mnemonic.hasPrefix("ccm") || mnemonic.hasPrefix("fcm") || mnemonic.hasPrefix("fccm")
                || mnemonic.hasPrefix("cb") || mnemonic.hasPrefix("tb") || mnemonic.hasPrefix("b")
                || mnemonic == "ret"
            if mnemonic.hasSuffix("sw") {
                loadWidth = 4
            } else if mnemonic.hasSuffix("b") || mnemonic.hasSuffix("sb") {
                loadWidth = 1
            } else if mnemonic.hasSuffix("h") || mnemonic.hasSuffix("sh") {
                loadWidth = 2
            } else {
                loadWidth = nil
            }
            storeWidth = mnemonic.hasSuffix("b") ? 1 : mnemonic.hasSuffix("h") ? 2 : nil
        }
    }

    func lower(_ insn: UnsafePointer<cs_insn>, into instruction: inout Instruction) {
        let (mnemonic, traits) = mnemonics.look(insn)
        var operands: [RawOperand] = []
        for index in 0..<backsight_cs_arm64_op_count(insn) {
            guard let raw = backsight_cs_arm64_op(insn, index), let operand = convert(raw.pointee) else { continue }
            operands.append(operand)
        }
        let condition = backsight_cs_arm64_cc(insn)
        let isConditional = condition != Int32(ARM64_CC_AL.rawValue) && condition != Int32(ARM64_CC_INVALID.rawValue)

        switch mnemonic {
        case "b" where !isConditional:
            instruction.flow = .jump(target(operands.first))
        case _ where mnemonic == "b" || mnemonic.hasPrefix("b."):
            instruction.flow = .branch(target(operands.last))
        case "br", "braa", "brab", "braaz", "brabz":
            instruction.flow = .jump(target(operands.first))
        case "bl":
            instruction.flow = .call(target(operands.first))
        case "blr", "blraa", "blrab", "blraaz", "blrabz":
            instruction.flow = .call(target(operands.first))
        case "ret", "retaa", "retab", "eret":
            instruction.flow = .return
        case "cbz", "cbnz":
            guard operands.count == 2 else { break }
            instruction.effects.append(.compare(operands[0].operand, .immediate(0)))
            instruction.flow = .branch(target(operands[1]))
        case "tbz", "tbnz":
            guard operands.count == 3, case let .immediate(bit) = operands[1].operand, (0..<64).contains(bit) else { break }
            instruction.effects.append(.compare(operands[0].operand, .immediate(Int64(bitPattern: UInt64(1) << UInt64(bit)))))
            instruction.flow = .branch(target(operands[2]))
        case "brk", "udf", "hlt":
            instruction.flow = .stop
        case "svc":
            instruction.effects.append(.systemCall)
            if let result { instruction.effects.append(.set(result, .opaque([]))) }
        case "adrp", "adr":
            guard operands.count == 2 else { break }
            assign(operands[0], .copy(operands[1].operand), &instruction)
        case "mov", "movz", "movn":
            guard operands.count == 2 else { break }
            instruction.onlyMovesData = true
            var source = operands[1].operand
            if case let .immediate(value) = source {
                var result = UInt64(bitPattern: value)
                if mnemonic == "movn" { result = ~result }
                if operands[0].isNarrow { result &= 0xffff_ffff }
                source = .immediate(Int64(bitPattern: result))
            }
            assign(operands[0], .copy(source), &instruction)
        case "movk":
            guard operands.count == 2, let destination = operands[0].register,
                  case let .immediate(value) = operands[1].operand else { break }
            let shift = Int64(backsight_cs_arm64_op(insn, 1)?.pointee.shift.value ?? 0)
            // The operand conversion has already shifted the immediate into place.
            let bits = shift > 0 && shift < 64 ? UInt64(bitPattern: value) >> UInt64(shift) : UInt64(bitPattern: value)
            instruction.effects.append(.set(destination, .insertBits(destination, bits & 0xffff, shift: shift)))
        case "add", "sub", "adds", "subs":
            guard operands.count == 3 else { break }
            if operands[2].isShifted {
                assign(operands[0], .opaque([operands[1].operand, operands[2].operand]), &instruction)
            } else {
                let expression: Expression = mnemonic.hasPrefix("add") ? .add(operands[1].operand, operands[2].operand)
                    : .subtract(operands[1].operand, operands[2].operand)
                if mnemonic.hasSuffix("s") { instruction.effects.append(.compare(operands[1].operand, operands[2].operand)) }
                assign(operands[0], expression, &instruction)
            }
        case "ccmp", "ccmn", "fcmp", "fcmpe", "fccmp", "fccmpe":
            // Conditional and floating-point compares only set the flags; no register changes.
            break
        case "cmp", "tst":
            guard operands.count == 2 else { break }
            instruction.effects.append(.compare(operands[0].operand, operands[1].operand))
        case "cmn":
            guard operands.count == 2 else { break }
            if case let .immediate(value) = operands[1].operand {
                instruction.effects.append(.compare(operands[0].operand, .immediate(0 &- value)))
            } else {
                instruction.effects.append(.compare(operands[0].operand, operands[1].operand))
            }
        case "and", "ands":
            guard operands.count == 3 else { break }
            if case .immediate = operands[2].operand { instruction.effects.append(.compare(operands[1].operand, operands[2].operand)) }
            assign(operands[0], .opaque([operands[1].operand, operands[2].operand]), &instruction)
        case "sxtw", "uxtw", "sxth", "uxth", "sxtb", "uxtb":
            guard operands.count == 2 else { break }
            assign(operands[0], .copy(operands[1].operand), &instruction)
        case "mrs":
            let text = Disassembler.operandText(of: insn).lowercased()
            if text.contains("id_") || text.contains("midr") || text.contains("mpidr") || text.contains("revidr") {
                instruction.effects.append(.cpuFeatureProbe)
            }
            if let first = operands.first { assign(first, .opaque([]), &instruction) }
        case "nop", "hint", "bti", "paciasp", "autiasp", "pacibsp", "autibsp", "paciaz", "autiaz", "xpaclri",
             "dmb", "dsb", "isb", "prfm", "prfum", "yield", "clrex", "sev", "sevl", "wfe", "wfi":
            break
        default:
            lowerMemoryOrGeneric(mnemonic, traits, operands, insn, &instruction)
        }
        instruction.reads = readRegisters(traits, operands)
    }

    private func lowerMemoryOrGeneric(_ mnemonic: String, _ traits: Traits, _ operands: [RawOperand], _ insn: UnsafePointer<cs_insn>,
                                      _ instruction: inout Instruction) {
        let writeback = backsight_cs_arm64_writeback(insn)
        guard let memoryIndex = operands.firstIndex(where: { if case .memory = $0.operand { return true }; return false }),
              case var .memory(memory) = operands[memoryIndex].operand else {
            if traits.isLoad, operands.count == 2, case let .immediate(address) = operands[1].operand {
                // A literal load: `ldr x0, #0x1234`.
                instruction.onlyMovesData = true
                assign(operands[0], .copy(.memory(MemoryReference(displacement: address, width: width(of: operands[0])))), &instruction)
                return
            }
            if let first = operands.first, mnemonic != "msr" {
                assign(first, .opaque(Array(operands.dropFirst().map(\.operand))), &instruction)
            }
            return
        }
        let postIndex: Int64? = operands.count > memoryIndex + 1 ? {
            if case let .immediate(value) = operands[memoryIndex + 1].operand { return value }
            return nil
        }() : nil
        if traits.isAtomic {
            memory.width = 8
            if operands.count > 1 { assign(operands[1], .opaque([]), &instruction) }
            instruction.effects.append(.set(.scratch, .opaque([])))
            instruction.effects.append(.store(memory, .register(.scratch)))
            return
        }
        var accessed = memory
        if postIndex != nil { accessed.displacement = 0 }
        if traits.isPairLoad, memoryIndex >= 2 {
            let size = width(of: operands[0])
            accessed.width = size
            var second = accessed
            second.displacement = accessed.displacement &+ Int64(size)
            instruction.onlyMovesData = true
            assign(operands[0], .copy(.memory(accessed)), &instruction)
            assign(operands[1], .copy(.memory(second)), &instruction)
        } else if traits.isPairStore, memoryIndex >= 2 {
            let size = width(of: operands[0])
            accessed.width = size
            var second = accessed
            second.displacement = accessed.displacement &+ Int64(size)
            instruction.onlyMovesData = true
            instruction.effects.append(.store(accessed, operands[0].operand))
            instruction.effects.append(.store(second, operands[1].operand))
        } else if traits.isExclusiveStore, memoryIndex >= 2 {
            accessed.width = width(of: operands[1])
            instruction.effects.append(.store(accessed, operands[1].operand))
            assign(operands[0], .opaque([]), &instruction)
        } else if traits.isSingleStore, memoryIndex >= 1 {
            accessed.width = traits.storeWidth ?? width(of: operands[0])
            instruction.onlyMovesData = true
            instruction.effects.append(.store(accessed, operands[0].operand))
        } else if traits.isLoad, memoryIndex >= 1 {
            accessed.width = traits.loadWidth ?? width(of: operands[0])
            instruction.onlyMovesData = true
            assign(operands[0], .copy(.memory(accessed)), &instruction)
        } else if let first = operands.first, memoryIndex > 0 {
            assign(first, .opaque([]), &instruction)
        }
        if let base = memory.base, writeback || postIndex != nil {
            let step = postIndex ?? memory.displacement
            instruction.effects.append(.set(base, .add(.register(base), .immediate(step))))
        }
    }

    private func convert(_ raw: cs_arm64_op) -> RawOperand? {
        switch raw.type {
        case ARM64_OP_REG:
            let id = raw.reg.rawValue
            guard let operand = registers.readOperand(id) else { return nil }
            let shifted = (raw.shift.type != ARM64_SFT_INVALID && raw.shift.value != 0) || raw.ext != ARM64_EXT_INVALID
            return RawOperand(operand: operand, register: registers.register(id), isNarrow: registers.isNarrow(id), isShifted: shifted)
        case ARM64_OP_IMM, ARM64_OP_CIMM:
            var value = raw.imm
            if raw.shift.type == ARM64_SFT_LSL, raw.shift.value > 0, raw.shift.value < 64 {
                value = Int64(bitPattern: UInt64(bitPattern: value) << UInt64(raw.shift.value))
            }
            return RawOperand(operand: .immediate(value))
        case ARM64_OP_MEM:
            var memory = MemoryReference()
            memory.base = registers.register(raw.mem.base.rawValue)
            memory.index = registers.register(raw.mem.index.rawValue)
            memory.displacement = Int64(raw.mem.disp)
            if memory.index != nil, raw.shift.type == ARM64_SFT_LSL, raw.shift.value < 8 {
                memory.scale = Int64(1) << Int64(raw.shift.value)
            }
            return RawOperand(operand: .memory(memory))
        default:
            return nil
        }
    }

    private func target(_ operand: RawOperand?) -> Target {
        guard let operand else { return .indirect(.immediate(0)) }
        if case let .immediate(value) = operand.operand { return .direct(UInt64(bitPattern: value), switchesMode: false) }
        return .indirect(operand.operand)
    }

    private func assign(_ destination: RawOperand, _ expression: Expression, _ instruction: inout Instruction) {
        guard let register = destination.register else { return }
        instruction.effects.append(.set(register, expression))
    }

    private func width(of operand: RawOperand) -> Int { operand.isNarrow ? 4 : 8 }

    /// Registers read: every register operand except the destination of instructions that
    /// write their first operand.
    private func readRegisters(_ traits: Traits, _ operands: [RawOperand]) -> [Register] {
        let storesFirst = traits.readsFirst
        var read: [Register] = []
        for (position, operand) in operands.enumerated() {
            switch operand.operand {
            case .register(let register) where storesFirst || position > 0: read.append(register)
            case .memory(let memory):
                if let base = memory.base { read.append(base) }
                if let index = memory.index { read.append(index) }
            default: break
            }
        }
        return read
    }
}

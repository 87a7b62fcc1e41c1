import CCapstone

/// Lowers ARM (A32) and Thumb (T32) instructions. Reads of `pc` become the constants they
/// are (the address plus 8 in ARM state, plus 4 in Thumb state).
final class ARMLowering {
    let registers: RegisterNames
    let thumb: Bool
    private let stackPointer: Register?
    private let linkRegister: Register?
    private let result: Register?

    init(registers: RegisterNames, thumb: Bool) {
        self.registers = registers
        self.thumb = thumb
        stackPointer = registers.named("sp")
        linkRegister = registers.named("lr")
        result = registers.named("r0")
    }

    private struct RawOperand {
        var operand: Operand
        var register: Register?
        var isShifted = false
        var isProgramCounter = false
    }

    private let mnemonics = MnemonicCache(idCount: ARM_INS_ENDING.rawValue, Traits.init(mnemonic:))

    /// What the lowering reads from a mnemonic, worked out once per mnemonic: the base mnemonic
    /// and what follows from it, for a conditional and an unconditional instruction.
    private struct Traits {
        var unconditional: Spelling
        var conditional: Spelling

        init(mnemonic: String) {
            unconditional = Spelling(base: ARMLowering.baseMnemonic(mnemonic, conditional: false))
            conditional = Spelling(base: ARMLowering.baseMnemonic(mnemonic, conditional: true))
        }
    }

    private struct Spelling {
        var base: String
        /// The first register operand is read (a store's source, a compare), not written.
        var firstIsSource: Bool
        var isAddOrSubtract: Bool

        init(base mnemonic: String) {
            base = mnemonic
            firstIsSource = mnemonic.hasPrefix("st") || mnemonic.hasPrefix("cmp") || mnemonic.hasPrefix("cmn")
                || mnemonic.hasPrefix("tst") || mnemonic.hasPrefix("teq") || mnemonic.hasPrefix("b") || mnemonic.hasPrefix("cb")
                || mnemonic == "push"
            isAddOrSubtract = mnemonic.hasPrefix("add") || mnemonic.hasPrefix("sub")
        }
    }

    private static let conditionSuffixes: Set<String> = [
        "eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
    ]

    func lower(_ insn: UnsafePointer<cs_insn>, into instruction: inout Instruction) {
        let pcValue = instruction.address &+ (thumb ? 4 : 8)
        let conditional: Bool = {
            let code = backsight_cs_arm_cc(insn)
            return code != Int32(ARM_CC_AL.rawValue) && code != Int32(ARM_CC_INVALID.rawValue)
        }()
        let traits = mnemonics.look(insn).meaning
        let spelling = conditional ? traits.conditional : traits.unconditional
        let mnemonic = spelling.base
        var operands: [RawOperand] = []
        for index in 0..<backsight_cs_arm_op_count(insn) {
            guard let raw = backsight_cs_arm_op(insn, index) else { continue }
            // `#imm, #rotation` pairs: fold the rotation into the immediate.
            if raw.pointee.type == ARM_OP_IMM, let last = operands.last, case let .immediate(value) = last.operand,
               !last.isProgramCounter, operands.count >= 2, index == backsight_cs_arm_op_count(insn) - 1 {
                let rotation = UInt32(truncatingIfNeeded: raw.pointee.imm) & 31
                let base = UInt32(truncatingIfNeeded: value)
                operands[operands.count - 1].operand = .immediate(Int64(base >> rotation | base << ((32 - rotation) & 31)))
                continue
            }
            if let operand = convert(raw.pointee, pcValue: pcValue) { operands.append(operand) }
        }
        let writeback = backsight_cs_arm_writeback(insn)
        defer { instruction.reads = readRegisters(spelling, operands) }

        switch mnemonic {
        case "b":
            instruction.flow = conditional ? .branch(target(operands.first)) : .jump(target(operands.first))
        case "bl":
            instruction.flow = .call(target(operands.first))
        case "blx":
            if case let .immediate(value) = operands.first?.operand {
                instruction.flow = .call(.direct(UInt64(bitPattern: value), switchesMode: true))
            } else {
                instruction.flow = .call(target(operands.first))
            }
        case "bx", "bxj":
            if let first = operands.first, first.register == linkRegister {
                instruction.flow = conditional ? .next : .return
            } else {
                instruction.flow = conditional ? .branch(target(operands.first)) : .jump(target(operands.first))
            }
        case "cbz", "cbnz":
            guard operands.count == 2 else { break }
            instruction.effects.append(.compare(operands[0].operand, .immediate(0)))
            instruction.flow = .branch(target(operands[1]))
        case "tbb", "tbh":
            guard case let .memory(memory) = operands.first?.operand, let index = memory.index else { break }
            instruction.effects.append(.jumpTable(index: index, table: nil, entryWidth: mnemonic == "tbb" ? 1 : 2))
            instruction.flow = .jump(.indirect(.immediate(0)))
        case "udf", "bkpt":
            instruction.flow = .stop
        case "push":
            pushList(operands.map(\.operand), &instruction)
        case "pop":
            popList(operands, conditional: conditional, &instruction)
        case "stmdb", "stmfd":
            if writeback, operands.first?.register == stackPointer {
                pushList(operands.dropFirst().map(\.operand), &instruction)
            }
        case "ldm", "ldmia", "ldmfd":
            if writeback, operands.first?.register == stackPointer {
                popList(Array(operands.dropFirst()), conditional: conditional, &instruction)
            } else {
                for operand in operands.dropFirst() { assign(operand, .opaque([]), &instruction) }
                if operands.dropFirst().contains(where: \.isProgramCounter) { instruction.flow = conditional ? .next : .return }
            }
        case "vpush", "vpop":
            let each: Int64 = operands.allSatisfy({ $0.register.map { registers.name(of: $0).hasPrefix("d") } ?? false }) ? 8 : 4
            if let stackPointer {
                let total = each * Int64(operands.count)
                instruction.effects.append(.set(stackPointer, mnemonic == "vpush"
                    ? .subtract(.register(stackPointer), .immediate(total)) : .add(.register(stackPointer), .immediate(total))))
            }
        case "mov", "movs":
            guard operands.count == 2 else { break }
            if operands[0].isProgramCounter {
                instruction.flow = operands[1].register == linkRegister && !conditional ? .return : .jump(.indirect(operands[1].operand))
                break
            }
            instruction.onlyMovesData = !conditional
            assign(operands[0], conditional || operands[1].isShifted ? .opaque([operands[1].operand]) : .copy(operands[1].operand), &instruction)
        case "mvn", "mvns":
            guard operands.count == 2 else { break }
            if case let .immediate(value) = operands[1].operand, !conditional {
                assign(operands[0], .copy(.immediate(Int64(~UInt32(truncatingIfNeeded: value)))), &instruction)
            } else {
                assign(operands[0], .opaque([operands[1].operand]), &instruction)
            }
        case "movw":
            guard operands.count == 2, case let .immediate(value) = operands[1].operand else { break }
            assign(operands[0], conditional ? .opaque([]) : .copy(.immediate(value & 0xffff)), &instruction)
        case "movt":
            guard operands.count == 2, let destination = operands[0].register, case let .immediate(value) = operands[1].operand else { break }
            instruction.effects.append(.set(destination, .insertBits(destination, UInt64(bitPattern: value) & 0xffff, shift: 16)))
        case "add", "adds", "addw", "sub", "subs", "subw":
            let (destination, left, right): (RawOperand?, Operand?, RawOperand?) = operands.count == 2
                ? (operands[0], operands[0].operand, operands[1]) : operands.count >= 3 ? (operands[0], operands[1].operand, operands[2]) : (nil, nil, nil)
            guard let destination, let left, let right else { break }
            let isAdd = mnemonic.hasPrefix("add")
            if mnemonic == "subs" || mnemonic == "adds" {
                instruction.effects.append(.compare(left, right.operand))
            }
            if destination.isProgramCounter {
                instruction.flow = .jump(.indirect(.immediate(0)))
                break
            }
            if conditional || right.isShifted {
                assign(destination, .opaque([left, right.operand]), &instruction)
            } else {
                assign(destination, isAdd ? .add(left, right.operand) : .subtract(left, right.operand), &instruction)
            }
        case "adr":
            guard operands.count == 2, case let .immediate(offset) = operands[1].operand else { break }
            let base = Int64(bitPattern: pcValue & ~3)
            assign(operands[0], .copy(.immediate(base &+ offset)), &instruction)
        case "cmp", "cmn", "tst", "teq":
            guard operands.count == 2 else { break }
            var right = operands[1].operand
            if mnemonic == "cmn", case let .immediate(value) = right { right = .immediate(0 &- value) }
            instruction.effects.append(.compare(operands[0].operand, right))
        case "and", "ands":
            guard operands.count >= 2 else { break }
            let source = operands.count == 2 ? operands[0] : operands[1]
            if case .immediate = operands[operands.count - 1].operand {
                instruction.effects.append(.compare(source.operand, operands[operands.count - 1].operand))
            }
            assign(operands[0], .opaque(operands.dropFirst().map(\.operand)), &instruction)
        case "svc", "swi":
            instruction.effects.append(.systemCall)
            if let result { instruction.effects.append(.set(result, .opaque([]))) }
        case "nop", "dmb", "dsb", "isb", "yield", "wfe", "wfi", "sev", "pld", "pldw", "pli", "clrex":
            break
        default:
            if mnemonic.hasPrefix("it") { break }
            lowerMemoryOrGeneric(mnemonic, operands, writeback: writeback, conditional: conditional, &instruction)
        }
    }

    private func lowerMemoryOrGeneric(_ mnemonic: String, _ operands: [RawOperand], writeback: Bool, conditional: Bool,
                                      _ instruction: inout Instruction) {
        guard let memoryIndex = operands.firstIndex(where: { if case .memory = $0.operand { return true }; return false }),
              case let .memory(memory) = operands[memoryIndex].operand else {
            if let first = operands.first, first.register != nil, !mnemonic.hasPrefix("st"), !mnemonic.hasPrefix("v") {
                if first.isProgramCounter { instruction.flow = .jump(.indirect(.immediate(0))); return }
                assign(first, .opaque(operands.dropFirst().map(\.operand)), &instruction)
            }
            return
        }
        var accessed = memory
        let postIndex = operands.count > memoryIndex + 1 ? operands[memoryIndex + 1] : nil
        if postIndex != nil { accessed.displacement = 0 }
        let isLoad = mnemonic.hasPrefix("ldr") || mnemonic.hasPrefix("lda")
        let isStore = mnemonic.hasPrefix("str") || mnemonic.hasPrefix("stl")
        let width = mnemonic.contains("b") && !mnemonic.hasPrefix("ldrd") ? 1 : (mnemonic.hasSuffix("h") || mnemonic.contains("h") ? 2 : 4)
        accessed.width = width
        if isLoad {
            instruction.onlyMovesData = !conditional
            let destinations = operands[..<memoryIndex]
            for (offset, destination) in destinations.enumerated() {
                var slot = accessed
                slot.displacement = accessed.displacement &+ Int64(offset * 4)
                if destination.isProgramCounter {
                    instruction.flow = conditional ? .branch(.indirect(.memory(slot))) : .jump(.indirect(.memory(slot)))
                } else {
                    assign(destination, conditional ? .opaque([]) : .copy(.memory(slot)), &instruction)
                }
            }
        } else if isStore {
            instruction.onlyMovesData = true
            let isExclusive = mnemonic.hasPrefix("strex") || mnemonic.hasPrefix("stlex")
            let sources = operands[(isExclusive ? 1 : 0)..<memoryIndex]
            for (offset, source) in sources.enumerated() {
                var slot = accessed
                slot.displacement = accessed.displacement &+ Int64(offset * 4)
                instruction.effects.append(.store(slot, source.operand))
            }
            if isExclusive, let status = operands.first { assign(status, .opaque([]), &instruction) }
        }
        if let base = memory.base, writeback || postIndex != nil {
            if let postIndex {
                if case .immediate = postIndex.operand {
                    instruction.effects.append(.set(base, .add(.register(base), postIndex.operand)))
                } else {
                    instruction.effects.append(.set(base, .opaque([])))
                }
            } else {
                instruction.effects.append(.set(base, .add(.register(base), .immediate(memory.displacement))))
            }
        }
    }

    /// The mnemonic without `.w`/`.n` width qualifiers and without its condition suffix.
    private static func baseMnemonic(_ raw: String, conditional: Bool) -> String {
        var name = raw
        if name.hasSuffix(".w") || name.hasSuffix(".n") { name.removeLast(2) }
        if let dot = name.firstIndex(of: ".") { name = String(name[..<dot]) }
        if conditional, name.count > 2, Self.conditionSuffixes.contains(String(name.suffix(2))) {
            name.removeLast(2)
        }
        return name
    }

    private func convert(_ raw: cs_arm_op, pcValue: UInt64) -> RawOperand? {
        switch raw.type {
        case ARM_OP_REG:
            let id = UInt32(bitPattern: raw.reg)
            if raw.reg == Int32(ARM_REG_PC.rawValue) {
                return RawOperand(operand: .immediate(Int64(bitPattern: pcValue)), register: registers.register(id), isProgramCounter: true)
            }
            guard let register = registers.register(id) else { return nil }
            let shifted = raw.shift.type != ARM_SFT_INVALID && raw.shift.value != 0
            return RawOperand(operand: .register(register), register: register, isShifted: shifted)
        case ARM_OP_IMM, ARM_OP_PIMM, ARM_OP_CIMM:
            return RawOperand(operand: .immediate(Int64(raw.imm)))
        case ARM_OP_MEM:
            var memory = MemoryReference()
            let displacement = Int64(raw.mem.disp)
            memory.displacement = raw.subtracted && displacement > 0 ? -displacement : displacement
            if raw.mem.base == ARM_REG_PC {
                memory.displacement = Int64(bitPattern: pcValue & ~3) &+ memory.displacement
            } else {
                memory.base = registers.register(raw.mem.base.rawValue)
            }
            memory.index = registers.register(raw.mem.index.rawValue)
            memory.scale = raw.mem.scale < 0 ? -1 : 1
            if memory.index != nil, raw.mem.lshift > 0, raw.mem.lshift < 8 { memory.scale *= Int64(1) << Int64(raw.mem.lshift) }
            return RawOperand(operand: .memory(memory))
        default:
            return nil
        }
    }

    private func target(_ operand: RawOperand?) -> Target {
        guard let operand else { return .indirect(.immediate(0)) }
        if case let .immediate(value) = operand.operand, !operand.isProgramCounter {
            return .direct(UInt64(bitPattern: value), switchesMode: false)
        }
        return .indirect(operand.operand)
    }

    private func assign(_ destination: RawOperand, _ expression: Expression, _ instruction: inout Instruction) {
        guard let register = destination.register, !destination.isProgramCounter else { return }
        instruction.effects.append(.set(register, expression))
    }

    private func pushList(_ values: [Operand], _ instruction: inout Instruction) {
        guard let stackPointer else { return }
        let total = Int64(values.count * 4)
        instruction.effects.append(.set(stackPointer, .subtract(.register(stackPointer), .immediate(total))))
        for (offset, value) in values.enumerated() {
            instruction.effects.append(.store(MemoryReference(base: stackPointer, displacement: Int64(offset * 4), width: 4), value))
        }
        instruction.onlyMovesData = true
    }

    private func popList(_ destinations: [RawOperand], conditional: Bool, _ instruction: inout Instruction) {
        guard let stackPointer else { return }
        for (offset, destination) in destinations.enumerated() where !destination.isProgramCounter {
            assign(destination, .copy(.memory(MemoryReference(base: stackPointer, displacement: Int64(offset * 4), width: 4))), &instruction)
        }
        instruction.effects.append(.set(stackPointer, .add(.register(stackPointer), .immediate(Int64(destinations.count * 4)))))
        if destinations.contains(where: \.isProgramCounter) { instruction.flow = conditional ? .next : .return }
    }

    private func readRegisters(_ spelling: Spelling, _ operands: [RawOperand]) -> [Register] {
        let firstIsSource = spelling.firstIsSource
        var read: [Register] = []
        for (position, operand) in operands.enumerated() {
            switch operand.operand {
            case .register(let register) where firstIsSource || position > 0 || operands.count == 2 && spelling.isAddOrSubtract:
                read.append(register)
            case .memory(let memory):
                if let base = memory.base { read.append(base) }
                if let index = memory.index { read.append(index) }
            default: break
            }
        }
        return read
    }
}

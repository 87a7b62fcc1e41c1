import CCapstone

/// Lowers MIPS (32 and 64-bit, either byte order) instructions. Capstone gives no operand
/// access flags for MIPS, so the lowering goes by mnemonic. Branches and calls have a delay
/// slot: the interpreter applies them after the next instruction.
final class MIPSLowering {
    let registers: RegisterNames
    let is64Bit: Bool
    private let result: Register?
    private let returnAddress: Register?

    init(registers: RegisterNames, is64Bit: Bool) {
        self.registers = registers
        self.is64Bit = is64Bit
        result = registers.named("v0")
        returnAddress = registers.named("ra")
    }

    private static let loads: [String: Int] = [
        "lb": 1, "lbu": 1, "lh": 2, "lhu": 2, "lw": 4, "lwu": 4, "lwl": 4, "lwr": 4, "ll": 4, "ld": 8, "lld": 8, "ldl": 8, "ldr": 8,
    ]
    private static let stores: [String: Int] = [
        "sb": 1, "sh": 2, "sw": 4, "swl": 4, "swr": 4, "sc": 4, "sd": 8, "scd": 8, "sdl": 8, "sdr": 8,
    ]
    private static let adds: Set<String> = ["addiu", "addi", "daddiu", "daddi", "addu", "add", "daddu", "dadd"]
    private static let subtracts: Set<String> = ["subu", "sub", "dsubu", "dsub"]
    private let mnemonics = MnemonicCache(idCount: MIPS_INS_ENDING.rawValue, Traits.init(mnemonic:))

    /// What the lowering reads from a mnemonic, worked out once per mnemonic.
    private struct Traits {
        var loadWidth: Int?
        var storeWidth: Int?
        var isBranchOrCall: Bool
        var isAdd: Bool
        var isSubtract: Bool
        var writesFirstOperand: Bool

        init(mnemonic: String) {
            loadWidth = MIPSLowering.loads[mnemonic]
            storeWidth = MIPSLowering.stores[mnemonic]
            isBranchOrCall = MIPSLowering.isBranchOrCall(mnemonic)
            isAdd = MIPSLowering.adds.contains(mnemonic)
            isSubtract = MIPSLowering.subtracts.contains(mnemonic)
            writesFirstOperand = MIPSLowering.writesFirstOperand(mnemonic)
        }
    }

    private static let oneRegisterBranches: Set<String> = ["beqz", "bnez", "blez", "bgtz", "bltz", "bgez", "beqzl", "bnezl", "blezl", "bgtzl", "bltzl", "bgezl"]

    func lower(_ insn: UnsafePointer<cs_insn>, into instruction: inout Instruction) {
        let (mnemonic, traits) = mnemonics.look(insn)
        var operands: [Operand] = []
        var destination: Register?
        for index in 0..<backsight_cs_mips_op_count(insn) {
            guard let raw = backsight_cs_mips_op(insn, index) else { continue }
            switch raw.pointee.type {
            case MIPS_OP_REG:
                let id = raw.pointee.reg.rawValue
                if index == 0 { destination = registers.register(id) }
                operands.append(registers.readOperand(id) ?? .immediate(0))
            case MIPS_OP_IMM:
                operands.append(.immediate(raw.pointee.imm))
            case MIPS_OP_MEM:
                operands.append(.memory(MemoryReference(base: registers.register(raw.pointee.mem.base.rawValue),
                                                        displacement: raw.pointee.mem.disp)))
            default:
                continue
            }
        }
        instruction.reads = operands.enumerated().flatMap { position, operand -> [Register] in
            switch operand {
            case .register(let register): return position > 0 || traits.storeWidth != nil || Disassembler.isInGroup(insn, CS_GRP_JUMP) ? [register] : []
            case .memory(let memory): return memory.base.map { [$0] } ?? []
            case .immediate: return []
            }
        }

        if traits.isBranchOrCall {
            instruction.hasDelaySlot = true
            lowerControl(mnemonic, operands, &instruction)
            return
        }
        if let width = traits.loadWidth, operands.count == 2, case var .memory(memory) = operands[1] {
            memory.width = width
            instruction.onlyMovesData = true
            assign(destination, .copy(.memory(memory)), &instruction)
            return
        }
        if let width = traits.storeWidth, operands.count == 2, case var .memory(memory) = operands[1] {
            memory.width = width
            instruction.onlyMovesData = true
            instruction.effects.append(.store(memory, operands[0]))
            if mnemonic == "sc" || mnemonic == "scd" { assign(destination, .opaque([]), &instruction) }
            return
        }
        switch mnemonic {
        case "lui":
            guard operands.count == 2, case let .immediate(value) = operands[1] else { break }
            let shifted = Int64(Int32(truncatingIfNeeded: value << 16))
            assign(destination, .copy(.immediate(shifted)), &instruction)
        case "li":
            guard operands.count == 2 else { break }
            assign(destination, .copy(operands[1]), &instruction)
        case "ori" where operands.count == 3 && operands[1] == .immediate(0):
            // `li` of a value above 0x7fff: `ori rd, $zero, imm`.
            assign(destination, .copy(operands[2]), &instruction)
        case "move":
            guard operands.count == 2 else { break }
            instruction.onlyMovesData = true
            assign(destination, .copy(operands[1]), &instruction)
        case _ where traits.isAdd:
            guard operands.count == 3 else { break }
            if operands[2] == .immediate(0) || operands[1] == .immediate(0) {
                instruction.onlyMovesData = true
                assign(destination, .copy(operands[1] == .immediate(0) ? operands[2] : operands[1]), &instruction)
            } else {
                assign(destination, .add(operands[1], operands[2]), &instruction)
            }
        case _ where traits.isSubtract:
            guard operands.count == 3 else { break }
            assign(destination, .subtract(operands[1], operands[2]), &instruction)
        case "or":
            guard operands.count == 3 else { break }
            if operands[2] == .immediate(0) {
                instruction.onlyMovesData = true
                assign(destination, .copy(operands[1]), &instruction)
            } else {
                assign(destination, .opaque([operands[1], operands[2]]), &instruction)
            }
        case "sll", "dsll":
            guard operands.count == 3, case let .immediate(amount) = operands[2] else { break }
            assign(destination, .shiftLeft(operands[1], amount), &instruction)
        case "slti", "sltiu", "andi", "xori":
            guard operands.count == 3 else { break }
            instruction.effects.append(.compare(operands[1], operands[2]))
            assign(destination, .opaque([operands[1], operands[2]]), &instruction)
        case "nop", "ssnop", "ehb", "sync", "pref", "cache":
            break
        case "break", "sdbbp":
            instruction.flow = .stop
        case "syscall":
            instruction.effects.append(.systemCall)
            if let result { instruction.effects.append(.set(result, .opaque([]))) }
        default:
            // Arithmetic, logic, multiply/divide, coprocessor moves: the first register is written.
            if traits.writesFirstOperand {
                assign(destination, .opaque(Array(operands.dropFirst())), &instruction)
            }
        }
    }

    private static func isBranchOrCall(_ mnemonic: String) -> Bool {
        ["j", "jal", "jalr", "jr", "b", "bal", "beq", "bne", "beql", "bnel", "jalr.hb", "jr.hb", "bltzal", "bgezal"].contains(mnemonic)
            || oneRegisterBranches.contains(mnemonic)
    }

    /// Whether an instruction not handled above writes a general register named first.
    private static func writesFirstOperand(_ mnemonic: String) -> Bool {
        let noRegisterWrite = ["mt", "ctc", "teq", "tne", "tge", "tlt", "mult", "div", "dmult", "ddiv", "madd", "msub",
                               "cache", "pref", "sync", "wait", "eret", "deret"]
        return !noRegisterWrite.contains { mnemonic.hasPrefix($0) }
    }

    private func lowerControl(_ mnemonic: String, _ operands: [Operand], _ instruction: inout Instruction) {
        let last = operands.last
        func target(_ operand: Operand?) -> Target {
            if case let .immediate(value) = operand { return .direct(UInt64(bitPattern: value), switchesMode: false) }
            return .indirect(operand ?? .immediate(0))
        }
        switch mnemonic {
        case "j", "b":
            instruction.flow = .jump(target(last))
        case "jal", "bal", "bltzal", "bgezal":
            instruction.flow = .call(target(last))
        case "jalr", "jalr.hb":
            // `jalr $t9` or `jalr $ra, $t9`: the target is the last register.
            instruction.flow = .call(.indirect(last ?? .immediate(0)))
        case "jr", "jr.hb":
            if case let .register(register) = operands.first, register == returnAddress {
                instruction.flow = .return
            } else {
                instruction.flow = .jump(.indirect(operands.first ?? .immediate(0)))
            }
        case "beq", "bne", "beql", "bnel":
            if operands.count == 3 {
                instruction.effects.append(.compare(operands[0], operands[1]))
                if mnemonic.hasPrefix("beq"), operands[0] == operands[1] {
                    instruction.flow = .jump(target(operands[2]))
                    return
                }
            }
            instruction.flow = .branch(target(last))
        default:
            if let first = operands.first { instruction.effects.append(.compare(first, .immediate(0))) }
            instruction.flow = .branch(target(last))
        }
    }

    private func assign(_ destination: Register?, _ expression: Expression, _ instruction: inout Instruction) {
        guard let destination else { return }
        instruction.effects.append(.set(destination, expression))
    }
}

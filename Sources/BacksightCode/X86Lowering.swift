import CCapstone

/// Lowers x86-64 and i386 instructions: RIP-relative operands become absolute addresses.
final class X86Lowering {
    let registers: RegisterNames
    let is64Bit: Bool
    private let stackPointer: Register?
    private let framePointer: Register?
    private let result: Register?
    private let flags: Register?
    private let mnemonics = MnemonicCache(idCount: X86_INS_ENDING.rawValue, Operation.init(mnemonic:))

    /// The cases of the lowering, by mnemonic.
    private enum Operation {
        case stop, move, lea, add, subtract, increment, decrement, xor, push, pop, leave, compare, test, bitTest, or, and
        case cpuProbe, systemCall, interrupt, ignored, unconditionalJump, other

        init(mnemonic: String) {
            switch mnemonic {
            case "hlt", "ud2", "ud0", "ud1", "int3": self = .stop
            case "mov", "movabs", "movzx", "movsx", "movsxd", "movq", "movd": self = .move
            case "lea": self = .lea
            case "add": self = .add
            case "sub": self = .subtract
            case "inc": self = .increment
            case "dec": self = .decrement
            case "xor": self = .xor
            case "push": self = .push
            case "pop": self = .pop
            case "leave": self = .leave
            case "cmp": self = .compare
            case "test": self = .test
            case "bt": self = .bitTest
            case "or": self = .or
            case "and": self = .and
            case "cpuid", "xgetbv": self = .cpuProbe
            case "syscall", "sysenter": self = .systemCall
            case "int": self = .interrupt
            case "nop", "endbr64", "endbr32", "pause", "lfence", "mfence", "sfence", "prefetcht0", "prefetchnta": self = .ignored
            case "jmp", "ljmp": self = .unconditionalJump
            default: self = .other
            }
        }
    }

    init(registers: RegisterNames, is64Bit: Bool) {
        self.registers = registers
        self.is64Bit = is64Bit
        stackPointer = registers.named(is64Bit ? "rsp" : "esp")
        framePointer = registers.named(is64Bit ? "rbp" : "ebp")
        result = registers.named(is64Bit ? "rax" : "eax")
        flags = registers.named(is64Bit ? "rflags" : "eflags")
    }

    private var wordSize: Int64 { is64Bit ? 8 : 4 }

    private struct RawOperand {
        var operand: Operand
        var register: Register?
        var reads: Bool
        var writes: Bool
        var isImmediate: Bool { if case .immediate = operand { return true }; return false }
    }

    func lower(_ insn: UnsafePointer<cs_insn>, into instruction: inout Instruction) {
        let operation = mnemonics.look(insn).meaning
        let next = instruction.address &+ UInt64(instruction.size)
        let operandCount = backsight_cs_x86_op_count(insn)
        var operands: [RawOperand] = []
        operands.reserveCapacity(Int(operandCount))
        for index in 0..<operandCount {
            guard let raw = backsight_cs_x86_op(insn, index) else { continue }
            if let operand = convert(raw.pointee, next: next) {
                let register: Register? = raw.pointee.type == X86_OP_REG ? registers.register(raw.pointee.reg.rawValue) : nil
                operands.append(RawOperand(operand: operand, register: register,
                                           reads: raw.pointee.access & UInt8(CS_AC_READ.rawValue) != 0,
                                           writes: raw.pointee.access & UInt8(CS_AC_WRITE.rawValue) != 0))
            }
        }
        readRegisters(insn, operands, into: &instruction.reads)
        guard let stackPointer else { return }

        // Control flow.
        if Disassembler.isInGroup(insn, CS_GRP_CALL) {
            guard let target = operands.first else { instruction.flow = .call(.indirect(.immediate(0))); return }
            if case let .immediate(value) = target.operand {
                let address = UInt64(bitPattern: value)
                if address == next {
                    // `call next; pop reg`: pushes its own address (32-bit position-independent code).
                    push(.immediate(Int64(bitPattern: next)), stackPointer, &instruction)
                    return
                }
                instruction.flow = .call(.direct(address, switchesMode: false))
            } else {
                instruction.flow = .call(.indirect(target.operand))
            }
            return
        }
        if Disassembler.isInGroup(insn, CS_GRP_RET) {
            instruction.flow = .return
            return
        }
        if Disassembler.isInGroup(insn, CS_GRP_JUMP) {
            let target: Target
            if let first = operands.first {
                if case let .immediate(value) = first.operand {
                    target = .direct(UInt64(bitPattern: value), switchesMode: false)
                } else {
                    target = .indirect(first.operand)
                }
            } else {
                target = .indirect(.immediate(0))
            }
            instruction.flow = operation == .unconditionalJump ? .jump(target) : .branch(target)
            return
        }

        switch operation {
        case .stop:
            instruction.flow = .stop
        case .move:
            guard operands.count == 2 else { break }
            instruction.onlyMovesData = true
            assign(operands[0], .copy(operands[1].operand), &instruction)
        case .lea:
            guard operands.count == 2, let destination = operands[0].register,
                  case let .memory(memory) = operands[1].operand else { break }
            instruction.effects.append(.set(destination, .address(memory)))
        case .add, .subtract:
            guard operands.count == 2 else { break }
            if operation == .subtract, operands[0].operand == operands[1].operand {
                assign(operands[0], .copy(.immediate(0)), &instruction)
                break
            }
            if operation == .subtract, operands[1].isImmediate { instruction.effects.append(.bound(operands[0].operand, operands[1].operand)) }
            let expression: Expression = operation == .add ? .add(operands[0].operand, operands[1].operand)
                : .subtract(operands[0].operand, operands[1].operand)
            assign(operands[0], expression, &instruction)
        case .increment, .decrement:
            guard let destination = operands.first else { break }
            let expression: Expression = operation == .increment ? .add(destination.operand, .immediate(1))
                : .subtract(destination.operand, .immediate(1))
            assign(destination, expression, &instruction)
        case .xor:
            guard operands.count == 2 else { break }
            if operands[0].operand == operands[1].operand {
                assign(operands[0], .copy(.immediate(0)), &instruction)
            } else {
                assign(operands[0], .opaque([operands[0].operand, operands[1].operand]), &instruction)
            }
        case .push:
            guard let source = operands.first else { break }
            push(source.operand, stackPointer, &instruction)
        case .pop:
            guard let destination = operands.first else { break }
            assign(destination, .copy(.memory(MemoryReference(base: stackPointer, width: Int(wordSize)))), &instruction)
            instruction.effects.append(.set(stackPointer, .add(.register(stackPointer), .immediate(wordSize))))
        case .leave:
            guard let framePointer else { break }
            instruction.effects.append(.set(stackPointer, .copy(.register(framePointer))))
            instruction.effects.append(.set(framePointer, .copy(.memory(MemoryReference(base: stackPointer, width: Int(wordSize))))))
            instruction.effects.append(.set(stackPointer, .add(.register(stackPointer), .immediate(wordSize))))
        case .compare:
            guard operands.count == 2 else { break }
            instruction.effects.append(.compare(operands[0].operand, operands[1].operand))
        case .test:
            guard operands.count == 2 else { break }
            let mask = operands[0].operand == operands[1].operand ? Operand.immediate(0) : operands[1].operand
            instruction.effects.append(.compare(operands[0].operand, mask))
        case .bitTest:
            guard operands.count == 2 else { break }
            if case let .immediate(bit) = operands[1].operand, (0..<64).contains(bit) {
                instruction.effects.append(.compare(operands[0].operand, .immediate(Int64(bitPattern: UInt64(1) << UInt64(bit)))))
            } else {
                instruction.effects.append(.compare(operands[0].operand, operands[1].operand))
            }
        case .or:
            // `or $-1, reg` is how -Os loads all ones (RTLD_NEXT) in four bytes.
            guard operands.count == 2 else { break }
            if case .immediate(-1) = operands[1].operand {
                assign(operands[0], .copy(.immediate(-1)), &instruction)
            } else {
                assign(operands[0], .opaque([operands[0].operand, operands[1].operand]), &instruction)
            }
        case .and:
            guard operands.count == 2 else { break }
            if operands[1].isImmediate { instruction.effects.append(.compare(operands[0].operand, operands[1].operand)) }
            assign(operands[0], .opaque([operands[0].operand, operands[1].operand]), &instruction)
        case .cpuProbe:
            instruction.effects.append(.cpuFeatureProbe)
            clobberWritten(insn, operands, &instruction)
        case .systemCall, .interrupt:
            if operation == .interrupt, operands.first?.operand != .immediate(0x80) { break }
            instruction.effects.append(.systemCall)
            if let result { instruction.effects.append(.set(result, .opaque([]))) }
        case .ignored:
            break
        case .unconditionalJump, .other:
            clobberWritten(insn, operands, &instruction)
        }
    }

    private func convert(_ raw: cs_x86_op, next: UInt64) -> Operand? {
        switch raw.type {
        case X86_OP_REG:
            let id = raw.reg.rawValue
            if raw.reg == X86_REG_RIP || raw.reg == X86_REG_EIP { return .immediate(Int64(bitPattern: next)) }
            return registers.readOperand(id)
        case X86_OP_IMM:
            return .immediate(raw.imm)
        case X86_OP_MEM:
            var memory = MemoryReference(width: Int(raw.size))
            let isRIP = raw.mem.base == X86_REG_RIP || raw.mem.base == X86_REG_EIP
            memory.base = isRIP ? nil : registers.register(raw.mem.base.rawValue)
            memory.index = registers.register(raw.mem.index.rawValue)
            memory.scale = Int64(raw.mem.scale)
            memory.displacement = isRIP ? raw.mem.disp &+ Int64(bitPattern: next) : raw.mem.disp
            if raw.mem.segment == X86_REG_FS { memory.segment = .fs }
            if raw.mem.segment == X86_REG_GS { memory.segment = .gs }
            return .memory(memory)
        default:
            return nil
        }
    }

    /// Appends the registers the instruction reads to `read` (empty; its capacity is reused).
    private func readRegisters(_ insn: UnsafePointer<cs_insn>, _ operands: [RawOperand], into read: inout [Register]) {
        let implicitCount = backsight_cs_regs_read_count(insn)
        read.reserveCapacity(2 * operands.count + Int(implicitCount))
        for operand in operands {
            switch operand.operand {
            case .register(let register) where operand.reads: read.append(register)
            case .memory(let memory):
                if let base = memory.base { read.append(base) }
                if let index = memory.index { read.append(index) }
            default: break
            }
        }
        for index in 0..<implicitCount {
            if let register = registers.register(UInt32(backsight_cs_reg_read(insn, index))) { read.append(register) }
        }
    }

    private func push(_ value: Operand, _ stackPointer: Register, _ instruction: inout Instruction) {
        instruction.effects.append(.set(stackPointer, .subtract(.register(stackPointer), .immediate(wordSize))))
        instruction.effects.append(.store(MemoryReference(base: stackPointer, width: Int(wordSize)), value))
    }

    /// Writes `expression` to a register or memory destination.
    private func assign(_ destination: RawOperand, _ expression: Expression, _ instruction: inout Instruction) {
        switch destination.operand {
        case .register(let register):
            instruction.effects.append(.set(register, expression))
        case .memory(let memory):
            if case let .copy(source) = expression, case .memory = source {
                instruction.effects.append(.set(.scratch, expression))
                instruction.effects.append(.store(memory, .register(.scratch)))
            } else if case let .copy(source) = expression {
                instruction.effects.append(.store(memory, source))
            } else {
                instruction.effects.append(.set(.scratch, expression))
                instruction.effects.append(.store(memory, .register(.scratch)))
            }
        case .immediate:
            break
        }
    }

    /// Every written operand and implicitly written register gets an unknown value.
    private func clobberWritten(_ insn: UnsafePointer<cs_insn>, _ operands: [RawOperand], _ instruction: inout Instruction) {
        let sources = operands.filter(\.reads).map(\.operand)
        for operand in operands where operand.writes { assign(operand, .opaque(sources), &instruction) }
        for index in 0..<backsight_cs_regs_write_count(insn) {
            let id = UInt32(backsight_cs_reg_write(insn, index))
            guard let register = registers.register(id), register != flags else { continue }
            instruction.effects.append(.set(register, .opaque([])))
        }
    }
}

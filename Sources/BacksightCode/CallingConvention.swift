/// The registers a calling convention assigns, looked up by name in the disassembler's tables.
struct CallingConvention {
    let stackPointer: Register
    /// Argument registers in order; empty for i386, which passes arguments on the stack.
    let arguments: [Register]
    let result: Register
    /// Registers a call may change.
    let callerSaved: [Register]
    /// MIPS position-independent code receives its own address in `$t9`.
    let functionAddressRegister: Register?
    let wordSize: Int
    /// Where the arguments that do not fit in registers start, above the stack pointer at the
    /// call (o32 MIPS reserves 16 bytes for the register arguments first).
    let stackArgumentsOffset: Int64
    /// How many stack-passed argument words a call site is read for.
    let stackArgumentCount: Int

    init?(architecture: CodeArchitecture, registers: RegisterNames) {
        func named(_ names: [String]) -> [Register]? {
            let found = names.compactMap(registers.named)
            return found.count == names.count ? found : nil
        }
        wordSize = architecture.wordSize
        if case .mips(is64Bit: false, _) = architecture { stackArgumentsOffset = 16 } else { stackArgumentsOffset = 0 }
        stackArgumentCount = architecture == .i386 ? 6 : 4
        switch architecture {
        case .x86_64:
            guard let sp = registers.named("rsp"), let result = registers.named("rax"),
                  let arguments = named(["rdi", "rsi", "rdx", "rcx", "r8", "r9"]),
                  let saved = named(["rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"]) else { return nil }
            (stackPointer, self.result, self.arguments, callerSaved, functionAddressRegister) = (sp, result, arguments, saved, nil)
        case .i386:
            guard let sp = registers.named("esp"), let result = registers.named("eax"),
                  let saved = named(["eax", "ecx", "edx"]) else { return nil }
            (stackPointer, self.result, self.arguments, callerSaved, functionAddressRegister) = (sp, result, [], saved, nil)
        case .aarch64:
            guard let sp = registers.named("sp"), let result = registers.named("x0"),
                  let arguments = named((0...7).map { "x\($0)" }),
                  let saved = named((0...18).map { "x\($0)" } + ["x30"]) else { return nil }
            (stackPointer, self.result, self.arguments, callerSaved, functionAddressRegister) = (sp, result, arguments, saved, nil)
        case .arm:
            guard let sp = registers.named("sp"), let result = registers.named("r0"),
                  let arguments = named(["r0", "r1", "r2", "r3"]),
                  let saved = named(["r0", "r1", "r2", "r3", "ip", "lr"]) else { return nil }
            (stackPointer, self.result, self.arguments, callerSaved, functionAddressRegister) = (sp, result, arguments, saved, nil)
        case .mips:
            guard let sp = registers.named("sp"), let result = registers.named("v0"),
                  let arguments = named(["a0", "a1", "a2", "a3"]),
                  let saved = named(["v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
                                     "t8", "t9", "at", "ra"]) else { return nil }
            (stackPointer, self.result, self.arguments, callerSaved, functionAddressRegister) = (sp, result, arguments, saved, registers.named("t9"))
        }
    }
}

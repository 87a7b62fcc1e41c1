import CCapstone

/// One capstone handle for one instruction set and mode, with the instruction buffer it decodes
/// into. Owns both and frees them in `deinit`; nothing outside sees a capstone pointer.
///
/// Not thread-safe: each analysis creates its own.
final class Disassembler {
    let architecture: CodeArchitecture
    /// ARM only: Thumb (T32) rather than ARM (A32) encoding.
    let thumb: Bool
    let registers: RegisterNames
    private var handle: csh
    private let buffer: UnsafeMutablePointer<cs_insn>
    /// The lowering of this instruction set, built once (it looks its registers up by name).
    private let x86: X86Lowering?
    private let arm64: ARM64Lowering?
    private let arm: ARMLowering?
    private let mips: MIPSLowering?

    init?(architecture: CodeArchitecture, thumb: Bool = false) {
        let (arch, mode) = architecture.capstoneMode(thumb: thumb)
        var opened: csh = 0
        guard cs_open(arch, mode, &opened) == CS_ERR_OK else { return nil }
        guard cs_option(opened, CS_OPT_DETAIL, Int(CS_OPT_ON.rawValue)) == CS_ERR_OK,
              let instruction = cs_malloc(opened) else {
            cs_close(&opened)
            return nil
        }
        self.architecture = architecture
        self.thumb = thumb
        self.handle = opened
        self.buffer = instruction
        let registers = RegisterNames.shared(for: architecture, handle: opened)
        self.registers = registers
        x86 = architecture.isX86 ? X86Lowering(registers: registers, is64Bit: architecture == .x86_64) : nil
        arm64 = architecture == .aarch64 ? ARM64Lowering(registers: registers) : nil
        arm = architecture == .arm ? ARMLowering(registers: registers, thumb: thumb) : nil
        mips = architecture.isMIPS ? MIPSLowering(registers: registers, is64Bit: architecture.wordSize == 8) : nil
    }

    deinit {
        cs_free(buffer, 1)
        cs_close(&handle)
    }

    /// Decodes the instruction at the start of `bytes`, loaded at `address`; nil when the bytes
    /// are not a valid instruction (or are too few). The disassembly text is filled in only when
    /// `withText` is set (building it costs more than the rest).
    func decode(_ bytes: UnsafeRawBufferPointer, address: UInt64, withText: Bool = false) -> Instruction? {
        var instruction = Instruction(address: address, size: 0, text: "")
        return decode(bytes, address: address, withText: withText, into: &instruction) ? instruction : nil
    }

    /// ``decode(_:address:withText:)`` into `instruction`, whose arrays are emptied and reused
    /// (a walk decodes one instruction after another); false when the bytes do not decode, and
    /// `instruction` is then left as it was.
    func decode(_ bytes: UnsafeRawBufferPointer, address: UInt64, withText: Bool = false, into instruction: inout Instruction) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
        var code: UnsafePointer<UInt8>? = base.assumingMemoryBound(to: UInt8.self)
        var size = min(bytes.count, 16)
        var next = address
        guard cs_disasm_iter(handle, &code, &size, &next, buffer) else { return false }
        let raw = UnsafePointer(buffer)
        let size16 = Int(raw.pointee.size)
        guard size16 > 0 else { return false }
        instruction.address = address
        instruction.size = size16
        instruction.text = withText ? Self.text(of: raw) : ""
        if !instruction.effects.isEmpty { instruction.effects.removeAll(keepingCapacity: true) }
        instruction.flow = .next
        if !instruction.reads.isEmpty { instruction.reads.removeAll(keepingCapacity: true) }
        instruction.hasDelaySlot = false
        instruction.onlyMovesData = false
        if let x86 {
            x86.lower(raw, into: &instruction)
        } else if let arm64 {
            arm64.lower(raw, into: &instruction)
        } else if let arm {
            arm.lower(raw, into: &instruction)
        } else if let mips {
            mips.lower(raw, into: &instruction)
        }
        return true
    }

    /// `mnemonic operands`, as capstone prints them.
    private static func text(of instruction: UnsafePointer<cs_insn>) -> String {
        let mnemonic = withUnsafeBytes(of: instruction.pointee.mnemonic) { cString($0) }
        let operands = withUnsafeBytes(of: instruction.pointee.op_str) { cString($0) }
        return operands.isEmpty ? mnemonic : mnemonic + " " + operands
    }

    static func cString(_ bytes: UnsafeRawBufferPointer) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The mnemonic alone, for lowering code.
    static func mnemonic(of instruction: UnsafePointer<cs_insn>) -> String {
        withUnsafeBytes(of: instruction.pointee.mnemonic) { cString($0) }
    }

    static func operandText(of instruction: UnsafePointer<cs_insn>) -> String {
        withUnsafeBytes(of: instruction.pointee.op_str) { cString($0) }
    }

    static func isInGroup(_ instruction: UnsafePointer<cs_insn>, _ group: cs_group_type) -> Bool {
        let count = backsight_cs_group_count(instruction)
        for index in 0..<count where UInt32(backsight_cs_group(instruction, index)) == group.rawValue { return true }
        return false
    }
}

/// A machine register, after folding partial registers into the full one (`eax` into `rax`,
/// `w0` into `x0`): the disassembler's id of the full register.
struct Register: Hashable, Sendable {
    let id: UInt16
}

/// A memory operand: `base + index * scale + displacement`, in bytes.
struct MemoryReference: Hashable, Sendable {
    var base: Register?
    var index: Register?
    var scale: Int64 = 1
    var displacement: Int64 = 0
    /// x86 `fs`/`gs` segment (thread-local storage: the stack canary lives there).
    var segment: Segment?
    /// Bytes read or written (0 when unknown).
    var width: Int = 0

    enum Segment: Hashable, Sendable { case fs, gs }
}

/// Where an instruction takes a value from.
enum Operand: Hashable, Sendable {
    case register(Register)
    case immediate(Int64)
    case memory(MemoryReference)
}

/// How a new register value is computed.
enum Expression: Hashable, Sendable {
    /// A copy: register move, immediate, or a load when the operand is memory.
    case copy(Operand)
    /// The address of a memory operand, without reading it (`lea`, `adr`).
    case address(MemoryReference)
    case add(Operand, Operand)
    case subtract(Operand, Operand)
    /// `value << amount` (MIPS `lui`, AArch64 shifted immediates).
    case shiftLeft(Operand, Int64)
    /// AArch64 `movk`: replace 16 bits of the register at `shift`.
    case insertBits(Register, UInt64, shift: Int64)
    /// Anything else computed from these operands (logic, multiplication, …).
    case opaque([Operand])
}

/// What an instruction does to registers and memory, in order.
enum Effect: Hashable, Sendable {
    case set(Register, Expression)
    case store(MemoryReference, Operand)
    /// A comparison or bit test of two values (`cmp`, `test`, `tst`, `beq rs, rt`).
    case compare(Operand, Operand)
    /// A subtraction of a constant whose flags a branch may test (`sub rax, 0x15; ja`): a bound on
    /// the value, as a comparison is, but not a comparison the facts count.
    case bound(Operand, Operand)
    /// A jump-table dispatch on `index` through `table` entries of `entryWidth` bytes;
    /// `table == nil` means the table follows the instruction (ARM `tbb`/`tbh`).
    case jumpTable(index: Register, table: MemoryReference?, entryWidth: Int)
    /// An instruction that asks the CPU what it supports (`cpuid`, `xgetbv`, `mrs` of an ID register).
    case cpuFeatureProbe
    /// A system call (`syscall`, `int 0x80`, `svc 0`, `swi`): the kernel reads its number and
    /// arguments from the registers the architecture's system-call convention names.
    case systemCall
}

/// Where control goes after an instruction.
enum Flow: Hashable, Sendable {
    case next
    case call(Target)
    /// An unconditional jump (a tail call when it leaves the function).
    case jump(Target)
    case branch(Target)
    case `return`
    /// A trap or an undecodable instruction: this path ends.
    case stop
}

/// A branch target: an address, or a value held in a register or memory.
enum Target: Hashable, Sendable {
    /// `switchesMode` is set for ARM `blx #imm`, which toggles between ARM and Thumb.
    case direct(UInt64, switchesMode: Bool)
    case indirect(Operand)
}

/// One decoded instruction in the architecture-neutral form the interpreter understands.
struct Instruction: Sendable {
    var address: UInt64
    var size: Int
    /// The disassembly as capstone prints it (`lea rbx, [rip + 0x236d]`).
    var text: String
    var effects: [Effect] = []
    var flow: Flow = .next
    /// Registers the instruction reads (explicit and implicit), after folding.
    var reads: [Register] = []
    /// MIPS: the branch or call takes effect after the next instruction (its delay slot).
    var hasDelaySlot = false
    /// A plain move or store: it carries values along without inspecting them.
    var onlyMovesData = false
}

extension Register {
    /// A temporary the lowering uses for read-modify-write memory operations; no machine register.
    static let scratch = Register(id: UInt16.max)
}

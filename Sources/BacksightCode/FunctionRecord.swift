/// One instruction as evidence: where it is. Its disassembly is produced only when it becomes
/// evidence (``CodeWalker/text(of:)``).
struct InstructionSite: Hashable, Sendable {
    var address: UInt64
    /// ARM: decoded as Thumb.
    var thumb: Bool
    /// Position in the function's walk, for "this came before that" questions.
    var ordinal: Int
}

/// What a call reaches.
enum CallKind: Hashable, Sendable {
    /// A function of this object, called directly.
    case local(UInt64, thumb: Bool)
    /// A function of another object, through a PLT stub or a GOT slot at `via`.
    case imported(String, via: UInt64?)
    /// A function of this object reached through a GOT slot that a relocation fills with its address.
    case ownGOT(slot: UInt64, target: UInt64)
    case unknown
}

struct CallSite: Sendable {
    var site: InstructionSite
    var kind: CallKind
    /// The argument values at the call, in calling-convention order.
    var arguments: [SymbolicValue]
    /// A jump that leaves the function (it continues in the callee and never comes back).
    var isTailCall: Bool
}

/// Where a store writes.
enum StoreTarget: Hashable, Sendable {
    /// This object's memory at an address.
    case own(UInt64)
    /// Memory of an outside symbol, or memory reached through pointers read from it.
    case external(String)
    case unknown
}

struct StoreSite: Sendable {
    var site: InstructionSite
    var target: StoreTarget
    var value: SymbolicValue
}

/// A system call made by the code itself: its number and arguments as the registers held them.
struct SystemCallSite: Sendable {
    var site: InstructionSite
    var number: SymbolicValue
    var arguments: [SymbolicValue]
}

/// A word of text (at least six printable bytes, four of them letters or digits) combined with
/// another value: one piece of a string comparison the compiler inlined.
struct InlineLiteral: Sendable {
    var site: InstructionSite
    var text: String
    /// What the word was combined with (a load from the compared buffer).
    var value: SymbolicValue

    /// The word's bytes in memory order as text, when they read as text.
    static func text(of word: UInt64, width: Int, bigEndian: Bool) -> String? {
        guard width == 8 else { return nil }
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) }
        if bigEndian { bytes.reverse() }
        return text(of: bytes)
    }

    /// Bytes as text: at least six printable, four letters or digits (three different), and
    /// nothing but printable bytes and NULs.
    static func text(of bytes: [UInt8]) -> String? {
        let printable = bytes.filter { (0x20..<0x7f).contains($0) }
        let alphanumeric = bytes.filter { (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) || (0x61...0x7a).contains($0) }
        guard printable.count >= 6, alphanumeric.count >= 4, Set(alphanumeric).count >= 3,
              bytes.allSatisfy({ (0x20..<0x7f).contains($0) || $0 == 0 }) else { return nil }
        return String(decoding: bytes.map { $0 == 0 ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    }
}

struct CompareSite: Sendable {
    var site: InstructionSite
    var value: SymbolicValue
    var constant: Int64
}

/// Everything one walk over one function saw.
struct FunctionRecord: Sendable {
    var start: UInt64
    var thumb: Bool
    var name: String
    var instructionCount = 0
    /// The walk stopped at the instruction budget, not at the end of the function.
    var truncated = false
    var calls: [CallSite] = []
    var stores: [StoreSite] = []
    var compares: [CompareSite] = []
    /// Words of text combined with other values (inlined string comparisons).
    var inlineLiterals: [InlineLiteral] = []
    var cpuProbes: [InstructionSite] = []
    var systemCalls: [SystemCallSite] = []
    var canaryReads: [InstructionSite] = []
    /// Instructions that inspect the hardware-capability arguments a resolver receives.
    var argumentInspections: [InstructionSite] = []
    /// Outside symbols the code reads or takes the address of (through GOT slots).
    var references: [(name: String, site: InstructionSite)] = []
    /// Ordinals of conditional branches.
    var branchOrdinals: [Int] = []
    /// Functions of this object whose address the code passes to a call (callbacks).
    var callbacks: [(address: UInt64, thumb: Bool, site: InstructionSite)] = []
}

/// What the interpreter knows about a register or stack slot.
enum SymbolicValue: Hashable, Sendable {
    case unknown
    /// A number, or an address inside this object.
    case constant(Int64)
    /// The stack pointer at function entry, plus this many bytes.
    case stack(Int64)
    /// The address of a symbol defined outside this object, plus an offset (read from its GOT slot).
    case external(String, Int64)
    /// An address inside this object read from a GOT slot (a RELATIVE or local symbol relocation).
    case gotEntry(slot: UInt64, target: UInt64)
    /// A value read from memory, plus `delta` added since (a counter being incremented).
    case loaded(MemoryOrigin, delta: Int64)
    /// An argument register as the function received it (index in the calling convention).
    case argument(Int)
    /// The value a call returned.
    case callResult(String)
    /// What a callee wrote through a stack pointer the function passed it (`pam_get_authtok`'s output).
    case calleeOutput(String)
    /// `index * scale + base`: an address into a table, indexed by a value the code compared with
    /// `bound` first (a `switch` compiled as shift, add and load, as MIPS does).
    indirect case scaledIndex(SymbolicValue, scale: Int64, base: Int64, bound: Int64?)

    /// The number, when the value is a known constant or a local address.
    var constantValue: Int64? {
        switch self {
        case .constant(let value): return value
        case .gotEntry(_, let target): return Int64(bitPattern: target)
        default: return nil
        }
    }

    /// This value plus `amount`, when that is still something the interpreter can name.
    func adding(_ amount: Int64) -> SymbolicValue {
        switch self {
        case .constant(let value): return .constant(value &+ amount)
        case .stack(let offset): return .stack(offset &+ amount)
        case .external(let name, let offset): return .external(name, offset &+ amount)
        case .gotEntry(_, let target): return .constant(Int64(bitPattern: target) &+ amount)
        case .loaded(let origin, let delta): return .loaded(origin, delta: delta &+ amount)
        case let .scaledIndex(index, scale, base, bound): return .scaledIndex(index, scale: scale, base: base &+ amount, bound: bound)
        default: return .unknown
        }
    }

    /// The outside symbol this value points into or was read through, if any.
    var externalRoot: String? {
        switch self {
        case .external(let name, _): return name
        case .loaded(.external(let name, _), _), .loaded(.reachable(let name), _): return name
        default: return nil
        }
    }
}

/// Where a loaded value was read from.
enum MemoryOrigin: Hashable, Sendable {
    /// Writable data of this object (`.data`, `.bss`) at this address.
    case address(UInt64)
    /// Inside an outside symbol's data: `symbol + offset`.
    case external(String, Int64)
    /// Memory reached by following pointers read out of an outside symbol's data.
    case reachable(String)
    /// A stack slot (entry stack pointer plus offset) whose content was unknown.
    case stack(Int64)
    case unknown
}

/// Why bytes could not be modelled as ELF. Offsets are file offsets into the bytes given.
public enum ELFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not start with the ELF magic.
    case notELF
    /// The file ends before a structure it declares; `offset` is where the missing bytes start.
    case truncated(what: String, offset: UInt64)
    /// A structure is present but cannot be valid.
    case malformed(what: String, offset: UInt64)
    /// libelf refused the bytes.
    case libelf(message: String)

    public var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case let .truncated(what, offset): return "truncated ELF: \(what) at offset \(offset) runs past the end of the file"
        case let .malformed(what, offset): return "malformed ELF: \(what) at offset \(offset)"
        case let .libelf(message): return "libelf: \(message)"
        }
    }
}

/// A problem found while building a model: a part that could not be read (the model is
/// partial, still usable, this part is missing), or something no toolchain writes (sections
/// overlapping in the file, an entry size that lies), which may be meant to mislead a parser.
public struct ELFProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What could not be read.
    public var message: String
    /// The file offset of the structure at fault, when known.
    public var offset: UInt64?

    public init(_ message: String, offset: UInt64? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(message) (offset \(offset))" }
        return message
    }
}

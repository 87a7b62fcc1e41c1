/// One relocation from a `.rel*` or `.rela*` section.
public struct ELFRelocation: Sendable, Hashable, Codable {
    /// The name of the relocation section that holds it.
    public var section: String
    /// Where it applies: a virtual address in linked objects, a section offset in `.o` files.
    public var offset: UInt64
    public var typeNumber: UInt32
    /// The architecture's name for the type, such as `R_X86_64_JUMP_SLOT`, or the number.
    public var type: String
    public var symbolIndex: UInt32
    public var symbolName: String?
    /// The explicit addend of RELA relocations; for REL, the value stored at `offset` when it is
    /// a pointer-sized slot inside the file, else nil.
    public var addend: Int64?
    /// For `.o` files: the section the relocation applies to (`sh_info` of the relocation section).
    public var targetSection: String?
}

/// One slot of the global offset table and what the dynamic loader will put in it.
public struct GOTSlot: Sendable, Hashable, Codable {
    public var address: UInt64
    /// `.got`, `.got.plt`, …
    public var section: String
    /// The relocation type that fills the slot.
    public var relocationType: String
    /// The symbol the slot is bound to, for symbol relocations.
    public var symbol: String?
    /// The address the slot will hold, for relative and IRELATIVE relocations (the resolver
    /// address for IRELATIVE).
    public var target: UInt64?
    /// The section `target` lies in, when it lies in one.
    public var targetSection: String?
}

/// An IFUNC resolver: code the dynamic loader runs while it relocates the object.
public struct IFUNCResolver: Sendable, Hashable, Codable {
    /// The resolver's virtual address.
    public var address: UInt64
    /// The IFUNC symbols it resolves (`STT_GNU_IFUNC` names; empty when only an IRELATIVE
    /// relocation names it, as in stripped objects).
    public var ifuncSymbols: [String]
    /// The function symbol at the resolver address, when the object keeps one (`crc32_resolve`).
    public var resolverSymbol: String?
    /// Where the resolver's code starts in the file, when the address maps into the file.
    public var fileOffset: UInt64?
    /// How many code bytes belong to it: the symbol size, or up to the end of its section.
    public var codeSize: UInt64
    /// The section holding the code.
    public var section: String?
    /// How it was found: `symbol`, `irelative` or both.
    public var sources: [String]
    /// Whether bit 0 marks Thumb code (ARM).
    public var isThumb: Bool

    /// A short name for reports: the resolver symbol, else the first IFUNC symbol, else the address.
    public var displayName: String {
        resolverSymbol ?? ifuncSymbols.first.map { "resolver of \($0)" } ?? "resolver at 0x\(String(address, radix: 16))"
    }
}

/// One note from an `SHT_NOTE` section or `PT_NOTE` segment.
public struct ELFNote: Sendable, Hashable, Codable {
    public var owner: String
    public var typeNumber: UInt32
    /// `GNU_BUILD_ID`, `GNU_ABI_TAG`, `GNU_PROPERTY_TYPE_0`, … or the number.
    public var type: String
    /// A readable value: the build-id in hex, `Linux 3.2.0`, property bits; else the first
    /// bytes of the descriptor in hex.
    public var value: String
    public var section: String?
}

/// One relocation from a `.rel*` or `.rela*` section: a view of a compact record of
/// ``ELFRelocations``, whose names come from the tables the whole model shares.
public struct ELFRelocation: Sendable, Hashable, Codable {
    let record: ELFRelocations.Record
    let names: ELFRelocations.Names

    init(record: ELFRelocations.Record, names: ELFRelocations.Names) {
        self.record = record
        self.names = names
    }

    /// A relocation on its own, with the names given (tests, decoding).
    public init(section: String, offset: UInt64, typeNumber: UInt32, type: String, symbolIndex: UInt32,
                symbolName: String?, addend: Int64?, targetSection: String?) {
        self = ELFRelocations([(section: section, offset: offset, typeNumber: typeNumber, type: type, symbolIndex: symbolIndex,
                                symbolName: symbolName, addend: addend, targetSection: targetSection)])[0]
    }

    /// The name of the relocation section that holds it.
    public var section: String { names.sections[Int(record.sectionOrdinal)].name }
    /// The section header index of the relocation section that holds it.
    public var sectionIndex: Int { names.sections[Int(record.sectionOrdinal)].index }
    /// Where it applies: a virtual address in linked objects, a section offset in `.o` files.
    public var offset: UInt64 { record.offset }
    public var typeNumber: UInt32 { record.typeNumber }
    /// The architecture's name for the type, such as `R_X86_64_JUMP_SLOT`, or the number.
    public var type: String { names.typeNames[record.typeNumber] ?? String(record.typeNumber) }
    public var symbolIndex: UInt32 { record.symbolIndex }
    /// The name of the symbol, from the symbol table the relocation section links to; nil for
    /// index 0 or an index past the table.
    public var symbolName: String? {
        switch names.sections[Int(record.sectionOrdinal)].symbols {
        case let .table(table):
            return record.symbolIndex != 0 && Int(record.symbolIndex) < table.count ? table[Int(record.symbolIndex)] : nil
        case let .one(name):
            return name
        }
    }
    /// The explicit addend of RELA relocations; for REL, the value stored at `offset` when it is
    /// a pointer-sized slot inside the file, else nil.
    public var addend: Int64? { record.hasAddend ? record.addend : nil }
    /// For `.o` files: the section the relocation applies to (`sh_info` of the relocation section).
    public var targetSection: String? { names.sections[Int(record.sectionOrdinal)].target }

    public static func == (left: ELFRelocation, right: ELFRelocation) -> Bool {
        left.record.offset == right.record.offset && left.record.typeNumber == right.record.typeNumber
            && left.record.symbolIndex == right.record.symbolIndex && left.addend == right.addend
            && left.section == right.section && left.type == right.type && left.symbolName == right.symbolName
            && left.targetSection == right.targetSection
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(record.offset)
        hasher.combine(record.typeNumber)
        hasher.combine(record.symbolIndex)
    }

    enum CodingKeys: String, CodingKey {
        case section, offset, typeNumber, type, symbolIndex, symbolName, addend, targetSection
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(section, forKey: .section)
        try container.encode(offset, forKey: .offset)
        try container.encode(typeNumber, forKey: .typeNumber)
        try container.encode(type, forKey: .type)
        try container.encode(symbolIndex, forKey: .symbolIndex)
        try container.encodeIfPresent(symbolName, forKey: .symbolName)
        try container.encodeIfPresent(addend, forKey: .addend)
        try container.encodeIfPresent(targetSection, forKey: .targetSection)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(section: try container.decode(String.self, forKey: .section), offset: try container.decode(UInt64.self, forKey: .offset),
                  typeNumber: try container.decode(UInt32.self, forKey: .typeNumber), type: try container.decode(String.self, forKey: .type),
                  symbolIndex: try container.decode(UInt32.self, forKey: .symbolIndex),
                  symbolName: try container.decodeIfPresent(String.self, forKey: .symbolName),
                  addend: try container.decodeIfPresent(Int64.self, forKey: .addend),
                  targetSection: try container.decodeIfPresent(String.self, forKey: .targetSection))
    }
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

/// Every relocation of a model, as compact records of numbers. The names (relocation and target
/// sections, type names, symbol names) come from tables the whole collection shares and are
/// given on demand by the ``ELFRelocation`` views the collection hands out.
public struct ELFRelocations: RandomAccessCollection, Sendable, Codable, ExpressibleByArrayLiteral {
    /// One relocation in numbers only.
    struct Record: Sendable {
        var offset: UInt64
        var addend: Int64
        var typeNumber: UInt32
        var symbolIndex: UInt32
        /// The position of its relocation section in ``Names/sections``.
        var sectionOrdinal: UInt32
        var hasAddend: Bool
    }

    /// The names the records share: one table per model, not per record.
    final class Names: Sendable {
        /// Where a relocation section's symbol names come from.
        enum SymbolNames: Sendable {
            /// The names of the symbol table the section links to, by symbol index.
            case table([String])
            /// One name for every record of the entry (relocations built from values).
            case one(String?)
        }

        struct RelocationSection: Sendable {
            /// The relocation section's header index.
            var index: Int
            var name: String
            /// The section the relocations apply to, in `.o` files.
            var target: String?
            /// The header index of the symbol table the section links to (`sh_link`).
            var symbolTable: Int
            var symbols: SymbolNames
        }

        let sections: [RelocationSection]
        let typeNames: [UInt32: String]

        init(sections: [RelocationSection], typeNames: [UInt32: String]) {
            self.sections = sections
            self.typeNames = typeNames
        }
    }

    /// Collects records section by section, then makes the collection.
    struct Builder {
        private(set) var records: [Record] = []
        private var sections: [Names.RelocationSection] = []
        private var typeNames: [UInt32: String] = [:]

        /// Room for `count` records in one buffer, asked for once: growing section by section
        /// would hold the old and the new buffer at once.
        mutating func reserveCapacity(_ count: Int) { records.reserveCapacity(count) }

        /// Starts the records of a relocation section; returns its ordinal for ``append(_:typeName:)``.
        mutating func addSection(_ section: Names.RelocationSection) -> UInt32 {
            sections.append(section)
            return UInt32(sections.count - 1)
        }

        mutating func append(_ record: Record, typeName: (UInt32) -> String) {
            if typeNames[record.typeNumber] == nil { typeNames[record.typeNumber] = typeName(record.typeNumber) }
            records.append(record)
        }

        func build() -> ELFRelocations {
            ELFRelocations(records: records, names: Names(sections: sections, typeNames: typeNames))
        }
    }

    var records: [Record]
    let names: Names

    init(records: [Record], names: Names) {
        self.records = records
        self.names = names
    }

    /// Relocations from values; those sharing a section, target and symbol name share one
    /// name entry. The first name given for a type number names it.
    public init(_ relocations: some Sequence<ELFRelocation>) {
        self.init(relocations.map {
            (section: $0.section, offset: $0.offset, typeNumber: $0.typeNumber, type: $0.type, symbolIndex: $0.symbolIndex,
             symbolName: $0.symbolName, addend: $0.addend, targetSection: $0.targetSection)
        })
    }

    public init(arrayLiteral elements: ELFRelocation...) { self.init(elements) }

    init(_ described: [(section: String, offset: UInt64, typeNumber: UInt32, type: String, symbolIndex: UInt32,
                        symbolName: String?, addend: Int64?, targetSection: String?)]) {
        struct Key: Hashable { var section: String, target: String?, symbol: String? }
        var builder = Builder()
        var ordinals: [Key: UInt32] = [:]
        for relocation in described {
            let key = Key(section: relocation.section, target: relocation.targetSection, symbol: relocation.symbolName)
            let ordinal = ordinals[key] ?? builder.addSection(
                Names.RelocationSection(index: 0, name: key.section, target: key.target, symbolTable: 0, symbols: .one(key.symbol)))
            ordinals[key] = ordinal
            builder.append(Record(offset: relocation.offset, addend: relocation.addend ?? 0, typeNumber: relocation.typeNumber,
                                  symbolIndex: relocation.symbolIndex, sectionOrdinal: ordinal, hasAddend: relocation.addend != nil),
                           typeName: { _ in relocation.type })
        }
        self = builder.build()
    }

    public var startIndex: Int { records.startIndex }
    public var endIndex: Int { records.endIndex }
    public subscript(position: Int) -> ELFRelocation { ELFRelocation(record: records[position], names: names) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for relocation in self { try container.encode(relocation) }
    }

    public init(from decoder: Decoder) throws {
        self.init(try [ELFRelocation](from: decoder))
    }
}

/// Everything Backsight knows about one ELF file: the feature model that rules match against.
///
/// Built by ``ELFReader`` from bytes; a value with no ties to the file or to libelf.
public struct ELFModel: Sendable, Codable {
    public var header: ELFHeader
    /// Every section header, index 0 included, in file order.
    public var sections: [ELFSection]
    public var segments: [ELFSegment]
    public var dynamic: DynamicInfo
    /// Every entry of `.dynsym` and `.symtab`, index 0 included.
    public var symbols: [ELFSymbol]
    /// Every relocation of every `.rel*` and `.rela*` section: numbers per record, names on demand.
    public var relocations: ELFRelocations
    /// The GOT slots that relocations fill, in linked objects.
    public var gotSlots: [GOTSlot]
    /// IFUNC resolvers, from `STT_GNU_IFUNC` symbols and IRELATIVE relocations.
    public var resolvers: [IFUNCResolver]
    public var notes: [ELFNote]
    /// Parts of the file that could not be read; the rest of the model is still valid.
    public var problems: [ELFProblem]
    /// Whether reading stopped early because the analysis deadline passed (one of `problems`
    /// says where); the model then lacks the parts after that point.
    public var stoppedAtTimeLimit = false

    /// Names this object imports from others (undefined `.dynsym` entries).
    public var imports: [String] { symbols.filter(\.isImport).map(\.name) }
    /// Names this object provides to others.
    public var exports: [String] { symbols.filter(\.isExport).map(\.name) }

    /// The first section with this name.
    public func section(named name: String) -> ELFSection? {
        sections.first { $0.name == name }
    }

    /// The allocated section whose memory image holds `address`.
    public func section(containing address: UInt64) -> ELFSection? {
        sections.first { $0.hasFileBytes && $0.contains(address: address) }
            ?? sections.first { $0.contains(address: address) }
    }

    /// The file offset that holds the byte loaded at `address`, through sections or `PT_LOAD`.
    public func fileOffset(ofAddress address: UInt64) -> UInt64? {
        if let section = sections.first(where: { $0.hasFileBytes && $0.contains(address: address) }) {
            return section.offset.adding(address - section.address)
        }
        for segment in segments where segment.type == "LOAD" {
            if address >= segment.virtualAddress, address - segment.virtualAddress < segment.fileSize {
                return segment.offset.adding(address - segment.virtualAddress)
            }
        }
        return nil
    }
}

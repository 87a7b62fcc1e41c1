import BacksightELF

/// The loaded image of one linked ELF object as the code analysis sees it: which section holds
/// an address, what the file stores there, what relocations will put there, which symbol a GOT
/// slot or PLT stub stands for. Every read is bounds-checked against the file.
///
/// Symbol indexes are built on first use: most files only ever need the GOT and a few names.
final class ObjectImage {
    let model: ELFModel
    let bytes: UnsafeRawBufferPointer
    let architecture: CodeArchitecture

    /// Allocated sections with an address, sorted by address.
    private let mapped: [ELFSection]
    /// The address space cut where any mapped section starts or ends, sorted: each piece is held
    /// by one section (or none), so an address is placed by one binary search.
    private let pieces: [AddressPiece]
    /// The piece the last lookup landed in: the walk asks about the same section over and over.
    private var lastPiece = 0
    /// Whether the object keeps its local symbols (`.symtab`): in a stripped object a local
    /// function has no symbol, so an address without one may still start a function.
    let hasLocalSymbols: Bool
    /// What the loader will store in a GOT slot, by slot address.
    private let relocated: [UInt64: RelocatedWord]
    /// Function symbols by start address (Thumb bit cleared), the best name first.
    private lazy var functionsByAddress: [UInt64: ELFSymbol] = buildSymbolIndexes().functions
    /// Function and object symbols sorted by address, for "which symbol holds this address".
    private lazy var sortedSymbols: [ELFSymbol] = buildSymbolIndexes().sorted
    /// ARM mapping symbols (`$a`, `$t`, `$d`) sorted by address.
    private lazy var mappingSymbols: [(address: UInt64, kind: Character)] = buildSymbolIndexes().mapping
    private var symbolIndexes: (functions: [UInt64: ELFSymbol], sorted: [ELFSymbol], mapping: [(address: UInt64, kind: Character)])?
    /// The code's branches, scanned on first use for every search of this image.
    lazy var branchIndex = BranchIndex(image: self)

    /// What a pointer-sized slot will hold once the loader has relocated it.
    struct RelocatedWord: Hashable {
        /// The outside symbol it will point at (imports, and preemptible symbols).
        var symbol: String?
        /// The address inside this object it will hold, when known.
        var target: UInt64?
        var relocationType: String
    }

    init(model: ELFModel, bytes: UnsafeRawBufferPointer, architecture: CodeArchitecture) {
        self.model = model
        self.bytes = bytes
        self.architecture = architecture
        mapped = model.sections.filter { $0.isAllocated && $0.size > 0 }.sorted { $0.address < $1.address }
        pieces = AddressPiece.pieces(of: mapped)
        hasLocalSymbols = model.symbols.contains { $0.table == .symtab }
        var relocated: [UInt64: RelocatedWord] = [:]
        relocated.reserveCapacity(model.gotSlots.count)
        for slot in model.gotSlots where relocated[slot.address] == nil {
            // A symbol the object defines itself is called directly through its slot's target.
            relocated[slot.address] = slot.target != nil
                ? RelocatedWord(symbol: nil, target: slot.target, relocationType: slot.relocationType)
                : RelocatedWord(symbol: slot.symbol, target: nil, relocationType: slot.relocationType)
        }
        if case .mips = architecture { Self.addMIPSGlobalGOT(model: model, into: &relocated) }
        self.relocated = relocated
    }

    private func buildSymbolIndexes() -> (functions: [UInt64: ELFSymbol], sorted: [ELFSymbol], mapping: [(address: UInt64, kind: Character)]) {
        if let symbolIndexes { return symbolIndexes }
        var functions: [UInt64: ELFSymbol] = [:]
        var sorted: [ELFSymbol] = []
        var mapping: [(address: UInt64, kind: Character)] = []
        let isARM = architecture == .arm
        for symbol in model.symbols where !symbol.isUndefined && !symbol.name.isEmpty && symbol.sectionIndex < 0xff00 {
            if isARM, symbol.name.hasPrefix("$"), let kind = symbol.name.dropFirst().first, "atd".contains(kind) {
                mapping.append((symbol.value, kind))
                continue
            }
            guard symbol.type == "FUNC" || symbol.type == "OBJECT" || symbol.type == "IFUNC" else { continue }
            sorted.append(symbol)
            guard symbol.type == "FUNC" else { continue }
            let start = isARM ? symbol.value & ~1 : symbol.value
            if let existing = functions[start] {
                // Prefer a sized symtab entry; it carries the local name.
                if existing.size == 0 && symbol.size > 0 || existing.table == .dynsym && symbol.table == .symtab && symbol.size > 0 {
                    functions[start] = symbol
                }
            } else {
                functions[start] = symbol
            }
        }
        let built = (functions, sorted.sorted { $0.value < $1.value }, mapping.sorted { $0.address < $1.address })
        symbolIndexes = built
        return built
    }

    /// MIPS global GOT entries have no relocations: entry `localCount + i` belongs to dynamic
    /// symbol `firstSymbol + i`.
    private static func addMIPSGlobalGOT(model: ELFModel, into relocated: inout [UInt64: RelocatedWord]) {
        func tag(_ number: Int64) -> UInt64? { model.dynamic.entries.first { $0.tagNumber == number }?.value }
        guard let gotStart = tag(3), let localCount = tag(0x7000_000a), let firstSymbol = tag(0x7000_0013) else { return }
        let dynamicSymbols = model.symbols.filter { $0.table == .dynsym }
        let word = UInt64(model.header.is64Bit ? 8 : 4)
        guard firstSymbol < UInt64(dynamicSymbols.count), localCount < 1 << 20 else { return }
        for symbolIndex in Int(firstSymbol)..<dynamicSymbols.count {
            let entry = localCount &+ UInt64(symbolIndex - Int(firstSymbol))
            let address = gotStart &+ entry &* word
            let symbol = dynamicSymbols[symbolIndex]
            var value = RelocatedWord(symbol: symbol.name, target: nil, relocationType: "MIPS_GOT_GLOBAL")
            if !symbol.isUndefined, symbol.type != "OBJECT" || symbol.value != 0 {
                value.target = symbol.value
                value.symbol = nil
            }
            relocated[address] = value
        }
    }

    // MARK: Sections and bytes

    /// The allocated section whose memory image holds `address`.
    func section(at address: UInt64) -> ELFSection? {
        guard let piece = piece(at: address) else { return nil }
        return mapped[piece.section]
    }

    /// The piece of the address space that holds `address`, when a section does.
    private func piece(at address: UInt64) -> AddressPiece? {
        if lastPiece < pieces.count {
            let last = pieces[lastPiece]
            if address >= last.start, address < last.end { return last.section >= 0 ? last : nil }
        }
        let index = pieces.countOfPrefix { $0.start <= address } - 1
        if index >= 0, address < pieces[index].end {
            lastPiece = index
            return pieces[index].section >= 0 ? pieces[index] : nil
        }
        // Below every section, or past every cut: held only by a section whose end overflowed
        // the address space (and so made no cut).
        return AddressPiece.sectionIndex(holding: address, in: mapped).map { AddressPiece(section: $0, of: mapped, from: address, to: address) }
    }

    func isExecutable(_ address: UInt64) -> Bool { piece(at: address)?.isExecutable ?? false }

    /// Whether `address` lies in one of the GOT sections (`.got`, `.got.plt`).
    func isGOT(_ address: UInt64) -> Bool { piece(at: address)?.isGOT ?? false }

    /// The bytes the file holds for `address ..< address + count`, clipped to the section.
    func bytes(at address: UInt64, count: Int) -> UnsafeRawBufferPointer {
        guard let piece = piece(at: address), piece.hasFileBytes else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let offsetInSection = address - piece.sectionAddress
        let available = piece.sectionSize - offsetInSection
        let start = piece.fileOffset.addingReportingOverflow(offsetInSection)
        guard !start.overflow, let begin = Int(exactly: start.partialValue), begin < bytes.count else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        let length = min(UInt64(max(count, 0)), available, UInt64(bytes.count - begin))
        return UnsafeRawBufferPointer(rebasing: bytes[begin ..< begin + Int(length)])
    }

    /// The file offset of `address`, when the file holds its byte.
    func fileOffset(of address: UInt64) -> UInt64? {
        guard let section = section(at: address), section.hasFileBytes else { return nil }
        let offset = section.offset.addingReportingOverflow(address - section.address)
        return offset.overflow ? nil : offset.partialValue
    }

    /// An unsigned number of `width` bytes stored at `address` in the file.
    func readUnsigned(at address: UInt64, width: Int) -> UInt64? {
        guard width > 0, width <= 8 else { return nil }
        let region = bytes(at: address, count: width)
        guard region.count == width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(region[architecture.isBigEndian ? index : width - 1 - index])
            value = value << 8 | byte
        }
        return value
    }

    /// What the loader will have stored at `address` (a pointer-sized slot), if a relocation applies.
    func relocatedWord(at address: UInt64) -> RelocatedWord? { relocated[address] }

    /// The symbol each slot a relocation (or the MIPS GOT layout) binds holds.
    var slotSymbols: [UInt64: String] {
        relocated.reduce(into: [:]) { slots, entry in
            if let symbol = entry.value.symbol { slots[entry.key] = symbol }
        }
    }

    // MARK: Symbols

    /// The function symbol starting exactly at `address`.
    func function(at address: UInt64) -> ELFSymbol? { functionsByAddress[address] }

    /// Whether a function symbol starts exactly at `address` (without copying the symbol).
    func isFunctionStart(_ address: UInt64) -> Bool { functionsByAddress.index(forKey: address) != nil }

    /// The function or object symbol whose extent holds `address`.
    func symbol(containing address: UInt64) -> ELFSymbol? {
        let low = sortedSymbols.countOfPrefix { $0.value <= address }
        var index = low - 1
        while index >= 0, low - index <= 8 {
            let candidate = sortedSymbols[index]
            let start = architecture == .arm && candidate.type == "FUNC" ? candidate.value & ~1 : candidate.value
            if address >= start, address - start < max(candidate.size, 1) { return candidate }
            index -= 1
        }
        return nil
    }

    /// A readable name for a code address: `symbol` or `symbol+0x10`, else nil.
    func describe(_ address: UInt64) -> String? {
        if let exact = function(at: address) { return exact.name }
        guard let holder = symbol(containing: address) else { return nil }
        let start = architecture == .arm && holder.type == "FUNC" ? holder.value & ~1 : holder.value
        return address == start ? holder.name : "\(holder.name)+0x\(String(address - start, radix: 16))"
    }

    /// Whether an ARM mapping symbol marks `address` as data (a literal pool).
    func isMarkedData(_ address: UInt64) -> Bool {
        guard !mappingSymbols.isEmpty else { return false }
        let low = mappingSymbols.countOfPrefix { $0.address <= address }
        return low > 0 && mappingSymbols[low - 1].kind == "d"
    }

    /// Whether an ARM mapping symbol says the code at `address` is Thumb (nil when none says).
    func mappingSaysThumb(_ address: UInt64) -> Bool? {
        guard let entry = mappingSymbols.last(where: { $0.address <= address }), entry.kind != "d" else { return nil }
        return entry.kind == "t"
    }

    /// A NUL-terminated printable string at `address`, escaped and cut to 64 characters.
    func literal(at address: UInt64) -> String? {
        let region = bytes(at: address, count: 256)
        guard let end = region.firstIndex(of: 0), end > 0 else { return nil }
        let body = region[..<end]
        guard body.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        var text = ""
        for byte in body.prefix(64) {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text.append("\\") }
            text.append(Character(Unicode.Scalar(byte)))
        }
        return body.count > 64 ? text + "…" : text
    }

    /// Whether calls to `address` land in a PLT stub rather than a function.
    func isPLT(_ address: UInt64) -> Bool { piece(at: address)?.isPLT ?? false }
}

extension Array {
    /// How many leading elements satisfy `belongs`, by binary search: the array must hold every
    /// element that satisfies it before every element that does not (sorted by the key tested).
    func countOfPrefix(where belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if belongs(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A stretch of addresses that one mapped section holds (or none does), with what the walk asks
/// of that section.
private struct AddressPiece {
    var start: UInt64
    /// Exclusive.
    var end: UInt64
    /// Index into the sorted mapped sections; -1 when no section holds the piece.
    var section = -1
    var sectionAddress: UInt64 = 0
    var sectionSize: UInt64 = 0
    var fileOffset: UInt64 = 0
    var hasFileBytes = false
    var isExecutable = false
    var isGOT = false
    var isPLT = false

    init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }

    init(section index: Int, of sections: [ELFSection], from start: UInt64, to end: UInt64) {
        self.init(start: start, end: end)
        let section = sections[index]
        self.section = index
        sectionAddress = section.address
        sectionSize = section.size
        fileOffset = section.offset
        hasFileBytes = section.hasFileBytes
        isExecutable = section.isExecutable
        isGOT = section.name == ".got" || section.name == ".got.plt"
        isPLT = section.name.hasPrefix(".plt") || section.name == ".iplt" || section.name == ".MIPS.stubs"
    }

    /// Cuts the address space at every start and end of `sections` (sorted by address); each
    /// piece is held by the section ``sectionIndex(holding:in:)`` finds for its first address,
    /// which is the same for every address of the piece.
    static func pieces(of sections: [ELFSection]) -> [AddressPiece] {
        var cuts: [UInt64] = []
        for section in sections {
            cuts.append(section.address)
            let end = section.address.addingReportingOverflow(section.size)
            if !end.overflow { cuts.append(end.partialValue) }
        }
        cuts = Array(Set(cuts)).sorted()
        var pieces: [AddressPiece] = []
        pieces.reserveCapacity(cuts.count)
        for (start, end) in zip(cuts, cuts.dropFirst()) {
            if let index = sectionIndex(holding: start, in: sections) {
                pieces.append(AddressPiece(section: index, of: sections, from: start, to: end))
            } else {
                pieces.append(AddressPiece(start: start, end: end))
            }
        }
        return pieces
    }

    /// The section holding `address`: of the last five starting at or below it, the one that
    /// starts last (sections may overlap, as `.tbss` does).
    static func sectionIndex(holding address: UInt64, in sections: [ELFSection]) -> Int? {
        let low = sections.countOfPrefix { $0.address <= address }
        var index = low - 1
        while index >= 0 {
            if sections[index].contains(address: address) { return index }
            index -= 1
            if low - index > 4 { break }
        }
        return nil
    }
}

import BacksightLimits
import CElf

/// Builds an ``ELFModel`` from bytes with libelf.
///
/// The reader never executes or loads what it reads. Malformed parts become ``ELFProblem``s
/// in a partial model; only bytes that are not ELF at all, or whose header is unreadable,
/// throw ``ELFError``.
public enum ELFReader {
    /// Whether `bytes` start with the ELF magic `\x7fELF`.
    public static func hasELFMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x7f && bytes[1] == 0x45 && bytes[2] == 0x4c && bytes[3] == 0x46
    }

    /// Models the ELF file held in `bytes`. The bytes are only read.
    ///
    /// When `deadline` passes, reading stops between parts and inside long loops; the model
    /// returned is partial and ``ELFModel/stoppedAtTimeLimit`` says so. Of the optional `parts`,
    /// only those asked for are read; the others stay empty (entropy nil).
    public static func model(of bytes: UnsafeRawBufferPointer, deadline: Deadline = .never,
                             parts: ELFModelParts = .all) throws(ELFError) -> ELFModel {
        guard hasELFMagic(bytes) else { throw .notELF }
        guard bytes.count >= 52 else { throw .truncated(what: "ELF header", offset: 0) }
        let handle = try LibElfHandle(bytes: bytes)
        var builder = try ModelBuilder(handle: handle, bytes: bytes, deadline: deadline, parts: parts)
        return try builder.build()
    }
}

/// Owns one libelf descriptor over caller-owned memory and ends it in `deinit`.
final class LibElfHandle {
    let elf: OpaquePointer

    private static let libraryReady: Bool = elf_version(backsight_elf_version_current()) != UInt32(EV_NONE)

    init(bytes: UnsafeRawBufferPointer) throws(ELFError) {
        guard Self.libraryReady else { throw .libelf(message: "libelf refused version \(EV_CURRENT)") }
        guard let base = bytes.baseAddress else { throw .notELF }
        // elf_memory takes a mutable pointer; reading never writes through it.
        let pointer = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
        guard let elf = elf_memory(pointer, bytes.count) else { throw .libelf(message: Self.lastError()) }
        guard elf_kind(elf) == ELF_K_ELF else {
            elf_end(elf)
            throw .notELF
        }
        self.elf = elf
    }

    deinit { elf_end(elf) }

    static func lastError() -> String {
        guard let message = elf_errmsg(-1) else { return "unknown error" }
        return String(cString: message)
    }

    func string(table: Int, offset: UInt64) -> String? {
        guard let offset = Int(exactly: offset), let raw = elf_strptr(elf, table, offset) else { return nil }
        return String(cString: raw)
    }

    func section(_ index: Int) -> OpaquePointer? { elf_getscn(elf, index) }

    func data(of section: OpaquePointer) -> UnsafeMutablePointer<Elf_Data>? { elf_getdata(section, nil) }

    /// The size of one record of `type` in this file's class.
    func recordSize(_ type: Elf_Type) -> Int { Int(gelf_fsize(elf, type, 1, backsight_elf_version_current())) }
}

/// One pass over a libelf descriptor that fills the model part by part.
private struct ModelBuilder {
    let handle: LibElfHandle
    let view: ByteView
    let deadline: Deadline
    let parts: ELFModelParts
    /// Set once the deadline has passed: every later part is skipped.
    var stopped = false
    var problems: [ELFProblem] = []
    var header: ELFHeader
    /// Where the header says the section header table is, and how many entries it has.
    let sectionTable: (offset: UInt64, count: UInt16, entrySize: UInt16)
    var sections: [ELFSection] = []
    var symbols: [ELFSymbol] = []
    /// Symbol names by (symbol table section index, symbol index), for relocations.
    var symbolNames: [Int: [String]] = [:]
    var symbolsByTable: [Int: [ELFSymbol]] = [:]

    var isRelocatable: Bool { header.type == "REL" }
    var wordSize: Int { header.is64Bit ? 8 : 4 }

    init(handle: LibElfHandle, bytes: UnsafeRawBufferPointer, deadline: Deadline, parts: ELFModelParts) throws(ELFError) {
        self.handle = handle
        self.deadline = deadline
        self.parts = parts
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(handle.elf, &ehdr) != nil else {
            throw .truncated(what: "ELF header (\(LibElfHandle.lastError()))", offset: 0)
        }
        let ident = withUnsafeBytes(of: ehdr.e_ident) { Array($0) }
        guard ident.count >= 16, ident[4] == 1 || ident[4] == 2 else {
            throw .malformed(what: "EI_CLASS \(ident.count > 4 ? ident[4] : 0)", offset: 4)
        }
        guard ident[5] == 1 || ident[5] == 2 else { throw .malformed(what: "EI_DATA \(ident[5])", offset: 5) }
        let is64 = ident[4] == 2
        let little = ident[5] == 1
        sectionTable = (ehdr.e_shoff, ehdr.e_shnum, ehdr.e_shentsize)
        view = ByteView(bytes: bytes, bigEndian: !little)
        header = ELFHeader(
            fileClass: is64 ? .elf64 : .elf32,
            byteOrder: little ? .little : .big,
            osABI: ELFNames.osABI(ident[7]),
            type: ELFNames.fileType(ehdr.e_type),
            machineNumber: ehdr.e_machine,
            machine: ELFNames.machine(ehdr.e_machine),
            architecture: ELFNames.architecture(machine: ehdr.e_machine, is64Bit: is64, littleEndian: little),
            flags: ehdr.e_flags,
            entry: ehdr.e_entry
        )
    }

    mutating func build() throws(ELFError) -> ELFModel {
        readSections()
        let segments = shouldStop(before: "program headers") ? [] : readSegments()
        if !shouldStop(before: "symbols") { readSymbols() }
        let relocations: ELFRelocations = shouldStop(before: "relocations") ? [] : readRelocations()
        var model = ELFModel(
            header: header, sections: sections, segments: segments, dynamic: DynamicInfo(),
            symbols: symbols, relocations: relocations, gotSlots: [], resolvers: [], notes: [], problems: []
        )
        if !shouldStop(before: "dynamic section") { model.dynamic = readDynamic(model: model, relocations: relocations) }
        if parts.contains(.gotSlots), !shouldStop(before: "GOT slots") { model.gotSlots = gotSlots(model: model, relocations: relocations) }
        if parts.contains(.resolvers), !shouldStop(before: "IFUNC resolvers") { model.resolvers = resolvers(model: model, relocations: relocations) }
        if parts.contains(.notes), !shouldStop(before: "notes") { model.notes = readNotes(segments: segments) }
        if !shouldStop(before: "consistency checks") {
            problems += ELFConsistency.problems(in: model, headerSectionCount: sectionTable.count, bytes: view, isRelocatable: isRelocatable)
        }
        model.stoppedAtTimeLimit = stopped
        model.problems = problems
        return model
    }

    /// Whether the deadline has passed before `part`; the first time, says so as a problem.
    mutating func shouldStop(before part: String) -> Bool {
        if stopped { return true }
        guard deadline.hasExpired else { return false }
        stopped = true
        problems.append(ELFProblem("time limit reached: stopped before reading the \(part)"))
        return true
    }

    /// Checked every few hundred turns of a long loop: whether to leave it. `part` is built
    /// only at a checkpoint, not at every turn.
    mutating func shouldLeaveLoop(_ index: Int, reading part: @autoclosure () -> String) -> Bool {
        guard Deadline.isCheckpoint(index), index > 0 else { return stopped }
        return shouldStop(before: "rest of the \(part())")
    }

    // MARK: Sections and segments

    mutating func readSections() {
        var count = 0
        var namesIndex = 0
        guard elf_getshdrnum(handle.elf, &count) == 0 else {
            problems.append(ELFProblem("section header count unreadable: \(LibElfHandle.lastError())"))
            return
        }
        if count == 0, sectionTable.offset != 0 {
            let end = sectionTable.offset.addingReportingOverflow(UInt64(sectionTable.count) * UInt64(sectionTable.entrySize))
            let placement = end.overflow || end.partialValue > UInt64(view.count) ? "lies past the end of the file" : "is unreadable"
            problems.append(ELFProblem("section header table \(placement)", offset: sectionTable.offset))
        }
        if elf_getshdrstrndx(handle.elf, &namesIndex) != 0, count > 0 {
            problems.append(ELFProblem("section name table index unreadable: \(LibElfHandle.lastError())"))
            namesIndex = 0
        }
        for index in 0..<count {
            if shouldLeaveLoop(index, reading: "section headers") { break }
            guard let scn = handle.section(index) else { break }
            var shdr = GElf_Shdr()
            guard gelf_getshdr(scn, &shdr) != nil else {
                problems.append(ELFProblem("section header \(index) unreadable: \(LibElfHandle.lastError())"))
                continue
            }
            let name = namesIndex == 0 ? "" : (handle.string(table: namesIndex, offset: UInt64(shdr.sh_name)) ?? "")
            if shdr.sh_type != UInt32(SHT_NOBITS), shdr.sh_size > 0 {
                let end = shdr.sh_offset.addingReportingOverflow(shdr.sh_size)
                if end.overflow || end.partialValue > UInt64(view.count) {
                    problems.append(ELFProblem("section \(index) \(name) extends past the end of the file", offset: shdr.sh_offset))
                }
            }
            var section = ELFSection(
                index: index, name: name, type: ELFNames.sectionType(shdr.sh_type), typeNumber: shdr.sh_type,
                flags: shdr.sh_flags, address: shdr.sh_addr, offset: shdr.sh_offset, size: shdr.sh_size,
                link: shdr.sh_link, info: shdr.sh_info, entrySize: shdr.sh_entsize, entropy: nil
            )
            if parts.contains(.sectionEntropy) { section.entropy = section.entropy(in: view.bytes) }
            sections.append(section)
        }
    }

    mutating func readSegments() -> [ELFSegment] {
        var count = 0
        guard elf_getphdrnum(handle.elf, &count) == 0 else {
            problems.append(ELFProblem("program header count unreadable: \(LibElfHandle.lastError())"))
            return []
        }
        var segments: [ELFSegment] = []
        for index in 0..<count {
            var phdr = GElf_Phdr()
            guard gelf_getphdr(handle.elf, Int32(clamping: index), &phdr) != nil else {
                problems.append(ELFProblem("program header \(index) unreadable: \(LibElfHandle.lastError())"))
                continue
            }
            let permissions = (phdr.p_flags & 4 != 0 ? "R" : "-") + (phdr.p_flags & 2 != 0 ? "W" : "-") + (phdr.p_flags & 1 != 0 ? "X" : "-")
            segments.append(ELFSegment(
                type: ELFNames.segmentType(phdr.p_type), typeNumber: phdr.p_type, permissions: permissions,
                flags: phdr.p_flags, offset: phdr.p_offset, virtualAddress: phdr.p_vaddr,
                fileSize: phdr.p_filesz, memorySize: phdr.p_memsz
            ))
        }
        return segments
    }

    // MARK: Symbols and versions

    mutating func readSymbols() {
        let versionNames = readVersionNames()
        let symbolSize = handle.recordSize(ELF_T_SYM)
        for section in sections where section.typeNumber == UInt32(SHT_SYMTAB) || section.typeNumber == UInt32(SHT_DYNSYM) {
            guard symbolSize > 0, let scn = handle.section(section.index) else { continue }
            guard let data = handle.data(of: scn) else {
                problems.append(ELFProblem("symbol table \(section.name) unreadable: \(LibElfHandle.lastError())", offset: section.offset))
                continue
            }
            let table: ELFSymbol.Table = section.typeNumber == UInt32(SHT_DYNSYM) ? .dynsym : .symtab
            let count = data.pointee.d_size / symbolSize
            let versions = table == .dynsym ? versionNames.versym : nil
            var tableSymbols: [ELFSymbol] = []
            tableSymbols.reserveCapacity(count)
            for index in 0..<count {
                if shouldLeaveLoop(index, reading: "symbol table \(section.name)") { break }
                var sym = GElf_Sym()
                guard gelf_getsym(data, Int32(clamping: index), &sym) != nil else {
                    problems.append(ELFProblem("symbol \(index) of \(section.name) unreadable", offset: section.offset))
                    break
                }
                var symbol = ELFSymbol(
                    table: table, index: index,
                    name: handle.string(table: Int(section.link), offset: UInt64(sym.st_name)) ?? "",
                    type: ELFNames.symbolType(backsight_st_type(sym.st_info)),
                    binding: ELFNames.symbolBinding(backsight_st_bind(sym.st_info)),
                    visibility: ELFNames.symbolVisibility(backsight_st_visibility(sym.st_other)),
                    sectionIndex: UInt32(sym.st_shndx), value: sym.st_value, size: sym.st_size
                )
                if let versions, index < versions.count {
                    let raw = versions[index]
                    let versionIndex = Int(raw & 0x7fff)
                    if versionIndex >= 2 { symbol.version = versionNames.names[versionIndex] }
                    symbol.versionHidden = raw & 0x8000 != 0
                }
                tableSymbols.append(symbol)
            }
            symbolNames[section.index] = tableSymbols.map(\.name)
            symbolsByTable[section.index] = tableSymbols
            // The first table's buffer is shared, not copied (most files have one table).
            if symbols.isEmpty { symbols = tableSymbols } else { symbols += tableSymbols }
        }
    }

    /// `.gnu.version` entries and the names of the version indices `_d` and `_r` define.
    mutating func readVersionNames() -> (versym: [UInt16]?, names: [Int: String]) {
        var names: [Int: String] = [:]
        var versym: [UInt16]?
        for section in sections {
            guard let scn = handle.section(section.index) else { continue }
            switch section.typeNumber {
            case UInt32(SHT_GNU_versym):
                guard let data = handle.data(of: scn) else { continue }
                let count = data.pointee.d_size / 2
                var entries: [UInt16] = []
                entries.reserveCapacity(count)
                for index in 0..<count {
                    var entry = GElf_Versym()
                    guard gelf_getversym(data, Int32(clamping: index), &entry) != nil else { break }
                    entries.append(entry)
                }
                versym = entries
            case UInt32(SHT_GNU_verdef):
                guard let data = handle.data(of: scn) else { continue }
                var offset: Int32 = 0
                for _ in 0..<min(Int(section.info), 4096) {
                    var verdef = GElf_Verdef()
                    guard gelf_getverdef(data, offset, &verdef) != nil else { break }
                    var aux = GElf_Verdaux()
                    if gelf_getverdaux(data, offset &+ Int32(clamping: verdef.vd_aux), &aux) != nil,
                       let name = handle.string(table: Int(section.link), offset: UInt64(aux.vda_name)) {
                        names[Int(verdef.vd_ndx)] = name
                    }
                    guard verdef.vd_next > 0 else { break }
                    offset = offset &+ Int32(clamping: verdef.vd_next)
                }
            case UInt32(SHT_GNU_verneed):
                guard let data = handle.data(of: scn) else { continue }
                var offset: Int32 = 0
                for _ in 0..<min(Int(section.info), 4096) {
                    var verneed = GElf_Verneed()
                    guard gelf_getverneed(data, offset, &verneed) != nil else { break }
                    var auxOffset = offset &+ Int32(clamping: verneed.vn_aux)
                    for _ in 0..<min(Int(verneed.vn_cnt), 4096) {
                        var aux = GElf_Vernaux()
                        guard gelf_getvernaux(data, auxOffset, &aux) != nil else { break }
                        if let name = handle.string(table: Int(section.link), offset: UInt64(aux.vna_name)) {
                            names[Int(aux.vna_other)] = name
                        }
                        guard aux.vna_next > 0 else { break }
                        auxOffset = auxOffset &+ Int32(clamping: aux.vna_next)
                    }
                    guard verneed.vn_next > 0 else { break }
                    offset = offset &+ Int32(clamping: verneed.vn_next)
                }
            default:
                continue
            }
        }
        return (versym, names)
    }

    // MARK: Relocations

    mutating func readRelocations() -> ELFRelocations {
        var relocations = ELFRelocations.Builder()
        let machine = header.machineNumber
        let machineName = header.machine
        func typeName(_ number: UInt32) -> String {
            RelocationTypeNames.name(machine: machine, type: number) ?? "R_\(machineName)_\(number)"
        }
        let relocationSections = sections.filter { $0.typeNumber == UInt32(SHT_REL) || $0.typeNumber == UInt32(SHT_RELA) }
        // The records the sections' sizes announce, no more than the file could hold once
        // (sections may overlap; the buffer then grows as records come).
        let announced = relocationSections.reduce(0) { total, section in
            let recordSize = handle.recordSize(section.typeNumber == UInt32(SHT_RELA) ? ELF_T_RELA : ELF_T_REL)
            return recordSize > 0 ? min(total + Int(min(section.size, UInt64(view.count))) / recordSize, view.count / 8) : total
        }
        relocations.reserveCapacity(announced)
        for section in relocationSections {
            let isRela = section.typeNumber == UInt32(SHT_RELA)
            let recordSize = handle.recordSize(isRela ? ELF_T_RELA : ELF_T_REL)
            guard recordSize > 0, let scn = handle.section(section.index) else { continue }
            guard let data = handle.data(of: scn) else {
                problems.append(ELFProblem("relocation section \(section.name) unreadable: \(LibElfHandle.lastError())", offset: section.offset))
                continue
            }
            let target = isRelocatable && Int(section.info) < sections.count && section.info > 0 ? sections[Int(section.info)].name : nil
            let count = data.pointee.d_size / recordSize
            let ordinal = relocations.addSection(
                ELFRelocations.Names.RelocationSection(index: section.index, name: section.name, target: target, symbolTable: Int(section.link),
                                                       symbols: .table(symbolNames[Int(section.link)] ?? [])))
            for index in 0..<count {
                if shouldLeaveLoop(index, reading: "relocation section \(section.name)") { break }
                var offset: UInt64 = 0
                var info: UInt64 = 0
                var addend: Int64?
                if isRela {
                    var rela = GElf_Rela()
                    guard gelf_getrela(data, Int32(clamping: index), &rela) != nil else { break }
                    (offset, info, addend) = (rela.r_offset, rela.r_info, rela.r_addend)
                } else {
                    var rel = GElf_Rel()
                    guard gelf_getrel(data, Int32(clamping: index), &rel) != nil else { break }
                    (offset, info) = (rel.r_offset, rel.r_info)
                    if !isRelocatable, let fileOffset = fileOffset(ofAddress: offset),
                       let stored = view.unsigned(at: fileOffset, width: wordSize) {
                        addend = Int64(bitPattern: stored)
                    }
                }
                let record = ELFRelocations.Record(
                    offset: offset, addend: addend ?? 0, typeNumber: UInt32(truncatingIfNeeded: backsight_r_type(info)),
                    symbolIndex: UInt32(truncatingIfNeeded: backsight_r_sym(info)), sectionOrdinal: ordinal, hasAddend: addend != nil)
                relocations.append(record, typeName: typeName)
            }
        }
        return relocations.build()
    }

    func fileOffset(ofAddress address: UInt64) -> UInt64? {
        guard let section = sections.first(where: { $0.hasFileBytes && $0.contains(address: address) }) else { return nil }
        return section.offset.adding(address - section.address)
    }

    // MARK: Dynamic section

    mutating func readDynamic(model: ELFModel, relocations: ELFRelocations) -> DynamicInfo {
        var info = DynamicInfo()
        // The dynamic section, else the PT_DYNAMIC segment of a file without section headers.
        let region: (offset: UInt64, size: UInt64, strings: (offset: UInt64, size: UInt64)?)
        if let section = sections.first(where: { $0.typeNumber == UInt32(SHT_DYNAMIC) }) {
            let strings = Int(section.link) < sections.count ? sections[Int(section.link)] : nil
            region = (section.offset, section.size, strings.map { ($0.offset, $0.size) })
        } else if let segment = model.segments.first(where: { $0.type == "DYNAMIC" }) {
            region = (segment.offset, segment.fileSize, nil)
        } else {
            return info
        }
        let entrySize = UInt64(wordSize * 2)
        var raw: [(tag: Int64, value: UInt64)] = []
        var position: UInt64 = 0
        while position + entrySize <= region.size {
            guard let entryOffset = region.offset.adding(position),
                  let tag = view.unsigned(at: entryOffset, width: wordSize),
                  let valueOffset = entryOffset.adding(UInt64(wordSize)),
                  let value = view.unsigned(at: valueOffset, width: wordSize) else {
                problems.append(ELFProblem("dynamic section runs past the end of the file", offset: region.offset.adding(position) ?? region.offset))
                break
            }
            let signedTag = header.is64Bit ? Int64(bitPattern: tag) : Int64(Int32(truncatingIfNeeded: tag))
            raw.append((signedTag, value))
            position += entrySize
            if signedTag == 0 { info.isTerminated = true; break }
        }
        if !info.isTerminated, !raw.isEmpty {
            problems.append(ELFProblem("dynamic section has no DT_NULL terminator", offset: region.offset))
        }
        var strings = region.strings
        if strings == nil, let address = raw.first(where: { $0.tag == 5 })?.value,
           let offset = model.fileOffset(ofAddress: address) {
            strings = (offset, raw.first(where: { $0.tag == 10 })?.value ?? 0)
        }
        for (tag, value) in raw {
            var entry = DynamicEntry(tag: ELFNames.dynamicTag(tag), tagNumber: tag, value: value)
            if ELFNames.isStringTag(tag), let strings, value < strings.size, let offset = strings.offset.adding(value) {
                entry.string = view.cString(at: offset)
            }
            info.entries.append(entry)
            let text = entry.string ?? ""
            switch tag {
            case 1: info.needed.append(text)
            case 14: info.soname = text
            case 15: info.rpath += text.split(separator: ":").map(String.init)
            case 29: info.runpath += text.split(separator: ":").map(String.init)
            case 0x6fff_fefe: info.audit += text.split(separator: ":").map(String.init)
            case 0x6fff_fefd: info.depaudit += text.split(separator: ":").map(String.init)
            case 12: info.initFunction = value
            case 13: info.finiFunction = value
            case 22: info.hasTextRelocations = true
            case 24: info.bindsNow = true
            case 30:
                info.flags = value
                if value & 0x4 != 0 { info.hasTextRelocations = true }
                if value & 0x8 != 0 { info.bindsNow = true }
            case 0x6fff_fffb:
                info.flags1 = value
                if value & 0x1 != 0 { info.bindsNow = true }
            default: break
            }
        }
        info.initArray = functionArray(model: model, addressTag: 25, sizeTag: 27, sectionType: UInt32(SHT_INIT_ARRAY), raw: raw, relocations: relocations)
        info.finiArray = functionArray(model: model, addressTag: 26, sizeTag: 28, sectionType: UInt32(SHT_FINI_ARRAY), raw: raw, relocations: relocations)
        return info
    }

    /// The function addresses an `.init_array`-like table holds once relocated.
    mutating func functionArray(model: ELFModel, addressTag: Int64, sizeTag: Int64, sectionType: UInt32,
                       raw: [(tag: Int64, value: UInt64)], relocations: ELFRelocations) -> [UInt64] {
        let start: UInt64
        let size: UInt64
        if let address = raw.first(where: { $0.tag == addressTag })?.value {
            start = address
            size = raw.first(where: { $0.tag == sizeTag })?.value ?? 0
        } else if let section = sections.first(where: { $0.typeNumber == sectionType }) {
            (start, size) = (section.address, section.size)
        } else {
            return []
        }
        var functions: [UInt64] = []
        let width = UInt64(wordSize)
        var slot = start
        let limit = start.addingReportingOverflow(min(size, 1 << 20))
        guard !limit.overflow else { return [] }
        // Only the relocations that apply to the table's own slots (none in `.o` files, where
        // offsets are section-relative).
        let table = start..<limit.partialValue
        let slotRelocations = isRelocatable ? [:] : Dictionary(
            relocations.lazy.filter { table.contains($0.offset) }.map { ($0.offset, $0) }, uniquingKeysWith: { first, _ in first })
        // A slot has a value only if its bytes are in the file or a relocation fills it: jump
        // over the rest instead of searching every section for each of up to 2^18 slots.
        let backed = fileBackedRanges(model: model)
        let relocated = slotRelocations.keys.sorted()
        var nextRelocatedIndex = 0
        var turn = 0
        // `slot` never passes `limit`, so the subtraction cannot wrap (an addition could).
        while limit.partialValue - slot >= width {
            if shouldLeaveLoop(turn, reading: "function pointer table") { break }
            turn += 1
            if slotRelocations[slot] == nil, !backed.contains(slot) {
                // Slots only grow, so the next relocated one is found by walking forward once.
                while nextRelocatedIndex < relocated.count, relocated[nextRelocatedIndex] <= slot { nextRelocatedIndex += 1 }
                let nextRelocated = nextRelocatedIndex < relocated.count ? relocated[nextRelocatedIndex] : nil
                // The first slot at or after `next`; past `limit` (or 2^64) ends the table.
                guard let next = [backed.start(after: slot), nextRelocated].compactMap({ $0 }).min(),
                      next < limit.partialValue,
                      let rounded = (next - start).adding(width - 1),
                      let aligned = start.adding(rounded / width * width),
                      aligned <= limit.partialValue else { break }
                slot = aligned
                continue
            }
            if let target = pointerValue(at: slot, model: model, relocations: slotRelocations),
               target != 0, target != (header.is64Bit ? UInt64.max : UInt64(UInt32.max)) {
                functions.append(target)
            }
            slot += width
        }
        return functions
    }

    /// The addresses whose bytes are in the file, where ``ELFModel/fileOffset(ofAddress:)``
    /// finds them: allocated sections with file bytes and `PT_LOAD` segments, each cut at the
    /// end of the file.
    func fileBackedRanges(model: ELFModel) -> AddressRanges {
        let fileSize = UInt64(view.count)
        func span(address: UInt64, offset: UInt64, size: UInt64) -> (start: UInt64, end: UInt64) {
            let inFile = offset < fileSize ? min(size, fileSize - offset) : 0
            let end = address.addingReportingOverflow(inFile)
            return (address, end.overflow ? UInt64.max : end.partialValue)
        }
        let sections = model.sections.filter { $0.hasFileBytes && $0.isAllocated }.map { span(address: $0.address, offset: $0.offset, size: $0.size) }
        let loads = model.segments.filter { $0.type == "LOAD" }.map { span(address: $0.virtualAddress, offset: $0.offset, size: $0.fileSize) }
        return AddressRanges(sections + loads)
    }

    /// What a pointer-sized slot will hold after relocation: the relocation's value where
    /// one applies, else the bytes in the file.
    func pointerValue(at address: UInt64, model: ELFModel, relocations: [UInt64: ELFRelocation]) -> UInt64? {
        if let relocation = relocations[address] {
            if relocation.symbolIndex == 0 {
                return relocation.addend.map { UInt64(bitPattern: $0) }
            }
            if let symbol = symbol(forRelocation: relocation), !symbol.isUndefined {
                return symbol.value &+ UInt64(bitPattern: relocation.addend ?? 0)
            }
            return nil
        }
        guard let offset = model.fileOffset(ofAddress: address) else { return nil }
        return view.unsigned(at: offset, width: wordSize)
    }

    func symbol(forRelocation relocation: ELFRelocation) -> ELFSymbol? {
        let link = relocation.names.sections[Int(relocation.record.sectionOrdinal)].symbolTable
        guard let table = symbolsByTable[link], Int(relocation.symbolIndex) < table.count else { return nil }
        return table[Int(relocation.symbolIndex)]
    }

    // MARK: GOT and IFUNC

    mutating func gotSlots(model: ELFModel, relocations: ELFRelocations) -> [GOTSlot] {
        guard !isRelocatable else { return [] }
        let gotSections = sections.filter { $0.name == ".got" || $0.name == ".got.plt" }
        guard !gotSections.isEmpty else { return [] }
        var slots: [GOTSlot] = []
        for (index, relocation) in relocations.enumerated() {
            if shouldLeaveLoop(index, reading: "GOT slots") { break }
            guard let section = gotSections.first(where: { $0.contains(address: relocation.offset) }) else { continue }
            var target: UInt64?
            if relocation.symbolIndex == 0 {
                target = relocation.addend.map { UInt64(bitPattern: $0) }
            } else if let symbol = symbol(forRelocation: relocation), !symbol.isUndefined {
                target = symbol.value &+ UInt64(bitPattern: relocation.addend ?? 0)
            }
            slots.append(GOTSlot(
                address: relocation.offset, section: section.name, relocationType: relocation.type,
                symbol: relocation.symbolName, target: target,
                targetSection: target.flatMap { model.section(containing: $0)?.name }
            ))
        }
        return slots
    }

    mutating func resolvers(model: ELFModel, relocations: ELFRelocations) -> [IFUNCResolver] {
        let isARM = header.machineNumber == UInt16(EM_ARM)
        var byAddress: [UInt64: IFUNCResolver] = [:]
        var order: [UInt64] = []
        func note(address raw: UInt64, ifunc: String?, source: String, sectionIndex: UInt32?) {
            let thumb = isARM && raw & 1 == 1
            let address = thumb ? raw & ~1 : raw
            if byAddress[address] == nil {
                order.append(address)
                let section: ELFSection?
                if isRelocatable, let sectionIndex, Int(sectionIndex) < sections.count {
                    section = sections[Int(sectionIndex)]
                } else {
                    section = model.section(containing: address)
                }
                let fileOffset: UInt64? = section.flatMap { section in
                    guard section.hasFileBytes else { return nil }
                    return isRelocatable ? section.offset.adding(address) : section.offset.adding(address - section.address)
                }
                let function = resolverFunction(at: address, thumb: thumb, sectionIndex: isRelocatable ? sectionIndex : nil)
                let sectionEnd = section.map { isRelocatable ? $0.size : $0.address &+ $0.size } ?? address
                let toSectionEnd = sectionEnd > address ? sectionEnd - address : 0
                let size = function.flatMap { $0.size > 0 ? min($0.size, toSectionEnd == 0 ? $0.size : toSectionEnd) : nil } ?? toSectionEnd
                byAddress[address] = IFUNCResolver(
                    address: address, ifuncSymbols: [], resolverSymbol: function?.name, fileOffset: fileOffset,
                    codeSize: size, section: section?.name, sources: [], isThumb: thumb
                )
            }
            if let ifunc, !(byAddress[address]?.ifuncSymbols.contains(ifunc) ?? true) { byAddress[address]?.ifuncSymbols.append(ifunc) }
            if !(byAddress[address]?.sources.contains(source) ?? true) { byAddress[address]?.sources.append(source) }
        }
        // Each resolver searches the symbols for its function: count resolvers, not symbols.
        var turn = 0
        for symbol in symbols where symbol.isIFUNC && !symbol.isUndefined {
            if shouldLeaveLoop(turn, reading: "IFUNC symbols") { break }
            turn += 1
            note(address: symbol.value, ifunc: symbol.name, source: "symbol", sectionIndex: symbol.sectionIndex)
        }
        // Decided once per relocation type, not per relocation.
        var typeIsIRelative: [UInt32: Bool] = [:]
        func isIRelative(_ relocation: ELFRelocation) -> Bool {
            if let known = typeIsIRelative[relocation.typeNumber] { return known }
            let answer = relocation.type.hasSuffix("_IRELATIVE") || relocation.type == "R_PPC64_JMP_IREL"
            typeIsIRelative[relocation.typeNumber] = answer
            return answer
        }
        for relocation in relocations where isIRelative(relocation) {
            if shouldLeaveLoop(turn, reading: "IRELATIVE relocations") { break }
            turn += 1
            guard let addend = relocation.addend else { continue }
            note(address: UInt64(bitPattern: addend), ifunc: nil, source: "irelative", sectionIndex: nil)
        }
        return order.compactMap { byAddress[$0] }
    }

    /// The function symbol (not the IFUNC symbol itself) that starts at a resolver's address.
    func resolverFunction(at address: UInt64, thumb: Bool, sectionIndex: UInt32?) -> ELFSymbol? {
        let candidates = symbols.filter { symbol in
            guard symbol.type == "FUNC", !symbol.isUndefined, !symbol.name.isEmpty else { return false }
            if let sectionIndex, symbol.sectionIndex != sectionIndex { return false }
            return (thumb ? symbol.value & ~1 : symbol.value) == address
        }
        return candidates.first { $0.table == .symtab && $0.size > 0 } ?? candidates.first { $0.size > 0 } ?? candidates.first
    }

    // MARK: Notes

    mutating func readNotes(segments: [ELFSegment]) -> [ELFNote] {
        var notes: [ELFNote] = []
        let noteSections = sections.filter { $0.typeNumber == UInt32(SHT_NOTE) }
        if !noteSections.isEmpty {
            for section in noteSections {
                guard let scn = handle.section(section.index), let data = handle.data(of: scn) else { continue }
                notes += parseNotes(data, section: section.name)
            }
        } else {
            for segment in segments where segment.type == "NOTE" {
                guard let data = elf_getdata_rawchunk(handle.elf, Int64(clamping: segment.offset), Int(clamping: segment.fileSize), ELF_T_NHDR) else { continue }
                notes += parseNotes(data, section: nil)
            }
        }
        return notes
    }

    func parseNotes(_ data: UnsafeMutablePointer<Elf_Data>, section: String?) -> [ELFNote] {
        guard let buffer = data.pointee.d_buf else { return [] }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: data.pointee.d_size)
        let descriptorView = ByteView(bytes: bytes, bigEndian: view.bigEndian)
        var notes: [ELFNote] = []
        var offset = 0
        while offset < bytes.count, notes.count < 1024 {
            var nhdr = GElf_Nhdr()
            var nameOffset = 0
            var descOffset = 0
            let next = gelf_getnote(data, offset, &nhdr, &nameOffset, &descOffset)
            guard next > offset else { break }
            let nameBytes = descriptorView.slice(offset: UInt64(nameOffset), length: UInt64(nhdr.n_namesz))
            let owner = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            let descriptor = descriptorView.slice(offset: UInt64(descOffset), length: UInt64(nhdr.n_descsz))
            let type = ELFNames.noteType(owner: owner, type: nhdr.n_type)
            var value = hexString(descriptor.prefix(64))
            if type == "GNU_ABI_TAG", descriptor.count >= 16 {
                let words = (0..<4).compactMap { descriptorView.unsigned(at: UInt64(descOffset + $0 * 4), width: 4) }
                if words.count == 4 {
                    let os = ["Linux", "Hurd", "Solaris", "FreeBSD"].indices.contains(Int(words[0])) ? ["Linux", "Hurd", "Solaris", "FreeBSD"][Int(words[0])] : "OS \(words[0])"
                    value = "\(os) \(words[1]).\(words[2]).\(words[3])"
                }
            }
            notes.append(ELFNote(owner: owner, typeNumber: nhdr.n_type, type: type, value: value, section: section))
            offset = next
        }
        return notes
    }
}

/// Builds small little-endian ELF64 x86-64 shared objects byte by byte, so tests can make the
/// malformed files a hostile tree holds (section headers past the end, overlapping sections,
/// lying entry sizes, …) without a toolchain, exactly and deterministically.
public struct ELFBytes {
    /// One section to lay out. `offset` is chosen by ``build()`` unless set.
    public struct Section {
        public var name: String
        public var type: UInt32
        public var flags: UInt64
        public var address: UInt64
        public var contents: [UInt8]
        public var link: UInt32
        public var info: UInt32
        public var alignment: UInt64
        public var entrySize: UInt64

        public init(name: String, type: UInt32, flags: UInt64 = 0, address: UInt64 = 0, contents: [UInt8],
                    link: UInt32 = 0, info: UInt32 = 0, alignment: UInt64 = 8, entrySize: UInt64 = 0) {
            self.name = name
            self.type = type
            self.flags = flags
            self.address = address
            self.contents = contents
            self.link = link
            self.info = info
            self.alignment = alignment
            self.entrySize = entrySize
        }
    }

    /// Where each part of the built file lies, for tests that patch it.
    public struct Layout {
        public var sectionHeaderOffset: Int
        public var sectionHeaderCount: Int
        /// File offset of each section's contents, by index (index 0, the null section, is 0).
        public var sectionOffsets: [Int]

        /// The file offset of section header `index`.
        public func headerOffset(of index: Int) -> Int { sectionHeaderOffset + index * 64 }
    }

    public static let SHT_PROGBITS: UInt32 = 1
    public static let SHT_SYMTAB: UInt32 = 2
    public static let SHT_STRTAB: UInt32 = 3
    public static let SHT_RELA: UInt32 = 4
    public static let SHT_DYNAMIC: UInt32 = 6
    public static let SHT_DYNSYM: UInt32 = 11
    public static let SHF_ALLOC: UInt64 = 2
    public static let SHF_EXECINSTR: UInt64 = 4

    /// Sections after the null section; `.shstrtab` is appended by ``build()``.
    public var sections: [Section]

    public init(sections: [Section]) {
        self.sections = sections
    }

    /// The file: ELF header, section contents in order, `.shstrtab`, then the section headers.
    public func build() -> (bytes: [UInt8], layout: Layout) {
        var names: [UInt8] = [0]
        var nameOffsets: [UInt32] = []
        for section in sections + [Section(name: ".shstrtab", type: Self.SHT_STRTAB, contents: [])] {
            nameOffsets.append(UInt32(names.count))
            names += Array(section.name.utf8) + [0]
        }
        var all = sections
        all.append(Section(name: ".shstrtab", type: Self.SHT_STRTAB, contents: names, alignment: 1))

        var bytes = [UInt8](repeating: 0, count: 64)
        var offsets = [0]
        for section in all {
            let alignment = Int(max(1, section.alignment))
            while bytes.count % alignment != 0 { bytes.append(0) }
            offsets.append(bytes.count)
            bytes += section.contents
        }
        while bytes.count % 8 != 0 { bytes.append(0) }
        let headerOffset = bytes.count
        bytes += [UInt8](repeating: 0, count: 64)   // the null section header
        for (index, section) in all.enumerated() {
            var header: [UInt8] = []
            header.appendLittle(UInt64(nameOffsets[index]), width: 4)
            header.appendLittle(UInt64(section.type), width: 4)
            header.appendLittle(section.flags, width: 8)
            header.appendLittle(section.address, width: 8)
            header.appendLittle(UInt64(offsets[index + 1]), width: 8)
            header.appendLittle(UInt64(section.contents.count), width: 8)
            header.appendLittle(UInt64(section.link), width: 4)
            header.appendLittle(UInt64(section.info), width: 4)
            header.appendLittle(section.alignment, width: 8)
            header.appendLittle(section.entrySize, width: 8)
            bytes += header
        }
        let count = all.count + 1
        // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, System V.
        bytes.replaceSubrange(0..<16, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        bytes.patchLittle(3, at: 16, width: 2)                       // e_type ET_DYN
        bytes.patchLittle(62, at: 18, width: 2)                      // e_machine EM_X86_64
        bytes.patchLittle(1, at: 20, width: 4)                       // e_version
        bytes.patchLittle(UInt64(headerOffset), at: 40, width: 8)    // e_shoff
        bytes.patchLittle(64, at: 52, width: 2)                      // e_ehsize
        bytes.patchLittle(64, at: 58, width: 2)                      // e_shentsize
        bytes.patchLittle(UInt64(count), at: 60, width: 2)           // e_shnum
        bytes.patchLittle(UInt64(count - 1), at: 62, width: 2)       // e_shstrndx
        return (bytes, Layout(sectionHeaderOffset: headerOffset, sectionHeaderCount: count, sectionOffsets: offsets))
    }

    // MARK: Record builders

    /// A string table: NUL, then each name NUL-terminated. Returns the bytes and each name's offset.
    public static func stringTable(_ names: [String]) -> (bytes: [UInt8], offsets: [String: UInt32]) {
        var bytes: [UInt8] = [0]
        var offsets: [String: UInt32] = [:]
        for name in names {
            offsets[name] = UInt32(bytes.count)
            bytes += Array(name.utf8) + [0]
        }
        return (bytes, offsets)
    }

    /// One `Elf64_Sym`: global function (`STT_FUNC`, `STB_GLOBAL`) in section `sectionIndex`.
    public static func symbol(name: UInt32, value: UInt64, size: UInt64, sectionIndex: UInt16, info: UInt8 = 0x12) -> [UInt8] {
        var record: [UInt8] = []
        record.appendLittle(UInt64(name), width: 4)
        record.append(info)
        record.append(0)
        record.appendLittle(UInt64(sectionIndex), width: 2)
        record.appendLittle(value, width: 8)
        record.appendLittle(size, width: 8)
        return record
    }

    /// One `Elf64_Dyn`.
    public static func dynamic(tag: Int64, value: UInt64) -> [UInt8] {
        var record: [UInt8] = []
        record.appendLittle(UInt64(bitPattern: tag), width: 8)
        record.appendLittle(value, width: 8)
        return record
    }

    /// One `Elf64_Rela`: `type` against symbol `symbol` at `offset`.
    public static func rela(offset: UInt64, type: UInt32, symbol: UInt32 = 0, addend: Int64 = 0) -> [UInt8] {
        var record: [UInt8] = []
        record.appendLittle(offset, width: 8)
        record.appendLittle(UInt64(symbol) << 32 | UInt64(type), width: 8)
        record.appendLittle(UInt64(bitPattern: addend), width: 8)
        return record
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as `width` little-endian bytes.
    public mutating func appendLittle(_ value: UInt64, width: Int) {
        for index in 0..<width { append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    /// Overwrites `width` bytes at `offset` with `value`, little-endian.
    public mutating func patchLittle(_ value: UInt64, at offset: Int, width: Int) {
        for index in 0..<width { self[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }
}

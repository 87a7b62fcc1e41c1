/// Malformed ELF files built byte by byte: each is a small, valid x86-64 shared object with one
/// thing made wrong the way a hostile file would, to mislead one parser while another loads it.
public enum HostileELF {
    /// Section indices of ``base()``.
    public enum Index {
        public static let text = 1
        public static let symtab = 2
        public static let strtab = 3
        public static let dynamic = 4
        public static let data = 5
        public static let relaDyn = 6
        public static let shstrtab = 7
    }

    /// The well-formed object every oddity starts from: `.text` with a function symbol
    /// `resolver_fn`, `.dynamic` needing `libc.so.6`, `.data` with one RELATIVE relocation.
    public static func sections(dynamicTerminated: Bool = true, relocationOffset: UInt64 = 0x3000) -> [ELFBytes.Section] {
        let strings = ELFBytes.stringTable(["resolver_fn", "libc.so.6"])
        var symbols = [UInt8](repeating: 0, count: 24)
        symbols += ELFBytes.symbol(name: strings.offsets["resolver_fn"] ?? 0, value: 0x1000, size: 16, sectionIndex: UInt16(Index.text))
        var dynamic = ELFBytes.dynamic(tag: 1, value: UInt64(strings.offsets["libc.so.6"] ?? 0))
        if dynamicTerminated { dynamic += ELFBytes.dynamic(tag: 0, value: 0) }
        return [
            .init(name: ".text", type: ELFBytes.SHT_PROGBITS, flags: ELFBytes.SHF_ALLOC | ELFBytes.SHF_EXECINSTR, address: 0x1000,
                  contents: [UInt8](repeating: 0xc3, count: 16), alignment: 16),
            .init(name: ".symtab", type: ELFBytes.SHT_SYMTAB, contents: symbols, link: UInt32(Index.strtab), info: 1, entrySize: 24),
            .init(name: ".strtab", type: ELFBytes.SHT_STRTAB, contents: strings.bytes, alignment: 1),
            .init(name: ".dynamic", type: ELFBytes.SHT_DYNAMIC, flags: ELFBytes.SHF_ALLOC | 1, address: 0x2000,
                  contents: dynamic, link: UInt32(Index.strtab), entrySize: 16),
            .init(name: ".data", type: ELFBytes.SHT_PROGBITS, flags: ELFBytes.SHF_ALLOC | 1, address: 0x3000,
                  contents: [UInt8](repeating: 0, count: 16)),
            .init(name: ".rela.dyn", type: ELFBytes.SHT_RELA, flags: ELFBytes.SHF_ALLOC, address: 0x4000,
                  contents: ELFBytes.rela(offset: relocationOffset, type: 8, addend: 0x1000), link: UInt32(Index.symtab), entrySize: 24),
        ]
    }

    public static func base() -> (bytes: [UInt8], layout: ELFBytes.Layout) {
        ELFBytes(sections: sections()).build()
    }

    /// `e_shoff` points 4 KiB past the end of the file.
    public static func sectionHeadersPastEnd() -> [UInt8] {
        var (bytes, _) = base()
        bytes.patchLittle(UInt64(bytes.count + 4096), at: 40, width: 8)
        return bytes
    }

    /// `.data` claims the same file bytes as `.text`.
    public static func overlappingSections() -> [UInt8] {
        var (bytes, layout) = base()
        bytes.patchLittle(UInt64(layout.sectionOffsets[Index.text]), at: layout.headerOffset(of: Index.data) + 24, width: 8)
        return bytes
    }

    /// `e_shnum` is 0; the real count is in section 0's `sh_size` (extended numbering).
    public static func extendedSectionCount() -> [UInt8] {
        var (bytes, layout) = base()
        bytes.patchLittle(0, at: 60, width: 2)
        bytes.patchLittle(UInt64(layout.sectionHeaderCount), at: layout.headerOffset(of: 0) + 32, width: 8)
        return bytes
    }

    /// `.symtab` says its entries are 7 bytes long.
    public static func lyingSymbolEntrySize() -> [UInt8] {
        var (bytes, layout) = base()
        bytes.patchLittle(7, at: layout.headerOffset(of: Index.symtab) + 56, width: 8)
        return bytes
    }

    /// `.strtab`'s last byte is `A`, not NUL: its last string runs off the table.
    public static func unterminatedStringTable() -> [UInt8] {
        var (bytes, layout) = base()
        let strings = ELFBytes.stringTable(["resolver_fn", "libc.so.6"]).bytes
        bytes[layout.sectionOffsets[Index.strtab] + strings.count - 1] = 0x41
        return bytes
    }

    /// `.dynamic` has no `DT_NULL` entry.
    public static func dynamicWithoutTerminator() -> [UInt8] {
        ELFBytes(sections: sections(dynamicTerminated: false)).build().bytes
    }

    /// The relocation's place is in no section.
    public static func relocationsOutsideSections() -> [UInt8] {
        ELFBytes(sections: sections(relocationOffset: 0xdead_0000)).build().bytes
    }

    /// Every oddity by file name.
    public static var all: [(String, [UInt8])] {
        [
            ("section-headers-past-end.so", sectionHeadersPastEnd()),
            ("overlapping-sections.so", overlappingSections()),
            ("extended-section-count.so", extendedSectionCount()),
            ("lying-symbol-entsize.so", lyingSymbolEntrySize()),
            ("unterminated-strtab.so", unterminatedStringTable()),
            ("dynamic-without-dt-null.so", dynamicWithoutTerminator()),
            ("relocations-outside-sections.so", relocationsOutsideSections()),
        ]
    }

    /// A phrase the model's problems must contain for each file of ``all``.
    public static let expectedProblems: [(String, String)] = [
        ("section-headers-past-end.so", "lies past the end of the file"),
        ("overlapping-sections.so", "overlap in the file"),
        ("extended-section-count.so", "extended numbering"),
        ("lying-symbol-entsize.so", "sh_entsize 7"),
        ("unterminated-strtab.so", "does not end with a NUL"),
        ("dynamic-without-dt-null.so", "no DT_NULL"),
        ("relocations-outside-sections.so", "outside every section"),
    ]
}

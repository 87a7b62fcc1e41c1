/// One entry of `.dynsym` or `.symtab`.
public struct ELFSymbol: Sendable, Hashable, Codable {
    public enum Table: String, Sendable, Codable { case dynsym, symtab }

    public var table: Table
    public var index: Int
    public var name: String
    /// `STT_*` without the prefix: `NOTYPE`, `OBJECT`, `FUNC`, `SECTION`, `FILE`, `TLS`, `IFUNC`, …
    public var type: String
    /// `STB_*` without the prefix: `LOCAL`, `GLOBAL`, `WEAK`, `UNIQUE`, …
    public var binding: String
    /// `STV_*` without the prefix: `DEFAULT`, `INTERNAL`, `HIDDEN`, `PROTECTED`.
    public var visibility: String
    /// The section index (`st_shndx`, after `SHN_XINDEX`); 0 means undefined.
    public var sectionIndex: UInt32
    public var value: UInt64
    public var size: UInt64
    /// The symbol version (`.gnu.version` with `_d`/`_r`), such as `GLIBC_2.2.5`.
    public var version: String?
    /// The version is hidden (`@` rather than `@@` for definitions).
    public var versionHidden = false

    public var isUndefined: Bool { sectionIndex == 0 }
    public var isIFUNC: Bool { type == "IFUNC" }
    /// A name the object asks another object to provide.
    public var isImport: Bool { table == .dynsym && isUndefined && !name.isEmpty }
    /// A name the object provides to others: defined in `.dynsym`, global or weak, not hidden.
    public var isExport: Bool {
        table == .dynsym && !isUndefined && !name.isEmpty
            && (binding == "GLOBAL" || binding == "WEAK" || binding == "UNIQUE")
            && (visibility == "DEFAULT" || visibility == "PROTECTED")
    }
}

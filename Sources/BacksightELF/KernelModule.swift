/// What a Linux loadable kernel module (`.ko`) says about itself: its `.modinfo` tags, the
/// signature appended after the ELF image, and the kernel symbols it imports.
///
/// A module is a relocatable object (`ET_REL`) with a `.modinfo` section and a
/// `.gnu.linkonce.this_module` section (the `struct module` the kernel fills in). Everything
/// here is read from the bytes as written; nothing is verified against a key.
public struct KernelModule: Sendable, Hashable, Codable {
    /// Every `key=value` of `.modinfo`, in file order (keys repeat: `alias`, `depends`, …).
    public var modinfo: [ModinfoEntry]
    /// The signature appended after the ELF image (`~Module signature appended~`), if any.
    public var signature: ModuleSignature?
    /// Kernel symbols the module needs: its undefined symbols, with the CRC `__versions`
    /// records for each name (modversions), in symbol-table order.
    public var imports: [KernelSymbolImport]

    /// The first value of a `.modinfo` key.
    public func value(of key: String) -> String? { modinfo.first { $0.key == key }?.value }

    public var name: String? { value(of: "name") }
    public var license: String? { value(of: "license") }
    public var vermagic: String? { value(of: "vermagic") }
    /// The kernel release vermagic names (its first word), such as `6.1.0-57-amd64`.
    public var kernelRelease: String? { vermagic?.split(separator: " ").first.map(String.init) }
    /// Modules this one needs (`depends=a,b`).
    public var depends: [String] {
        (value(of: "depends") ?? "").split(separator: ",").map(String.init)
    }
    /// `livepatch=Y`: a live patch, which redirects kernel functions by design.
    public var isLivepatch: Bool { value(of: "livepatch") == "Y" }
    /// `intree=Y`: built from the kernel's own source tree.
    public var isInTree: Bool { value(of: "intree") == "Y" }
    /// `retpoline=Y`: built with retpoline thunks.
    public var hasRetpoline: Bool { value(of: "retpoline") == "Y" }

    /// Whether `model` is a loadable kernel module: `ET_REL` with `.modinfo` and
    /// `.gnu.linkonce.this_module`.
    public static func isModule(_ model: ELFModel) -> Bool {
        model.header.type == "REL" && model.section(named: ".modinfo") != nil
            && model.section(named: ".gnu.linkonce.this_module") != nil
    }

    /// Reads the module facts of `model`, whose bytes are `bytes`; nil when it is no module.
    public static func read(_ model: ELFModel, bytes: UnsafeRawBufferPointer) -> KernelModule? {
        guard isModule(model) else { return nil }
        let view = ByteView(bytes: bytes, bigEndian: !model.header.isLittleEndian)
        return KernelModule(modinfo: modinfo(model, view: view),
                            signature: ModuleSignature.read(bytes, bigEndian: !model.header.isLittleEndian),
                            imports: imports(model, view: view))
    }

    private static func modinfo(_ model: ELFModel, view: ByteView) -> [ModinfoEntry] {
        guard let section = model.section(named: ".modinfo"), section.hasFileBytes else { return [] }
        let region = view.slice(offset: section.offset, length: section.size)
        return region.split(separator: 0).compactMap { field in
            let text = String(decoding: field, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { return nil }
            return ModinfoEntry(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        }
    }

    /// `__versions` holds `struct modversion_info { unsigned long crc; char name[64 - sizeof(long)]; }`.
    private static func imports(_ model: ELFModel, view: ByteView) -> [KernelSymbolImport] {
        var crcs: [String: UInt64] = [:]
        if let versions = model.section(named: "__versions"), versions.hasFileBytes {
            let word = model.header.is64Bit ? 8 : 4
            let recordSize: UInt64 = 64
            var offset: UInt64 = 0
            while offset < versions.size, versions.size - offset >= recordSize {
                guard let start = versions.offset.adding(offset),
                      let crc = view.unsigned(at: start, width: word),
                      let nameStart = start.adding(UInt64(word)),
                      let name = view.cString(at: nameStart, limit: 64 - word) else { break }
                if !name.isEmpty, crcs[name] == nil { crcs[name] = crc }
                offset += recordSize
            }
        }
        var seen: Set<String> = []
        return model.symbols.compactMap { symbol in
            guard symbol.table == .symtab, symbol.isUndefined, !symbol.name.isEmpty, seen.insert(symbol.name).inserted else { return nil }
            return KernelSymbolImport(name: symbol.name, crc: crcs[symbol.name])
        }
    }
}

/// One `key=value` string of `.modinfo`.
public struct ModinfoEntry: Sendable, Hashable, Codable {
    public var key: String
    public var value: String
}

/// A kernel symbol a module imports, with its modversions CRC when `__versions` lists it.
public struct KernelSymbolImport: Sendable, Hashable, Codable {
    public var name: String
    public var crc: UInt64?
}

/// The signature the kernel's `sign-file` appends to a module:
/// `[PKCS#7 signature][struct module_signature (12 bytes)]["~Module signature appended~\n"]`.
public struct ModuleSignature: Sendable, Hashable, Codable {
    /// `module_signature.id_type`: 2 is PKCS#7, the only kind current kernels accept.
    public var idType: UInt8
    /// The hash algorithm as `module_signature.hash` numbers it, when the PKCS#7 blob does not say.
    public var hashAlgorithm: String?
    /// The signature's length in bytes.
    public var length: UInt64
    /// Where the signature starts in the file (the ELF image ends there).
    public var offset: UInt64
    /// The first common name (`CN=`) in the PKCS#7 blob: the signing certificate's issuer, such
    /// as `Debian Secure Boot CA`.
    public var signer: String?

    static let magic = Array("~Module signature appended~\n".utf8)

    /// Reads the signature at the end of `bytes`; nil when there is none or it does not fit.
    static func read(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool) -> ModuleSignature? {
        let trailer = 12
        guard bytes.count >= magic.count + trailer else { return nil }
        let magicStart = bytes.count - magic.count
        guard zip(bytes[magicStart...], magic).allSatisfy({ $0 == $1 }) else { return nil }
        let header = magicStart - trailer
        // struct module_signature { u8 algo, hash, id_type, signer_len, key_id_len, pad[3]; __be32 sig_len; }
        let view = ByteView(bytes: bytes, bigEndian: true)
        guard let length = view.unsigned(at: UInt64(header + 8), width: 4), length <= UInt64(header) else { return nil }
        let start = UInt64(header) - length
        let blob = view.slice(offset: start, length: length)
        let hashNames = ["md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224"]
        let hash = Int(bytes[header + 1])
        return ModuleSignature(idType: bytes[header + 2],
                               hashAlgorithm: bytes[header + 2] == 2 ? nil : (hash < hashNames.count ? hashNames[hash] : nil),
                               length: length, offset: start, signer: firstCommonName(in: blob))
    }

    /// The first `CN` attribute (OID 2.5.4.3) in DER bytes, when it is a short printable string.
    private static func firstCommonName(in der: UnsafeRawBufferPointer) -> String? {
        let oid: [UInt8] = [0x06, 0x03, 0x55, 0x04, 0x03]
        guard let at = firstOffset(of: oid, in: der) else { return nil }
        let tagAt = at + oid.count
        guard tagAt + 2 <= der.count, [0x0c, 0x13, 0x16].contains(der[tagAt]) else { return nil }
        let length = Int(der[tagAt + 1])
        guard length < 0x80, tagAt + 2 + length <= der.count else { return nil }
        let text = der[(tagAt + 2)..<(tagAt + 2 + length)]
        guard text.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }
}

/// The signatures that start an archive or a compressed stream libarchive reads, checked on
/// the first bytes of a file (or of decoded content) before anything is decoded.
enum ArchiveSignature {
    /// The archive format whose signature starts `bytes`, if any (an RPM reads as the cpio
    /// inside it). `ar` is left out: only packages are opened, by the package reader.
    static func archive(_ bytes: UnsafeRawBufferPointer) -> ArchiveReader.Formats? {
        if has(bytes, at: 257, Array("ustar".utf8)) { return .tar }
        if has(bytes, at: 0, Array("07070".utf8)), bytes.count > 5, [UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "7")].contains(bytes[5]) {
            return .cpio
        }
        if has(bytes, at: 0, [0xC7, 0x71]) || has(bytes, at: 0, [0x71, 0xC7]) { return .cpio }
        if has(bytes, at: 0, [0xED, 0xAB, 0xEE, 0xDB]) { return .cpio }
        if has(bytes, at: 0, [0x50, 0x4B, 0x03, 0x04]) || has(bytes, at: 0, [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if has(bytes, at: 0, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if has(bytes, at: 0x8001, Array("CD001".utf8)) { return .iso9660 }
        return nil
    }

    /// The compression whose signature starts `bytes`, for those libarchive decodes and the
    /// unpacker's own decoder does not (xz and LZMA_Alone are recognised apart).
    static func compression(_ bytes: UnsafeRawBufferPointer) -> String? {
        if has(bytes, at: 0, [0x1F, 0x8B, 0x08]) { return "gzip" }
        if has(bytes, at: 0, Array("BZh".utf8)), bytes.count > 10, (0x31...0x39).contains(bytes[3]),
           has(bytes, at: 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || has(bytes, at: 4, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]) {
            return "bzip2"
        }
        if has(bytes, at: 0, [0x28, 0xB5, 0x2F, 0xFD]) { return "zstd" }
        if has(bytes, at: 0, [0x04, 0x22, 0x4D, 0x18]) { return "lz4" }
        if has(bytes, at: 0, Array("LZIP".utf8)) { return "lzip" }
        return nil
    }

    static func has(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ signature: [UInt8]) -> Bool {
        guard offset >= 0, bytes.count - offset >= signature.count else { return false }
        for index in signature.indices where bytes[offset + index] != signature[index] { return false }
        return true
    }
}

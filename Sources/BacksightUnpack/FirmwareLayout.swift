import BacksightELF

/// Where a firmware blob keeps its file systems: a SquashFS image or a cpio archive (plain or
/// compressed) at an offset, behind a uImage, TRX or vendor header, or padding. Found by magic
/// and checked headers only; reading them is the readers' work.
struct FirmwareLayout {
    /// One image inside the blob.
    struct Image: Hashable {
        enum Kind: Hashable {
            /// A SquashFS 4 image of `length` bytes (the super block's bytes used).
            case squashfs(length: Int)
            /// A cpio archive (newc or crc), read to its trailer.
            case cpio
            /// A compressed stream (`gzip`, `xz`, `zstd`) that may hold a cpio.
            case compressed(String)
        }

        var offset: Int
        var kind: Kind
    }

    /// What precedes the first image: `uImage`, `TRX`, `Android boot` or `vendor header`.
    var header: String
    var images: [Image]

    /// Candidates tried per blob at most (each costs a header check or a short decode).
    static let candidateLimit = 16

    /// The images in `bytes` after offset 0 (an image at 0 is read as a container already), or
    /// nil when there is none.
    static func find(in bytes: UnsafeRawBufferPointer) -> FirmwareLayout? {
        var images: [Image] = []
        for offset in occurrences(of: SquashfsReader.magic, in: bytes) where offset > 0 {
            guard let length = squashfsLength(bytes, at: offset) else { continue }
            images.append(Image(offset: offset, kind: .squashfs(length: length)))
        }
        for magic in ["070701", "070702"] {
            for offset in occurrences(of: Array(magic.utf8), in: bytes) where offset > 0 && isNewcHeader(bytes, at: offset) {
                images.append(Image(offset: offset, kind: .cpio))
            }
        }
        for offset in occurrences(of: [0x1F, 0x8B, 0x08], in: bytes) where offset > 0 && offset + 10 <= bytes.count && bytes[offset + 3] & 0xE0 == 0 {
            images.append(Image(offset: offset, kind: .compressed("gzip")))
        }
        for offset in occurrences(of: StreamHeaders.xzMagic, in: bytes) where offset > 0 && StreamHeaders.xzCheck(at: offset, in: bytes) != nil {
            images.append(Image(offset: offset, kind: .compressed("xz")))
        }
        for offset in occurrences(of: [0x28, 0xB5, 0x2F, 0xFD], in: bytes) where offset > 0 {
            images.append(Image(offset: offset, kind: .compressed("zstd")))
        }
        guard !images.isEmpty else { return nil }
        images.sort { $0.offset < $1.offset }
        return FirmwareLayout(header: headerName(bytes), images: Array(images.prefix(candidateLimit)))
    }

    static func headerName(_ bytes: UnsafeRawBufferPointer) -> String {
        if ArchiveSignature.has(bytes, at: 0, [0x27, 0x05, 0x19, 0x56]) { return "uImage" }
        if ArchiveSignature.has(bytes, at: 0, Array("HDR0".utf8)) { return "TRX" }
        if ArchiveSignature.has(bytes, at: 0, Array("ANDROID!".utf8)) { return "Android boot" }
        if bytes.first == 0 || bytes.first == 0xFF { return "padding" }
        return "vendor header"
    }

    /// The length of a SquashFS 4 image at `offset`, when its super block is sane: version 4.0,
    /// a block size that is a power of two between 4 KiB and 1 MiB and agrees with its log, and
    /// bytes used that fit in what follows.
    static func squashfsLength(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard SquashfsReader.hasSuperBlock(bytes, at: offset), bytes.count - offset >= 96 else { return nil }
        let blockSize = StreamHeaders.readUInt32(bytes, at: offset + 12)
        let blockLog = UInt32(bytes[offset + 22]) | UInt32(bytes[offset + 23]) << 8
        guard blockSize >= 4096, blockSize <= 1 << 20, blockSize & (blockSize - 1) == 0, blockLog < 32, 1 << blockLog == blockSize else { return nil }
        let used = StreamHeaders.readUInt64(bytes, at: offset + 40)
        guard used >= 96, used <= UInt64(bytes.count - offset) else { return nil }
        return Int(used)
    }

    /// A newc/crc cpio header: its magic then 13 fields of 8 hex digits.
    static func isNewcHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard bytes.count - offset >= 110 else { return false }
        for index in offset + 6..<offset + 110 {
            let byte = bytes[index]
            guard (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) else { return false }
        }
        return true
    }

    /// Offsets of `needle` in `bytes`, at most ``candidateLimit``.
    static func occurrences(of needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> [Int] {
        var found: [Int] = []
        _ = firstOffset(of: needle, in: bytes) { offset in
            found.append(offset)
            return found.count >= candidateLimit
        }
        return found
    }
}

import CArchive
#if canImport(Glibc)
import Glibc
#endif

/// libarchive reads a cpio entry's name whole, into a buffer as large as the name size its header
/// states; in the newc and crc formats that is 8 hex digits, up to 4 GiB, and a hostile header
/// makes it allocate gigabytes (FuzzContainers found 2.4 GB under a gzip filter). libarchive also
/// resynchronises on damaged data, searching for the next header magic, so walking the headers
/// the way a sound archive lays them out is not enough: this looks at every newc header magic in
/// the archive's decoded bytes and finds the first header whose name size is over ``nameLimit``,
/// so the reading can stop before it. Bytes inside a member that happen to form such a header
/// stop the reading too: only hostile data holds one. The odc and binary formats state names in
/// 6 octal digits or 16 bits (at most 256 KiB) and need no check; tar's long names and pax
/// headers libarchive bounds itself.
struct CpioNameCheck {
    /// Longest name a header may state (Linux paths stop at 4096 bytes).
    static let nameLimit: UInt64 = 1 << 16
    static let headerSize = 110
    static let magic = Array("07070".utf8)

    /// The first header over the limit: where it starts in the decoded bytes, and its name size.
    private(set) var oversized: (offset: UInt64, nameSize: UInt64)?
    /// No more to check: the data is not a newc archive, or an oversized header was found.
    private(set) var finished = false
    /// The last bytes of the data so far, which may hold the start of a header.
    private var carry: [UInt8] = []
    /// Where `carry` starts in the decoded bytes.
    private var carryStart: UInt64 = 0
    private var started = false

    /// Checks the next decoded bytes.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        guard !finished, !chunk.isEmpty else { return }
        if !started {
            started = true
            guard ArchiveSignature.has(chunk, at: 0, Self.magic) else {
                finished = true
                return
            }
        }
        // A header starting in the bytes kept from before, then those in the chunk itself.
        let chunkStart = carryStart + UInt64(carry.count)
        if !carry.isEmpty {
            let joint = carry + Array(chunk.prefix(Self.headerSize - 1))
            joint.withUnsafeBytes { search($0, at: carryStart, startsBefore: carry.count) }
        }
        if !finished { search(chunk, at: chunkStart, startsBefore: chunk.count) }
        let kept = (carry + Array(chunk.suffix(Self.headerSize - 1))).suffix(Self.headerSize - 1)
        carryStart = chunkStart + UInt64(chunk.count) - UInt64(kept.count)
        carry = Array(kept)
    }

    /// Looks at the headers whose magic starts in `bytes` before `limit` and ends inside them;
    /// `offset` is where `bytes` start in the decoded data.
    private mutating func search(_ bytes: UnsafeRawBufferPointer, at offset: UInt64, startsBefore limit: Int) {
        guard let base = bytes.baseAddress else { return }
        var index = 0
        // memchr finds each candidate `0` quickly; the rest of the magic is compared here.
        while index < limit, let found = memchr(base + index, Int32(Self.magic[0]), limit - index) {
            let at = base.distance(to: UnsafeRawPointer(found))
            index = at + 1
            guard ArchiveSignature.has(bytes, at: at, Self.magic) else { continue }
            guard at + Self.headerSize <= bytes.count else { return }
            if let nameSize = Self.oversizedName(in: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Self.headerSize)])) {
                oversized = (offset + UInt64(at), nameSize)
                finished = true
                return
            }
        }
    }

    /// The name size a newc header states when it is over the limit (every field hex, as
    /// libarchive requires of a header it accepts).
    private static func oversizedName(in header: UnsafeRawBufferPointer) -> UInt64? {
        guard header[5] == UInt8(ascii: "1") || header[5] == UInt8(ascii: "2") else { return nil }
        var fields: [UInt64] = []
        for start in stride(from: 6, to: headerSize, by: 8) {
            guard let value = hex(header[start..<(start + 8)]) else { return nil }
            fields.append(value)
        }
        return fields[11] > nameLimit ? fields[11] : nil
    }

    private static func hex(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            guard let nibble = Int(String(UnicodeScalar(digit)), radix: 16) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    /// The first `count` decoded bytes of compressed `bytes` (fewer when the data ends first).
    static func decodedPrefix(_ bytes: UnsafeRawBufferPointer, count: Int) -> [UInt8]? {
        var prefix: [UInt8] = []
        let complete = withRawReader(bytes) { block in
            prefix += block.prefix(count - prefix.count)
            return prefix.count < count
        }
        return complete ? prefix : nil
    }

    /// Hands the decoded blocks of compressed `bytes` to `body` until it returns false; false
    /// when the data is not compressed or cannot be opened.
    private static func withRawReader(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard let start = bytes.baseAddress, let archive = backsight_archive_reader_new(UInt32(BACKSIGHT_ARCHIVE_RAW)) else { return false }
        defer { archive_read_free(archive) }
        var entry: OpaquePointer?
        guard archive_read_open_memory(archive, start, bytes.count) == ARCHIVE_OK,
              archive_read_next_header(archive, &entry) == ARCHIVE_OK, archive_filter_count(archive) > 1 else { return false }
        while true {
            var block: UnsafeRawPointer?
            var count = 0
            var offset: la_int64_t = 0
            guard archive_read_data_block(archive, &block, &count, &offset) == ARCHIVE_OK, let block else { break }
            if !body(UnsafeRawBufferPointer(start: block, count: count)) { break }
        }
        return true
    }

    /// Checks the archive in `bytes`, decoding it (any filter libarchive reads) when it is
    /// compressed; at most `outputLimit` decoded bytes are looked at. Nothing is decoded past
    /// the first block unless that block starts a newc archive.
    static func check(_ bytes: UnsafeRawBufferPointer, outputLimit: UInt64) -> (offset: UInt64, nameSize: UInt64)? {
        var check = CpioNameCheck()
        if ArchiveSignature.has(bytes, at: 0, magic) {
            check.feed(bytes)
            return check.oversized
        }
        var seen: UInt64 = 0
        _ = withRawReader(bytes) { block in
            check.feed(block)
            seen += UInt64(block.count)
            return !check.finished && seen < outputLimit
        }
        return check.oversized
    }
}

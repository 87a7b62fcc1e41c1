#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A place in a buffer where a compressed stream's header checks out.
public struct StreamCandidate: Sendable, Hashable {
    public var offset: Int
    public var format: CompressionFormat

    public init(offset: Int, format: CompressionFormat) {
        self.offset = offset
        self.format = format
    }
}

/// Finds xz and LZMA_Alone streams anywhere in a buffer by their magic bytes and a header check,
/// without decoding: one `memchr` pass for the xz magic's first byte and one for the first
/// byte of the common LZMA_Alone prefix. Cheap enough to run on every file.
public enum StreamCarver {
    /// The LZMA_Alone prefix searched for: properties `0x5D` (lc 3, lp 0, pb 2, what every
    /// encoder preset writes) and the two low bytes of a dictionary of 64 KiB or more.
    static let lzmaPrefix: [UInt8] = [0x5D, 0x00, 0x00]

    /// Candidates in offset order, at most `limit` of them: xz stream headers whose flags
    /// CRC32 holds, and plausible LZMA_Alone headers (see ``StreamHeaders``).
    public static func candidates(in bytes: UnsafeRawBufferPointer, limit: Int = 256) -> [StreamCandidate] {
        guard let base = bytes.baseAddress, bytes.count >= StreamHeaders.xzHeaderSize else { return [] }
        var found: [StreamCandidate] = []
        var position = 0
        while position < bytes.count, found.count < limit,
              let hit = memchr(base + position, 0xFD, bytes.count - position) {
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if StreamHeaders.xzCheck(at: offset, in: bytes) != nil { found.append(StreamCandidate(offset: offset, format: .xz)) }
            position = offset + 1
        }
        position = 0
        while position < bytes.count, found.count < limit,
              let hit = memchr(base + position, Int32(lzmaPrefix[0]), bytes.count - position) {
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if offset + 2 < bytes.count, bytes[offset + 1] == lzmaPrefix[1], bytes[offset + 2] == lzmaPrefix[2],
               StreamHeaders.isLZMAAloneHeader(at: offset, in: bytes) {
                found.append(StreamCandidate(offset: offset, format: .lzmaAlone))
            }
            position = offset + 1
        }
        return found.sorted { $0.offset < $1.offset }
    }
}

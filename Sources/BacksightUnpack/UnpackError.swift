/// Why decoding or reading a container stopped, with the offset where it happened. Offsets are
/// in the input given to the decoder or reader (the file's bytes, or the payload's).
public enum UnpackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended inside a stream that started at `start`.
    case truncated(format: CompressionFormat, start: UInt64, offset: UInt64)
    /// The decoder rejected the data at `offset` (a bad header, CRC or compressed data).
    case corrupt(format: CompressionFormat, start: UInt64, offset: UInt64, reason: String)
    /// The stream uses options the decoder does not support.
    case unsupportedOptions(format: CompressionFormat, start: UInt64, offset: UInt64)
    /// The stream needs more decoder memory than the limit allows.
    case memoryLimit(format: CompressionFormat, start: UInt64, needed: UInt64, limit: UInt64)
    /// Decoding stopped after `limit` bytes of output (a stream or file limit; a decompression bomb).
    case outputLimit(format: CompressionFormat, start: UInt64, limit: UInt64, consumed: UInt64)
    /// Bytes after the last stream that are neither padding nor another stream.
    case trailingData(format: CompressionFormat, offset: UInt64)
    /// A compression this build cannot decode.
    case unsupportedCompression(name: String, offset: UInt64)
    /// An archive that cannot be read (libarchive's reason). For a tar decoded from a compressed stream the
    /// offset counts in the decoded bytes, and `container` says so (`tar decoded from data.tar.xz`).
    case malformedContainer(container: String, offset: UInt64, reason: String)
    /// An archive's decoding stopped at the output limit (a bomb, or data larger than the limit).
    case containerOutputLimit(container: String, offset: UInt64, limit: UInt64)
    /// An archive's compressed stream asks for more decoder memory than the limit; not decoded.
    case containerMemoryLimit(container: String, offset: UInt64, needed: UInt64, limit: UInt64)
    /// An archive holds more members than the limit; the rest are not read.
    case memberCountLimit(container: String, offset: UInt64, limit: Int)
    /// An image blob (a layer, manifest or config) whose bytes do not have the digest that names it.
    /// The blob is still read: a layer tampered with after it was named is scanned, not hidden.
    case digestMismatch(blob: String, offset: UInt64, expected: String, actual: String)

    /// A stable code for reports: `truncated-stream`, `corrupt-stream`, `decoded-size-limit`, …
    public var code: String {
        switch self {
        case .truncated: return "truncated-stream"
        case .corrupt: return "corrupt-stream"
        case .unsupportedOptions: return "unsupported-stream-options"
        case .memoryLimit: return "decoder-memory-limit"
        case .outputLimit: return "decoded-size-limit"
        case .trailingData: return "trailing-data"
        case .unsupportedCompression: return "unsupported-compression"
        case .malformedContainer: return "malformed-container"
        case .containerOutputLimit: return "decoded-size-limit"
        case .containerMemoryLimit: return "decoder-memory-limit"
        case .memberCountLimit: return "member-count-limit"
        case .digestMismatch: return "digest-mismatch"
        }
    }

    /// The input offset the problem is reported at.
    public var offset: UInt64 {
        switch self {
        case let .truncated(_, _, offset), let .corrupt(_, _, offset, _), let .unsupportedOptions(_, _, offset),
             let .trailingData(_, offset), let .unsupportedCompression(_, offset), let .malformedContainer(_, offset, _),
             let .containerOutputLimit(_, offset, _), let .containerMemoryLimit(_, offset, _, _), let .memberCountLimit(_, offset, _),
             let .digestMismatch(_, offset, _, _):
            return offset
        case let .memoryLimit(_, start, _, _): return start
        case let .outputLimit(_, start, _, consumed): return start &+ consumed
        }
    }

    public var description: String {
        switch self {
        case let .truncated(format, start, offset):
            return "\(format) stream at offset \(start) is truncated: input ends at offset \(offset)"
        case let .corrupt(format, start, offset, reason):
            return "\(format) stream at offset \(start) is corrupt at offset \(offset): \(reason)"
        case let .unsupportedOptions(format, start, offset):
            return "\(format) stream at offset \(start) uses unsupported options (offset \(offset))"
        case let .memoryLimit(format, start, needed, limit):
            return "\(format) stream at offset \(start) needs \(needed) bytes of decoder memory, over the limit of \(limit)"
        case let .outputLimit(format, start, limit, consumed):
            return "\(format) stream at offset \(start): decoding stopped at the output limit of \(limit) bytes after \(consumed) input bytes"
                + " (a decompression bomb, or data larger than the limit)"
        case let .trailingData(format, offset):
            return "data that is not a \(format) stream follows the last stream, at offset \(offset)"
        case let .unsupportedCompression(name, offset):
            return "\(name) compression at offset \(offset) is not supported"
        case let .malformedContainer(container, offset, reason):
            return "\(container) at offset \(offset) cannot be read: \(reason)"
        case let .containerOutputLimit(container, offset, limit):
            return "\(container): decoding stopped at the output limit of \(limit) bytes, input offset \(offset)"
                + " (a decompression bomb, or data larger than the limit)"
        case let .containerMemoryLimit(container, offset, needed, limit):
            return "\(container) at offset \(offset) needs \(needed) bytes of decoder memory, over the limit of \(limit); not decoded"
        case let .memberCountLimit(container, offset, limit):
            return "\(container) holds more than \(limit) members; reading stopped at offset \(offset)"
        case let .digestMismatch(blob, offset, expected, actual):
            return "\(blob) at offset \(offset) is named \(expected) but its bytes hash to \(actual); read anyway"
        }
    }
}

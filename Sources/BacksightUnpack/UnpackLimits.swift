/// How far the unpacker may go with one file: decoder memory, decoded output, nesting.
///
/// Output limits count decoded bytes, not bytes kept: a container's members stream through and
/// only the member being analysed is held, so `memberSize` bounds memory and `fileOutput`
/// bounds time.
public struct UnpackLimits: Sendable, Hashable, Codable {
    /// Memory one decoder may use (liblzma's memlimit); a stream needing more is reported.
    public var decoderMemory: UInt64 = 128 << 20
    /// Decoded bytes one stream may produce.
    public var streamOutput: UInt64 = 1 << 30
    /// Decoded bytes one file on disk may produce in all, nested members and payloads included.
    public var fileOutput: UInt64 = 2 << 30
    /// Largest member or payload held for analysis; larger members are reported as too large.
    public var memberSize: UInt64 = 256 << 20
    /// How deep containers and payloads may nest (a `.deb` holding a `.ko.xz` is depth 2).
    public var depth: Int = 4
    /// Members one archive or image may hold; the rest are not read (a cpio of millions of
    /// empty entries is a bomb of its own).
    public var members: Int = 1 << 20
    /// Carved payloads kept per file (the rest are counted in a problem).
    public var payloadsPerFile: Int = 32
    /// Files larger than this are not tried for byte-pair swaps that would repair them.
    public var swapSearchInput: Int = 1 << 20

    public init() {}
}

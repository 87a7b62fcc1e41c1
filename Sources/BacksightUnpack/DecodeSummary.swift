/// What decoding one run of compressed data did: where it started, how much it read and wrote,
/// and why it stopped.
public struct DecodeSummary: Sendable, Hashable {
    public var format: CompressionFormat
    /// Where the first stream starts in the input.
    public var start: UInt64
    /// Input bytes read: every stream and the padding between them (for xz), up to the error.
    public var consumed: UInt64
    /// Output bytes produced (and given to the consumer).
    public var produced: UInt64
    /// Streams decoded completely (xz streams; 1 for the other formats).
    public var completeStreams: Int
    /// The integrity check of each complete xz stream, in order.
    public var checks: [XZCheck]
    /// Why decoding stopped early, or nil when the data decoded to its end.
    public var error: UnpackError?
    /// The consumer asked to stop before the end.
    public var stoppedByConsumer: Bool

    public init(format: CompressionFormat, start: UInt64) {
        self.format = format
        self.start = start
        consumed = 0
        produced = 0
        completeStreams = 0
        checks = []
        error = nil
        stoppedByConsumer = false
    }

    /// Decoded to the end with nothing going wrong.
    public var isComplete: Bool { error == nil && !stoppedByConsumer && completeStreams > 0 }

    /// Decoded to the end and every stream's own integrity check held (CRC32/CRC64/SHA-256 for
    /// xz). LZMA formats carry no check, so they never verify.
    public var integrityVerified: Bool {
        guard isComplete else { return false }
        switch format {
        case .xz: return !checks.isEmpty && !checks.contains(.none)
        case .lzmaAlone, .rawLZMA1, .rawLZMA2: return false
        }
    }
}

/// The limits one decoding run works under.
public struct DecodeLimits: Sendable, Hashable {
    /// Decoder memory (liblzma memlimit) per stream.
    public var memory: UInt64
    /// Output bytes for the whole run; decoding stops when it is reached.
    public var output: UInt64

    public init(memory: UInt64, output: UInt64) {
        self.memory = memory
        self.output = output
    }
}

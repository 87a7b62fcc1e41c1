import BacksightLimits

/// A file inside a container (a `.deb`, a tar, a compressed file), handed to the caller while
/// the container is read. The bytes of a `.file` are valid only during the callback.
public struct UnpackedMember {
    public enum Content {
        /// A regular file's bytes (valid during the callback only).
        case file(UnsafeRawBufferPointer)
        case symbolicLink(target: [UInt8])
        /// A hard link to an earlier member, named by its path inside the same container.
        case hardLink(target: [UInt8])
        /// Not read: `too-large`, `decoded-size-limit`, `not-regular-file`, `unsupported-compression`, …
        case skipped(reason: String, message: String)
    }

    /// The path inside the container, starting with `/` (`/usr/lib/x.so`, `/DEBIAN/postinst`,
    /// `/x.ko` for the content of `x.ko.xz`); bytes kept exactly as stored.
    public var path: [UInt8]
    public var content: Content
    /// The member's size as the container states it, if it states one.
    public var size: UInt64?
    /// For a file of a container image: the digest of the layer it comes from (`sha256:…`).
    public var layer: String? = nil
}

/// Bytes decoded from a stream found inside a file or inside another payload.
public struct DecodedPayload: Sendable {
    /// A name unique within its parent: `xz@0x1fd`, `lzma@0x0`, `swap-repaired`, `unsubstituted`.
    public var name: String
    /// Where the compressed data starts in the parent's bytes.
    public var offset: UInt64
    public var format: CompressionFormat
    /// How decoding went: input consumed, output produced, checks, errors.
    public var summary: DecodeSummary
    public var bytes: DecodedBytes
    /// Facts about this payload's own bytes (`shell-script-payload`, …).
    public var facts: [UnpackFact]
    /// Streams found inside this payload, recursively.
    public var payloads: [DecodedPayload]
    public var problems: [UnpackError]
}

/// What unpacking one file found besides its members.
public struct UnpackResult: Sendable {
    /// The container the file was read as: `deb`, `tar`, `tar.xz`, `cpio.gzip`, `zip`, `squashfs`, `oci`, `docker`,
    /// `xz`, `lzma` (a file compressed as a whole); nil for other files.
    public var container: String?
    /// Members reported through the callback.
    public var members: Int = 0
    /// Streams decoded from inside the file.
    public var payloads: [DecodedPayload] = []
    /// Facts about the file itself.
    public var facts: [UnpackFact] = []
    /// Streams or containers that could not be fully read, with offsets in the file.
    public var problems: [UnpackError] = []
    /// The member callback asked to stop.
    public var stopped = false

    public init() {}

    /// Whether the container is a software package (`.deb`, RPM): a part of a root filesystem,
    /// not a whole one. libarchive reads an RPM as a cpio behind an `rpm` filter (`cpio.xz.rpm`).
    public var isPackage: Bool {
        guard let container else { return false }
        return container == "deb" || container.split(separator: ".").contains("rpm")
    }
}

/// The decoding allowance of one file on disk, shared by everything nested inside it, and how
/// deep the unpacker is. Used by one thread at a time.
public final class UnpackBudget {
    public let limits: UnpackLimits
    /// Decoded bytes still allowed for this file.
    public private(set) var remainingOutput: UInt64
    /// Current nesting: 0 outside, 1 while unpacking the file, 2 inside a member or payload, …
    public private(set) var depth = 0
    /// The scan's shared memory budget, as the account of the thread analysing the file; large
    /// decodes whose size is declared up front are reserved in it. Nil: nothing is reserved.
    public let memory: MemoryBudget.Account?

    public init(limits: UnpackLimits, memory: MemoryBudget.Account? = nil) {
        self.limits = limits
        self.memory = memory
        remainingOutput = limits.fileOutput
    }

    /// The limits for the next decoding run: the stream limit or what is left for the file.
    var decodeLimits: DecodeLimits {
        DecodeLimits(memory: limits.decoderMemory, output: min(limits.streamOutput, remainingOutput))
    }

    func spend(_ bytes: UInt64) { remainingOutput -= min(bytes, remainingOutput) }

    /// Reserves in the memory budget, until the file's analysis ends, what decoding `size`
    /// bytes that are then kept and analysed holds: the output, and as much again for the
    /// decoder's dictionary (filled up to the output's size at most) or for the model built
    /// over the output afterwards. Nothing when the size is unknown.
    func reserveDecoding(_ size: UInt64?) {
        guard let size else { return }
        memory?.grow(by: Self.reservation(size))
    }

    /// Runs `body`, which reads an archive member of `size` bytes and has it analysed, holding
    /// as much of the memory budget as ``reserveDecoding(_:)`` would, and gives it back after:
    /// two threads each inside a large member no longer add up past the budget unseen.
    func holdingMember<Result>(_ size: UInt64, _ body: () -> Result) -> Result {
        guard let memory else { return body() }
        return memory.holding(Self.reservation(size), body)
    }

    /// What `size` decoded bytes hold of the budget: themselves and as much again.
    private static func reservation(_ size: UInt64) -> UInt64 { 2 * min(size, UInt64(Int32.max)) }

    /// Goes one level deeper; false (without going) when the depth limit is reached.
    func enter() -> Bool {
        guard depth < limits.depth else { return false }
        depth += 1
        return true
    }

    func leave() { depth = max(0, depth - 1) }
}

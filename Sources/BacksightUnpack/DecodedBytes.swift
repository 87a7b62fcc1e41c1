#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decoded bytes owned by one object: immutable once made, freed when the last reference goes.
///
/// ``buffer`` points into memory this object owns; it stays valid while the object is alive, so
/// keep a reference (`withExtendedLifetime`) for as long as the pointer is used.
public final class DecodedBytes: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer?
    public let count: Int

    init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    /// Copies `bytes` into a new owner.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        let accumulator = ByteAccumulator(limit: bytes.count)
        _ = accumulator.append(bytes)
        self.init(taking: accumulator)
    }

    /// Takes the accumulator's memory; the accumulator is left empty.
    convenience init(taking accumulator: ByteAccumulator) {
        let (base, count) = accumulator.release()
        self.init(base: base, count: count)
    }

    deinit { free(base) }

    /// The bytes, valid while this object is alive.
    public var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withExtendedLifetime(self) { try body(buffer) }
    }

    /// A copy as an array (for tests and small payloads).
    public var array: [UInt8] { Array(buffer) }
}

/// A growable byte buffer with a hard size limit, filled by decoders chunk by chunk.
final class ByteAccumulator {
    private var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0
    private(set) var count = 0
    /// The most bytes it will hold; `append` refuses what would go past it.
    let limit: Int

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    deinit { free(base) }

    /// Allocates room for `count` bytes (at most the limit) at once, when it has less: for
    /// output whose size is declared up front, so it is not grown by doubling past it.
    func reserveCapacity(_ count: Int) {
        let wanted = min(max(0, count), limit)
        guard wanted > capacity, let moved = realloc(base, wanted) else { return }
        base = moved
        capacity = wanted
    }

    /// Appends `bytes` unless that would exceed the limit (then appends nothing, returns false).
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return true }
        guard bytes.count <= limit - count else { return false }
        let needed = count + bytes.count
        if needed > capacity {
            var grown = max(capacity, 4096)
            while grown < needed { grown = grown > limit / 2 ? limit : grown * 2 }
            guard let moved = realloc(base, grown) else { return false }
            base = moved
            capacity = grown
        }
        guard let base, let source = bytes.baseAddress else { return false }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count = needed
        return true
    }

    /// The bytes so far (valid until the next append).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the contents, keeping the memory for reuse.
    func removeAll() { count = 0 }

    /// Hands the memory over (shrunk to fit) and leaves the accumulator empty.
    func release() -> (UnsafeMutableRawPointer?, Int) {
        var handed = base
        if let current = base, count < capacity, count > 0, let shrunk = realloc(current, count) { handed = shrunk }
        if count == 0 { free(handed); handed = nil }
        let result = (handed, count)
        base = nil
        capacity = 0
        count = 0
        return result
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file inside the root, opened by the walker without following links. Owns its
/// descriptor and closes it when released.
public final class OpenedFile: Sendable {
    public let path: RelativePath
    public let size: UInt64
    /// Device and inode, which identify hard links.
    public let device: UInt64
    public let inode: UInt64
    let descriptor: Int32

    init(path: RelativePath, descriptor: Int32, size: UInt64, device: UInt64, inode: UInt64) {
        self.path = path
        self.descriptor = descriptor
        self.size = size
        self.device = device
        self.inode = inode
    }

    deinit { close(descriptor) }

    /// Reads the whole file into `buffer` (at most `limit` bytes) and returns a view of it
    /// that stays valid until the buffer is used again. Read with `pread`, not `mmap`: a file
    /// truncated while it is scanned gives a short read, not a `SIGBUS`.
    public func read(into buffer: ReadBuffer, limit: UInt64) throws(FileReadError) -> UnsafeRawBufferPointer {
        try buffer.fill(from: descriptor, expectedSize: size, limit: limit)
    }

    /// How the file changed while it was being scanned, given how many bytes `read` gave
    /// with `limit`: fewer than its size when opened (it shrank), or a size now larger than
    /// that (it grew; only the bytes it had when opened were read). Nil when it did not.
    public func sizeChange(afterReading count: Int, limit: UInt64) -> SizeChange? {
        var info = stat()
        let now: UInt64? = fstat(descriptor, &info) == 0 ? UInt64(max(0, info.st_size)) : nil
        if UInt64(count) < min(size, limit) { return .shrank(listed: size, read: UInt64(count)) }
        if let now, now > size { return .grew(listed: size, now: now) }
        return nil
    }
}

/// A regular file whose size changed between being opened and being read.
public enum SizeChange: Sendable, Hashable, CustomStringConvertible {
    case shrank(listed: UInt64, read: UInt64)
    case grew(listed: UInt64, now: UInt64)

    public var description: String {
        switch self {
        case let .shrank(listed, read): return "changed during the scan: \(listed) bytes when opened, only \(read) could be read"
        case let .grew(listed, now): return "changed during the scan: grew from \(listed) to \(now) bytes; the first \(listed) were scanned"
        }
    }
}

/// Why a file's bytes could not be read.
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case readFailed(errno: Int32, offset: UInt64)

    public var description: String {
        switch self {
        case let .readFailed(code, offset): return "read failed at offset \(offset): \(errnoDescription(code))"
        }
    }
}

/// A reusable, growable byte buffer, one per scanning thread, so memory does not grow with
/// the number of files. Buffers above `retainedCapacity` are released after use.
public final class ReadBuffer {
    private var storage: UnsafeMutableRawBufferPointer
    private let retainedCapacity: Int

    public init(retainedCapacity: Int = 32 << 20) {
        self.retainedCapacity = retainedCapacity
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Releases a buffer grown past `retainedCapacity` for one large file.
    public func shrinkIfLarge() {
        guard storage.count > retainedCapacity else { return }
        storage.deallocate()
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    }

    /// A writable view of the first `count` bytes, growing the buffer when needed.
    public func prepare(count: Int) -> UnsafeMutableRawBufferPointer {
        if storage.count < count {
            storage.deallocate()
            storage = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
    }

    /// Reads up to `min(expectedSize, limit)` bytes: the size `fstat` gave when the file was
    /// opened. A file that shrank gives fewer bytes; one that grew is read as it was.
    func fill(from descriptor: Int32, expectedSize: UInt64, limit: UInt64) throws(FileReadError) -> UnsafeRawBufferPointer {
        let wanted = Int(clamping: min(expectedSize, limit))
        let target = prepare(count: wanted)
        var filled = 0
        while filled < wanted, let base = target.baseAddress {
            let got = pread(descriptor, base + filled, wanted - filled, off_t(filled))
            if got < 0 {
                if errno == EINTR { continue }
                throw .readFailed(errno: errno, offset: UInt64(filled))
            }
            if got == 0 { break }
            filled += got
        }
        return UnsafeRawBufferPointer(rebasing: target[0..<filled])
    }
}

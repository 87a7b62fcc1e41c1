#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Records every file and directory the walker and ``RootConfinedFileSystem`` open, as the
/// kernel resolved it (`/proc/self/fd/N` read right after the `open`), so a test or an
/// auditor can prove that nothing outside the scanned root was opened. Opt-in: when none is
/// given, nothing is recorded and nothing is paid.
public final class OpenRecorder: Sendable {
    /// One successful open.
    public struct Entry: Sendable, Hashable {
        /// The path inside the root that was meant (escaped as in reports).
        public var requested: String
        /// Where the kernel says the descriptor points, as raw bytes (a path may not be UTF-8);
        /// empty when the kernel cannot name it (a path longer than `PATH_MAX`).
        public var resolved: [UInt8]
        /// Device and inode of what was opened, from `fstat`: identifies it when there is no path.
        public var device: UInt64
        public var inode: UInt64

        /// The resolved path as text, non-UTF-8 bytes replaced.
        public var resolvedPath: String { String(decoding: resolved, as: UTF8.self) }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Every open so far, in order.
    public var opened: [Entry] { entries.withLock { $0 } }

    /// Records the open of `descriptor`, meant to be `requested`.
    func record(descriptor: Int32, requested: RelativePath) {
        let link = Array("/proc/self/fd/\(descriptor)".utf8)
        let resolved = link.withCString { readLinkTarget(directory: AT_FDCWD, path: $0) }
        var info = stat()
        let known = fstat(descriptor, &info) == 0
        let entry = Entry(requested: requested.description, resolved: resolved,
                          device: known ? UInt64(info.st_dev) : 0, inode: known ? UInt64(info.st_ino) : 0)
        entries.withLock { $0.append(entry) }
    }

    /// The entries whose resolved path is neither `root` itself nor below it, those without a
    /// path included (check them by inode). `root` is compared after resolving its own
    /// links, as the kernel reports paths.
    public func entries(outside root: String) -> [Entry] {
        var resolvedRoot = Array(root.utf8)
        if let real = realpath(root, nil) {
            resolvedRoot = Array(String(cString: real).utf8)
            free(real)
        }
        if resolvedRoot.count > 1, resolvedRoot.last == UInt8(ascii: "/") { resolvedRoot.removeLast() }
        let prefix = resolvedRoot == [UInt8(ascii: "/")] ? resolvedRoot : resolvedRoot + [UInt8(ascii: "/")]
        return opened.filter { entry in
            entry.resolved != resolvedRoot && !entry.resolved.starts(with: prefix)
        }
    }
}

/// Points where a test can act on the tree while the walker runs, to make races that a real
/// tree has only by bad luck (a file deleted or swapped between listing and opening, grown or
/// truncated between opening and reading) happen every time. Nil hooks cost nothing.
public struct WalkHooks: Sendable {
    /// Called after an entry was listed and `lstat`ed, before it is opened.
    public var beforeOpen: (@Sendable (RelativePath) -> Void)?
    /// Called after a regular file was opened and checked, before it is handed on to be read.
    public var afterOpen: (@Sendable (RelativePath) -> Void)?

    public init(beforeOpen: (@Sendable (RelativePath) -> Void)? = nil, afterOpen: (@Sendable (RelativePath) -> Void)? = nil) {
        self.beforeOpen = beforeOpen
        self.afterOpen = afterOpen
    }
}

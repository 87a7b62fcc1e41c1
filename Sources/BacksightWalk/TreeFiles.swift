#if canImport(Glibc)
import Glibc
#endif

/// The files of a root, as the checks that look around a file read them: a directory on disk
/// (``RootConfinedFileSystem``) or the files of an image held in memory (``MemoryTree``). Links
/// resolve inside the root, never outside.
public protocol TreeFiles: Sendable {
    /// Names the root (a path on disk, a container's path), for caches shared by a scan.
    var identity: String { get }
    /// Resolves `path` (absolute, or relative to the directory `base`) to a path inside the
    /// root with no links in it. The last component must exist.
    func resolve(_ path: [UInt8], relativeTo base: RelativePath) -> Result<RelativePath, RootConfinedFileSystem.ResolveError>
    /// Reads a regular file named by a path inside the root, at most `limit` bytes.
    func readFile(_ path: [UInt8], relativeTo base: RelativePath, limit: Int) -> Result<[UInt8], RootConfinedFileSystem.ResolveError>
}

extension TreeFiles {
    public func resolve(_ path: [UInt8]) -> Result<RelativePath, RootConfinedFileSystem.ResolveError> {
        resolve(path, relativeTo: RelativePath(bytes: []))
    }

    public func readFile(_ path: [UInt8], limit: Int) -> Result<[UInt8], RootConfinedFileSystem.ResolveError> {
        readFile(path, relativeTo: RelativePath(bytes: []), limit: limit)
    }
}

extension RootConfinedFileSystem: TreeFiles {
    public var identity: String { root }
}

/// A root held in memory: the members of an image (paths without a leading `/`), links with
/// their targets, and the bytes of the files whose content was kept. Directories are the
/// ancestors of the entries. Resolved chroot-style like ``RootConfinedFileSystem``; a file
/// whose content was not kept reads as unreadable.
public struct MemoryTree: TreeFiles {
    public enum Entry: Sendable, Hashable {
        /// A regular file, with its bytes when they were kept.
        case file([UInt8]?)
        case symlink(target: [UInt8])
        /// A device, FIFO or socket: never read.
        case other
    }

    public let identity: String
    private let entries: [[UInt8]: Entry]
    private let directories: Set<[UInt8]>
    public let maximumLinks = 40

    /// - Parameter entries: by path inside the root, without a leading `/` (`etc/passwd`).
    public init(identity: String, entries: [[UInt8]: Entry]) {
        self.identity = identity
        self.entries = entries
        var directories: Set<[UInt8]> = [[]]
        for path in entries.keys {
            for index in path.indices where path[index] == UInt8(ascii: "/") { directories.insert(Array(path[..<index])) }
        }
        self.directories = directories
    }

    public func resolve(_ path: [UInt8], relativeTo base: RelativePath) -> Result<RelativePath, RootConfinedFileSystem.ResolveError> {
        RootConfinedFileSystem.resolve(path, relativeTo: base, maximumLinks: maximumLinks) { candidate in
            switch entries[candidate.bytes] {
            case let .symlink(target)?: return .success((.symlink, target))
            case .file?: return .success((.regular, nil))
            case .other?: return .success((.unknown, nil))
            case nil: return directories.contains(candidate.bytes) ? .success((.directory, nil)) : .failure(.missing(candidate))
            }
        }
    }

    public func readFile(_ path: [UInt8], relativeTo base: RelativePath, limit: Int) -> Result<[UInt8], RootConfinedFileSystem.ResolveError> {
        let resolved: RelativePath
        switch resolve(path, relativeTo: base) {
        case let .success(value): resolved = value
        case let .failure(error): return .failure(error)
        }
        switch entries[resolved.bytes] {
        case let .file(bytes?)?: return .success(Array(bytes.prefix(max(0, limit))))
        case .file(nil)?: return .failure(.unreadable(resolved, errno: EFBIG))
        case .other?: return .failure(.notRegularFile(resolved, .unknown))
        default: return .failure(.notRegularFile(resolved, .directory))
        }
    }
}

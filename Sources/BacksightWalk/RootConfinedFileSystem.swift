#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves and reads paths inside a scanned root as if the root were `/` (chroot-style):
/// an absolute link target is taken relative to the root, `..` never climbs above it, and
/// link loops are cut. Used where analysis needs what a link or a configuration line names
/// (`etc/ld.so.preload` naming a library); nothing outside the root is ever opened.
public struct RootConfinedFileSystem: Sendable {
    public let root: String
    /// How many links one resolution may follow before it counts as a loop (Linux uses 40).
    public let maximumLinks: Int
    /// Receives every file and directory opened; nil, the default, costs nothing.
    public let openRecorder: OpenRecorder?

    public init(root: String, maximumLinks: Int = 40, openRecorder: OpenRecorder? = nil) {
        self.root = root
        self.maximumLinks = maximumLinks
        self.openRecorder = openRecorder
    }

    /// Why a path could not be resolved inside the root.
    public enum ResolveError: Error, Sendable, Equatable, CustomStringConvertible {
        case linkLoop(at: RelativePath)
        case missing(RelativePath)
        case notADirectory(RelativePath)
        case unreadable(RelativePath, errno: Int32)
        case notRegularFile(RelativePath, EntryKind)

        public var description: String {
            switch self {
            case let .linkLoop(path): return "\(path): too many levels of symbolic links (loop)"
            case let .missing(path): return "\(path): no such file inside the root"
            case let .notADirectory(path): return "\(path): not a directory"
            case let .unreadable(path, code): return "\(path): \(errnoDescription(code))"
            case let .notRegularFile(path, kind): return "\(path): \(kind.rawValue), not a regular file: never opened"
            }
        }
    }

    /// Resolves `path` (absolute, or relative to the directory `base`) to a path inside the
    /// root with no links in it. The last component must exist.
    public func resolve(_ path: [UInt8], relativeTo base: RelativePath = RelativePath(bytes: [])) -> Result<RelativePath, ResolveError> {
        Self.resolve(path, relativeTo: base, maximumLinks: maximumLinks) { candidate in
            var info = stat()
            let result = withRootPath(candidate) { lstat($0, &info) }
            if result != 0 {
                return .failure(errno == ENOENT ? .missing(candidate) : errno == ENOTDIR ? .notADirectory(candidate) : .unreadable(candidate, errno: errno))
            }
            let kind = EntryKind(mode: UInt32(info.st_mode))
            guard kind == .symlink else { return .success((kind, nil)) }
            return .success((kind, withRootPath(candidate) { readLinkTarget(directory: AT_FDCWD, path: $0) }))
        }
    }

    /// The resolution chroot-style over any tree: `entry` says what a path inside the root is
    /// (its kind, and a link's target), or why it cannot say.
    static func resolve(_ path: [UInt8], relativeTo base: RelativePath, maximumLinks: Int,
                        entry: (RelativePath) -> Result<(EntryKind, [UInt8]?), ResolveError>) -> Result<RelativePath, ResolveError> {
        var resolved: [[UInt8]] = path.first == UInt8(ascii: "/") ? [] : base.components
        var pending = Array(splitComponents(path).reversed())
        var linksFollowed = 0
        while let component = pending.popLast() {
            if component == [UInt8(ascii: ".")] { continue }
            if component == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                _ = resolved.popLast()
                continue
            }
            let candidate = resolved + [component]
            let candidatePath = RelativePath(bytes: Array(candidate.joined(separator: [UInt8(ascii: "/")])))
            let kind: EntryKind
            let target: [UInt8]?
            switch entry(candidatePath) {
            case let .success(found): (kind, target) = found
            case let .failure(error): return .failure(error)
            }
            if kind == .symlink {
                linksFollowed += 1
                if linksFollowed > maximumLinks { return .failure(.linkLoop(at: candidatePath)) }
                let target = target ?? []
                if target.first == UInt8(ascii: "/") { resolved = [] }
                pending += splitComponents(target).reversed()
                continue
            }
            if !pending.isEmpty, kind != .directory {
                return .failure(.notADirectory(candidatePath))
            }
            resolved = candidate
        }
        return .success(RelativePath(bytes: Array(resolved.joined(separator: [UInt8(ascii: "/")]))))
    }

    /// Reads a small file (a configuration file) named by a path inside the root, following
    /// links only inside the root. Anything but a regular file is refused without being opened.
    /// The file is opened one component at a time from the root's descriptor, none of them
    /// followed if it is a link, so a link swapped in after resolution cannot lead outside.
    public func readFile(_ path: [UInt8], relativeTo base: RelativePath = RelativePath(bytes: []), limit: Int = 1 << 20) -> Result<[UInt8], ResolveError> {
        let resolved: RelativePath
        switch resolve(path, relativeTo: base) {
        case let .success(value): resolved = value
        case let .failure(error): return .failure(error)
        }
        var listed = stat()
        guard withRootPath(resolved, { lstat($0, &listed) }) == 0 else { return .failure(.unreadable(resolved, errno: errno)) }
        let kind = EntryKind(mode: UInt32(listed.st_mode))
        guard kind == .regular else { return .failure(.notRegularFile(resolved, kind)) }
        let fd: Int32
        switch openConfined(resolved) {
        case let .success(descriptor): fd = descriptor
        case let .failure(error): return .failure(error)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, EntryKind(mode: UInt32(info.st_mode)) == .regular else {
            return .failure(.notRegularFile(resolved, EntryKind(mode: UInt32(info.st_mode))))
        }
        // Allocate what the file holds (up to the limit), not the limit: a library named by a
        // configuration line may be read with a limit of many megabytes.
        let bound = max(0, limit)
        let expected = info.st_size > 0 ? min(Int(info.st_size), bound) : min(bound, 1 << 16)
        var bytes = [UInt8](repeating: 0, count: expected)
        var filled = 0
        while filled < expected {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress.map { $0 + filled }, expected - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return .failure(.unreadable(resolved, errno: errno)) }
            if count == 0 { break }
            filled += count
        }
        return .success(filled == bytes.count ? bytes : Array(bytes[0..<filled]))
    }

    /// Opens a resolved path with `openat` from the root down, refusing a link at any step.
    private func openConfined(_ path: RelativePath) -> Result<Int32, ResolveError> {
        var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { return .failure(.unreadable(RelativePath(bytes: []), errno: errno)) }
        openRecorder?.record(descriptor: current, requested: RelativePath(bytes: []))
        let components = path.components
        var reached = RelativePath(bytes: [])
        for (index, component) in components.enumerated() {
            reached = reached.appending(component)
            let isLast = index == components.count - 1
            let flags = isLast ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            let next = component.withCString { openat(current, $0, flags) }
            let code = errno
            close(current)
            guard next >= 0 else {
                // ELOOP or ENOTDIR: the resolved path changed into a link since it was resolved.
                return .failure(code == ENOENT ? .missing(reached) : .unreadable(reached, errno: code))
            }
            openRecorder?.record(descriptor: next, requested: reached)
            current = next
        }
        return .success(current)
    }

    private static func splitComponents(_ path: [UInt8]) -> [[UInt8]] {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    private func withRootPath<Result>(_ path: RelativePath, _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        var full = Array(root.utf8)
        if !path.bytes.isEmpty {
            if full.last != UInt8(ascii: "/") { full.append(UInt8(ascii: "/")) }
            full += path.bytes
        }
        return full.withCString(body)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing the walker found.
public enum WalkItem: Sendable {
    /// A regular file, already opened (without following links) and ready to read.
    case file(OpenedFile)
    /// A symbolic link; never followed by the walk. `target` is what `readlink` says.
    case symlink(path: RelativePath, target: [UInt8])
    /// A further name of a file already scanned under `firstPath`.
    case hardLink(path: RelativePath, firstPath: RelativePath)
    /// An entry that was not read, and why.
    case skipped(path: RelativePath, kind: EntryKind, reason: SkipReason)
    /// A directory that ``WalkOptions/claimsDirectory`` claimed: not walked, handed on whole.
    /// The root itself may be one (`isRoot`; `path` is then the root's name).
    case claimedDirectory(path: RelativePath, isRoot: Bool)

    public var path: RelativePath {
        switch self {
        case let .file(file): return file.path
        case let .symlink(path, _), let .hardLink(path, _), let .skipped(path, _, _), let .claimedDirectory(path, _): return path
        }
    }
}

/// Limits of a walk.
public struct WalkOptions: Sendable {
    /// Files larger than this are reported as skipped, not read.
    public var maximumFileSize: UInt64 = 512 << 20
    /// Directories nested deeper than this are reported as skipped.
    public var maximumDepth = 256
    /// Stay on the root's filesystem, like `find -xdev` (mount points are reported as skipped).
    public var staysOnFilesystem = true
    /// Receives every file and directory the walk opens; nil, the default, costs nothing.
    public var openRecorder: OpenRecorder?
    /// Test hooks that change the tree at fixed points of the walk; nil costs nothing.
    public var hooks: WalkHooks?
    /// Given the names in a directory, whether it is one thing of its own (a container image
    /// layout) to hand on whole as a ``WalkItem/claimedDirectory(path:isRoot:)`` instead of walking it.
    public var claimsDirectory: (@Sendable ([[UInt8]]) -> Bool)?

    public init() {}
}

/// Why a walk could not start at all.
public enum WalkError: Error, Sendable, Equatable, CustomStringConvertible {
    case rootUnreadable(path: String, errno: Int32)
    case rootNotDirectoryOrFile(path: String, kind: EntryKind)

    public var description: String {
        switch self {
        case let .rootUnreadable(path, _), let .rootNotDirectoryOrFile(path, _): return "\(path): \(reason)"
        }
    }

    /// What is wrong with the root, without its path.
    public var reason: String {
        switch self {
        case let .rootUnreadable(_, code): return errnoDescription(code)
        case let .rootNotDirectoryOrFile(_, kind): return "is a \(kind.rawValue), not a directory or regular file"
        }
    }

    /// The same problem as a skip of the root entry.
    public var skipReason: SkipReason {
        switch self {
        case let .rootUnreadable(_, code): return code == ENOENT ? .vanished : .unreadable(errno: code)
        case let .rootNotDirectoryOrFile(_, kind): return .notRegularFile(kind)
        }
    }
}

/// Walks a directory tree depth first without ever following a symbolic link or leaving the
/// root: every directory and file is opened with `openat(…, O_NOFOLLOW)` relative to its
/// parent's descriptor, so a link swapped in during the walk cannot redirect it. FIFOs,
/// sockets and devices are reported, never opened. Hard-linked files are read once.
///
/// Memory is bounded by the nesting depth and the number of hard-linked inodes, not by the
/// number of files.
public struct Walker: Sendable {
    public let root: String
    public let options: WalkOptions

    public init(root: String, options: WalkOptions = WalkOptions()) {
        self.root = root
        self.options = options
    }

    /// Walks the tree, calling `visit` for every entry in a stable order (names sorted
    /// bytewise within a directory). `visit` returns false to stop the walk early.
    /// A root that is a regular file gives one `.file` item named after it.
    public func walk(_ visit: (WalkItem) -> Bool) throws(WalkError) {
        let rootStat = try checkRoot()
        switch EntryKind(mode: UInt32(rootStat.st_mode)) {
        case .regular:
            let name = Array(root.utf8.split(separator: UInt8(ascii: "/")).last ?? [])
            let fd = open(root, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw .rootUnreadable(path: root, errno: errno) }
            options.openRecorder?.record(descriptor: fd, requested: RelativePath(bytes: name))
            _ = visit(openedItem(fd: fd, path: RelativePath(bytes: name), expected: rootStat))
        case .directory:
            let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw .rootUnreadable(path: root, errno: errno) }
            options.openRecorder?.record(descriptor: fd, requested: RelativePath(bytes: []))
            walkTree(rootDescriptor: fd, rootStat: rootStat, visit)
        default:
            throw .rootNotDirectoryOrFile(path: root, kind: EntryKind(mode: UInt32(rootStat.st_mode)))
        }
    }

    /// Checks, without opening anything, that the root can be walked: a directory or a
    /// regular file. The root the user names is followed if it is a link: that is their
    /// choice, not the tree's.
    @discardableResult
    public func checkRoot() throws(WalkError) -> stat {
        var rootStat = stat()
        guard stat(root, &rootStat) == 0 else { throw .rootUnreadable(path: root, errno: errno) }
        let kind = EntryKind(mode: UInt32(rootStat.st_mode))
        guard kind == .regular || kind == .directory else { throw .rootNotDirectoryOrFile(path: root, kind: kind) }
        return rootStat
    }

    private struct Frame {
        let descriptor: Int32
        let path: RelativePath
        let device: UInt64
        let inode: UInt64
        var names: [[UInt8]]
        var next = 0
    }

    private func walkTree(rootDescriptor: Int32, rootStat: stat, _ visit: (WalkItem) -> Bool) {
        var hardLinks: [FileIdentity: RelativePath] = [:]
        var stack: [Frame] = []
        let rootDevice = UInt64(rootStat.st_dev)
        switch listDirectory(rootDescriptor) {
        case let .success(names) where options.claimsDirectory?(names) == true:
            close(rootDescriptor)
            let name = Array(root.utf8.split(separator: UInt8(ascii: "/")).last ?? [])
            _ = visit(.claimedDirectory(path: RelativePath(bytes: name), isRoot: true))
            return
        case let .success(names):
            stack.append(Frame(descriptor: rootDescriptor, path: RelativePath(bytes: []), device: rootDevice, inode: UInt64(rootStat.st_ino), names: names))
        case let .failure(error):
            close(rootDescriptor)
            _ = visit(.skipped(path: RelativePath(bytes: []), kind: .directory, reason: .unreadable(errno: error.code)))
            return
        }
        defer { for frame in stack { close(frame.descriptor) } }

        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].next < stack[top].names.count else {
                close(stack[top].descriptor)
                stack.removeLast()
                continue
            }
            let name = stack[top].names[stack[top].next]
            stack[top].next += 1
            let parent = stack[top].descriptor
            let path = stack[top].path.appending(name)

            var info = stat()
            let statResult = name.withCString { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }
            guard statResult == 0 else {
                let code = errno
                let item: WalkItem = code == ENOENT
                    ? .skipped(path: path, kind: .unknown, reason: .vanished)
                    : .skipped(path: path, kind: .unknown, reason: .unreadable(errno: code))
                if !visit(item) { return }
                continue
            }
            let kind = EntryKind(mode: UInt32(info.st_mode))
            let item: WalkItem?
            switch kind {
            case .directory:
                item = descend(into: name, parent: parent, path: path, info: info, rootDevice: rootDevice, stack: &stack)
            case .symlink:
                item = .symlink(path: path, target: name.withCString { readLinkTarget(directory: parent, path: $0) })
            case .regular:
                if UInt64(info.st_size) > options.maximumFileSize {
                    item = .skipped(path: path, kind: .regular, reason: .tooLarge(size: UInt64(info.st_size), limit: options.maximumFileSize))
                } else if info.st_nlink > 1, let first = hardLinks[FileIdentity(info)] {
                    item = .hardLink(path: path, firstPath: first)
                } else {
                    if info.st_nlink > 1 { hardLinks[FileIdentity(info)] = path }
                    options.hooks?.beforeOpen?(path)
                    let fd = name.withCString { openat(parent, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
                    if fd < 0 {
                        let code = errno
                        item = .skipped(path: path, kind: .regular, reason: code == ENOENT ? .vanished : code == ELOOP ? .changedDuringScan : .unreadable(errno: code))
                    } else {
                        options.openRecorder?.record(descriptor: fd, requested: path)
                        item = openedItem(fd: fd, path: path, expected: info)
                        if case .file = item { options.hooks?.afterOpen?(path) }
                    }
                }
            default:
                item = .skipped(path: path, kind: kind, reason: .notRegularFile(kind))
            }
            if let item, !visit(item) { return }
        }
    }

    /// Opens a subdirectory and pushes it, or says why not.
    private func descend(into name: [UInt8], parent: Int32, path: RelativePath, info: stat, rootDevice: UInt64, stack: inout [Frame]) -> WalkItem? {
        if stack.count > options.maximumDepth {
            return .skipped(path: path, kind: .directory, reason: .depthLimit(options.maximumDepth))
        }
        if options.staysOnFilesystem, UInt64(info.st_dev) != rootDevice {
            return .skipped(path: path, kind: .directory, reason: .otherFilesystem)
        }
        if stack.contains(where: { $0.device == UInt64(info.st_dev) && $0.inode == UInt64(info.st_ino) }) {
            return .skipped(path: path, kind: .directory, reason: .directoryLoop)
        }
        options.hooks?.beforeOpen?(path)
        let fd = name.withCString { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            return .skipped(path: path, kind: .directory, reason: code == ENOENT ? .vanished : code == ELOOP || code == ENOTDIR ? .changedDuringScan : .unreadable(errno: code))
        }
        options.openRecorder?.record(descriptor: fd, requested: path)
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_dev == info.st_dev, opened.st_ino == info.st_ino else {
            close(fd)
            return .skipped(path: path, kind: .directory, reason: .changedDuringScan)
        }
        switch listDirectory(fd) {
        case let .success(names) where options.claimsDirectory?(names) == true:
            close(fd)
            return .claimedDirectory(path: path, isRoot: false)
        case let .success(names):
            stack.append(Frame(descriptor: fd, path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino), names: names))
            return nil
        case let .failure(error):
            close(fd)
            return .skipped(path: path, kind: .directory, reason: .unreadable(errno: error.code))
        }
    }

    /// Checks that the opened descriptor is still the regular file that was listed.
    private func openedItem(fd: Int32, path: RelativePath, expected: stat) -> WalkItem {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            return .skipped(path: path, kind: .regular, reason: .unreadable(errno: code))
        }
        guard EntryKind(mode: UInt32(info.st_mode)) == .regular, info.st_ino == expected.st_ino, info.st_dev == expected.st_dev else {
            close(fd)
            return .skipped(path: path, kind: EntryKind(mode: UInt32(info.st_mode)), reason: .changedDuringScan)
        }
        return .file(OpenedFile(path: path, descriptor: fd, size: UInt64(max(0, info.st_size)), device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// The names in a directory, sorted bytewise, without `.` and `..`. The descriptor stays open.
    private func listDirectory(_ descriptor: Int32) -> Result<[[UInt8]], DirectoryError> {
        let copy = dup(descriptor)
        guard copy >= 0, let directory = fdopendir(copy) else {
            let code = errno
            return .failure(DirectoryError(code: code))
        }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { return .failure(DirectoryError(code: errno)) }
                break
            }
            let name = directoryEntryName(entry)
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] || name.isEmpty { continue }
            names.append(name)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        return .success(names)
    }
}

struct DirectoryError: Error { let code: Int32 }

/// The target of the symbolic link at `path` (relative to the directory descriptor, or
/// absolute with `AT_FDCWD`), as raw bytes; empty when it cannot be read.
func readLinkTarget(directory: Int32, path: UnsafePointer<CChar>) -> [UInt8] {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = buffer.withUnsafeMutableBufferPointer { $0.baseAddress.map { readlinkat(directory, path, $0, Int(PATH_MAX)) } ?? -1 }
    return count > 0 ? buffer[0..<count].map { UInt8(bitPattern: $0) } : []
}

/// Device and inode: what makes two names the same file.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with the bytes as a NUL-terminated C string.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        var terminated = self
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            // Never nil: the array holds at least the terminator.
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}

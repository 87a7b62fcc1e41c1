import BacksightWalk
import Foundation

/// Test support shared by the walker and engine tests.
/// Builds a directory tree full of entries a careless walker trips over, in a fresh
/// temporary directory, and removes it afterwards.
///
/// The basic tree (the default) is small and quick. `HostileTree(full: true)` adds the whole
/// hostile rootfs suite: more link tricks, a socket, device nodes, a sparse 10 GB file, a
/// directory of 10,000 entries, nesting 200 deep, a path longer than `PATH_MAX`, files that
/// vanish or change during the scan (with ``raceHooks``), and malformed ELF files built byte by
/// byte. ``expectations(permissionsApply:racing:)`` says what a scan must report for each.
public struct HostileTree {
    public let root: String
    public let isFull: Bool
    /// Whether a character device could be made (needs CAP_MKNOD).
    public private(set) var hasDevice = false
    /// Whether the full tree's `dev/` nodes (character and block devices) could be made.
    public private(set) var hasDeviceNodes = false
    /// Whether the sparse 10 GB file could be made.
    public private(set) var hasSparseFile = false
    /// Device and inode of every directory and file below `long/`, whose paths are longer
    /// than `PATH_MAX` (the kernel cannot name them in `/proc/self/fd`).
    public private(set) var longPathIdentities: Set<[UInt64]> = []

    public static let manyEntries = 10_000
    public static let deepLevels = 200
    public static let longLevels = 180
    public static let sparseSize: UInt64 = 10 << 30

    public init(full: Bool = false) throws {
        isFull = full
        root = Self.scratchDirectory() + "/backsight-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
        try make()
        if full { try makeFull() }
    }

    /// Where trees are made: `/dev/shm` (a tmpfs) when it is writable, as making 10,000
    /// entries there takes a tenth of the time it takes on a loaded disk; else the temporary
    /// directory.
    static func scratchDirectory() -> String {
        var info = stat()
        if stat("/dev/shm", &info) == 0, info.st_mode & S_IFMT == S_IFDIR, access("/dev/shm", W_OK | X_OK) == 0 {
            return "/dev/shm"
        }
        return FileManager.default.temporaryDirectory.path
    }

    /// Removes the tree, whatever its depth or permissions.
    public func remove() {
        chmod(root + "/locked", 0o755)
        chmod(root + "/perm/locked-dir", 0o755)
        removeTree(root)
    }

    private mutating func make() throws {
        let files = FileManager.default
        try files.createDirectory(atPath: root + "/usr/lib", withIntermediateDirectories: true)
        try files.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/motd"))
        try Data("/usr/lib/libfake.so\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/ld.so.preload"))
        try Data().write(to: URL(fileURLWithPath: root + "/empty"))
        let elf = try Data(contentsOf: URL(fileURLWithPath: "/bin/true"))
        try elf.write(to: URL(fileURLWithPath: root + "/usr/lib/real.so"))
        try elf.prefix(100).write(to: URL(fileURLWithPath: root + "/usr/lib/truncated.so"))
        // Links: a loop, an absolute link to the host's /etc, a `..` chain, a link to /dev/zero.
        try files.createSymbolicLink(atPath: root + "/loop-a", withDestinationPath: "loop-b")
        try files.createSymbolicLink(atPath: root + "/loop-b", withDestinationPath: "loop-a")
        try files.createSymbolicLink(atPath: root + "/host-etc", withDestinationPath: "/etc")
        try files.createSymbolicLink(atPath: root + "/escape", withDestinationPath: "../../../../../../etc/passwd")
        try files.createSymbolicLink(atPath: root + "/usr/lib/libzero.so", withDestinationPath: "/dev/zero")
        try files.createSymbolicLink(atPath: root + "/usr/lib/libfake.so", withDestinationPath: "real.so")
        guard mkfifo(root + "/fifo", 0o644) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        hasDevice = mknod(root + "/null", S_IFCHR | 0o666, makedev(1, 3)) == 0
        // A name that is not UTF-8 and one with a newline.
        try createFile(Array((root + "/bad-").utf8) + [0xff, 0xfe], contents: [])
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/new\nline"))
        // Unreadable to anyone but root: a file and a directory.
        try Data("secret".utf8).write(to: URL(fileURLWithPath: root + "/unreadable"))
        chmod(root + "/unreadable", 0)
        try files.createDirectory(atPath: root + "/locked", withIntermediateDirectories: true)
        try Data("inside".utf8).write(to: URL(fileURLWithPath: root + "/locked/file"))
        chmod(root + "/locked", 0)
        // A hard link.
        link(root + "/etc/motd", root + "/etc/motd.again")
    }

    // MARK: The full suite

    private mutating func makeFull() throws {
        let files = FileManager.default
        for folder in ["links", "lib", "run", "dev", "var", "many", "race/vanishing-dir", "perm", "elf"] {
            try files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        // More link tricks: a link to itself, to its own directory, to host files and the
        // host's root through /proc, a `..` chain far above the root, and a library name
        // pointing at a device.
        for (name, target) in Self.linkTargets {
            try files.createSymbolicLink(atPath: root + "/" + name, withDestinationPath: target)
        }
        // A listening socket's file and device nodes (never opened by the scan).
        try makeSocket(root + "/run/socket")
        hasDeviceNodes = mknod(root + "/dev/zero", S_IFCHR | 0o666, makedev(1, 5)) == 0
            && mknod(root + "/dev/loop0", S_IFBLK | 0o660, makedev(7, 0)) == 0
        // A sparse 10 GB file: it takes no disk space, and reading it would take forever.
        let huge = open(root + "/var/huge.img", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        if huge >= 0 {
            hasSparseFile = ftruncate(huge, off_t(Self.sparseSize)) == 0
            close(huge)
        }
        // A directory of 10,000 entries.
        for index in 0..<Self.manyEntries {
            try createFile(Array(root.utf8) + Array("/many/\(Self.manyName(index))".utf8), contents: [])
        }
        // Nesting 200 deep, and a chain of long names whose path is longer than PATH_MAX.
        try makeChain(top: "deep", component: "d", levels: Self.deepLevels, recordIdentities: false)
        try makeChain(top: "long", component: Self.longComponent, levels: Self.longLevels, recordIdentities: true)
        // Entries that ``raceHooks`` change while the scan runs.
        try Data("goes away".utf8).write(to: URL(fileURLWithPath: root + "/race/vanishing"))
        try Data("becomes a link".utf8).write(to: URL(fileURLWithPath: root + "/race/swapped-for-link"))
        try Data("becomes a fifo".utf8).write(to: URL(fileURLWithPath: root + "/race/swapped-for-fifo"))
        try Data("inside".utf8).write(to: URL(fileURLWithPath: root + "/race/vanishing-dir/file"))
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: root + "/race/shrinking"))
        try Data(repeating: 0x42, count: 100).write(to: URL(fileURLWithPath: root + "/race/growing"))
        // Permission denied: a file, and a directory one may list but not enter.
        try Data("secret".utf8).write(to: URL(fileURLWithPath: root + "/perm/no-read"))
        chmod(root + "/perm/no-read", 0)
        try files.createDirectory(atPath: root + "/perm/locked-dir", withIntermediateDirectories: true)
        try Data("inside".utf8).write(to: URL(fileURLWithPath: root + "/perm/locked-dir/file"))
        chmod(root + "/perm/locked-dir", 0o644)
        // Malformed ELF files.
        for (name, bytes) in HostileELF.all {
            try Data(bytes).write(to: URL(fileURLWithPath: root + "/elf/" + name))
        }
    }

    /// `links/` and `lib/` entries and their targets.
    public static let linkTargets: [(String, String)] = [
        ("links/self", "self"),
        ("links/dir-loop", "."),
        ("links/host-shadow", "/etc/shadow"),
        ("links/host-root", "/proc/self/root"),
        ("links/host-dev", "/dev"),
        ("links/deep-escape", Array(repeating: "..", count: 40).joined(separator: "/") + "/etc/passwd"),
        ("lib/libc.so.6", "/dev/zero"),
    ]

    public static func manyName(_ index: Int) -> String {
        let digits = String(index)
        return "f" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    public static let longComponent = String(repeating: "x", count: 24)

    /// The path of the file at the bottom of the `deep/` chain.
    public static var deepLeaf: String { "deep/" + Array(repeating: "d", count: deepLevels).joined(separator: "/") + "/leaf" }

    /// The path of the file at the bottom of the `long/` chain.
    public static var longLeaf: String { "long/" + Array(repeating: longComponent, count: longLevels).joined(separator: "/") + "/leaf" }

    /// A chain of directories made one `mkdirat` at a time (no path gets long), with a file
    /// named `leaf` at the bottom.
    private mutating func makeChain(top: String, component: String, levels: Int, recordIdentities: Bool) throws {
        var descriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        for name in [top] + Array(repeating: component, count: levels) {
            guard mkdirat(descriptor, name, 0o755) == 0 else { close(descriptor); throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            let next = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(descriptor)
            guard next >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            descriptor = next
            if recordIdentities { longPathIdentities.insert(identity(of: descriptor)) }
        }
        let leaf = openat(descriptor, "leaf", O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        close(descriptor)
        guard leaf >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        _ = write(leaf, "at the bottom", 13)
        if recordIdentities { longPathIdentities.insert(identity(of: leaf)) }
        close(leaf)
    }

    private func identity(of descriptor: Int32) -> [UInt64] {
        var info = stat()
        fstat(descriptor, &info)
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    private func makeSocket(_ path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    private func createFile(_ path: [UInt8], contents: [UInt8]) throws {
        let descriptor = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644) }
        }
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        if !contents.isEmpty { _ = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } }
        close(descriptor)
    }

    // MARK: Races

    /// Walk hooks that make the `race/` entries change at the worst moment: deleted or swapped
    /// for a link or a FIFO between listing and opening, truncated or grown between opening and
    /// reading.
    public var raceHooks: WalkHooks {
        let root = self.root
        return WalkHooks(
            beforeOpen: { path in
                let full = root + "/" + path.description
                switch path.description {
                case "race/vanishing":
                    unlink(full)
                case "race/swapped-for-link":
                    unlink(full)
                    symlink("/etc/passwd", full)
                case "race/swapped-for-fifo":
                    unlink(full)
                    mkfifo(full, 0o644)
                case "race/vanishing-dir":
                    unlink(full + "/file")
                    rmdir(full)
                default:
                    break
                }
            },
            afterOpen: { path in
                let full = root + "/" + path.description
                switch path.description {
                case "race/shrinking":
                    truncate(full, 100)
                case "race/growing":
                    let descriptor = open(full, O_WRONLY | O_APPEND | O_CLOEXEC)
                    if descriptor >= 0 {
                        let more = [UInt8](repeating: 0x43, count: 8092)
                        _ = more.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                        close(descriptor)
                    }
                default:
                    break
                }
            }
        )
    }

    // MARK: What a scan must report

    /// What a scan must report for one entry.
    public struct Expectation: Sendable, Equatable, CustomStringConvertible {
        public enum Outcome: Sendable, Equatable {
            /// Read and analysed (a malformed ELF file counts: it is reported with its problems).
            case file
            /// Reported as a link, never followed; `target` as the link states it.
            case symlink(target: String)
            /// Reported as a further name of a file read under another name.
            case hardLink
            /// Reported as skipped with this reason code (`not-regular-file`, `vanished`, …).
            case skipped(reason: String)
        }

        public var outcome: Outcome
        /// A phrase the report's problems must contain (`overlap`, `changed during the scan`).
        public var problem: String?

        public init(_ outcome: Outcome, problem: String? = nil) {
            self.outcome = outcome
            self.problem = problem
        }

        public var description: String {
            switch outcome {
            case .file: return problem.map { "file with problem '\($0)'" } ?? "file"
            case let .symlink(target): return "symlink to \(target)"
            case .hardLink: return "hard link"
            case let .skipped(reason): return "skipped (\(reason))"
            }
        }
    }

    /// Every entry of the tree a scan reports (regular files, links, special files; not
    /// directories, which are walked, not reported), by the path a report shows, with what the
    /// report must say. `permissionsApply`: whether the scan runs where file permissions deny
    /// it (not as root). `racing`: whether ``raceHooks`` were installed.
    public func expectations(permissionsApply: Bool, racing: Bool = false) -> [String: Expectation] {
        var expected: [String: Expectation] = [
            "loop-a": .init(.symlink(target: "loop-b")),
            "loop-b": .init(.symlink(target: "loop-a")),
            "host-etc": .init(.symlink(target: "/etc")),
            "escape": .init(.symlink(target: "../../../../../../etc/passwd")),
            "usr/lib/libzero.so": .init(.symlink(target: "/dev/zero")),
            "usr/lib/libfake.so": .init(.symlink(target: "real.so")),
            "usr/lib/real.so": .init(.file),
            "usr/lib/truncated.so": .init(.file),
            "fifo": .init(.skipped(reason: "not-regular-file")),
            "bad-\\xff\\xfe": .init(.file),
            "new\\x0aline": .init(.file),
            "empty": .init(.file),
            "etc/motd": .init(.file),
            "etc/motd.again": .init(.hardLink),
            "etc/ld.so.preload": .init(.file),
            "unreadable": .init(permissionsApply ? .skipped(reason: "unreadable") : .file),
        ]
        if permissionsApply { expected["locked"] = .init(.skipped(reason: "unreadable")) } else { expected["locked/file"] = .init(.file) }
        if hasDevice { expected["null"] = .init(.skipped(reason: "not-regular-file")) }
        guard isFull else { return expected }

        for (name, target) in Self.linkTargets { expected[name] = .init(.symlink(target: target)) }
        expected["run/socket"] = .init(.skipped(reason: "not-regular-file"))
        if hasDeviceNodes {
            expected["dev/zero"] = .init(.skipped(reason: "not-regular-file"))
            expected["dev/loop0"] = .init(.skipped(reason: "not-regular-file"))
        }
        expected["var/huge.img"] = .init(hasSparseFile ? .skipped(reason: "too-large") : .file)
        for index in 0..<Self.manyEntries { expected["many/" + Self.manyName(index)] = .init(.file) }
        expected[Self.deepLeaf] = .init(.file)
        expected[Self.longLeaf] = .init(.file)
        if racing {
            expected["race/vanishing"] = .init(.skipped(reason: "vanished"))
            expected["race/swapped-for-link"] = .init(.skipped(reason: "changed-during-scan"))
            expected["race/swapped-for-fifo"] = .init(.skipped(reason: "changed-during-scan"))
            expected["race/vanishing-dir"] = .init(.skipped(reason: "vanished"))
            expected["race/shrinking"] = .init(.file, problem: "only 100 could be read")
            expected["race/growing"] = .init(.file, problem: "grew from 100 to 8192 bytes")
        } else {
            for name in ["vanishing", "swapped-for-link", "swapped-for-fifo", "vanishing-dir/file", "shrinking", "growing"] {
                expected["race/" + name] = .init(.file)
            }
        }
        if permissionsApply {
            // The directory can be listed (read) but not entered (no search permission).
            expected["perm/no-read"] = .init(.skipped(reason: "unreadable"))
            expected["perm/locked-dir/file"] = .init(.skipped(reason: "unreadable"))
        } else {
            expected["perm/no-read"] = .init(.file)
            expected["perm/locked-dir/file"] = .init(.file)
        }
        for (name, problem) in HostileELF.expectedProblems { expected["elf/" + name] = .init(.file, problem: problem) }
        return expected
    }
}

/// Removes a tree with `unlinkat` from directory descriptors, so depth and path length do
/// not matter, and without following links.
func removeTree(_ path: String) {
    let parent = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard parent >= 0 else { return }
    removeEntry(parent: parent, name: Array((path as NSString).lastPathComponent.utf8))
    close(parent)
}

private func removeEntry(parent: Int32, name: [UInt8]) {
    let cName = name.map { CChar(bitPattern: $0) } + [0]
    var info = stat()
    guard fstatat(parent, cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
    if info.st_mode & S_IFMT == S_IFDIR {
        fchmodat(parent, cName, 0o755, 0)
        let directory = openat(parent, cName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if directory >= 0 {
            var names: [[UInt8]] = []
            if let stream = fdopendir(dup(directory)) {
                while let entry = readdir(stream) {
                    let entryName = directoryEntryName(entry)
                    if entryName != [0x2e], entryName != [0x2e, 0x2e] { names.append(entryName) }
                }
                closedir(stream)
            }
            for entryName in names { removeEntry(parent: directory, name: entryName) }
            close(directory)
        }
        unlinkat(parent, cName, AT_REMOVEDIR)
    } else {
        unlinkat(parent, cName, 0)
    }
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    dev_t((UInt64(major) << 8) | UInt64(minor))
}

import BacksightConfig
import BacksightWalk

/// Where a configuration file is and the tree it configures: a directory on disk, or the
/// files of the image that holds it (``ImageTreeRecorder``), links resolved inside it.
struct ConfigurationPlace {
    var file: ConfigurationFile
    var tree: any TreeFiles
    /// What the rule set already made of a library of the tree (an image's members are judged
    /// as they are read); nil to read and judge it.
    var known: (RelativePath) -> LibraryOutcome? = { _ in nil }
    /// Whether the tree is a whole root filesystem. A package (`.deb`, `.rpm`) is not: the PAM
    /// module its configuration names comes with another package, so a library it lacks is
    /// absent, not missing.
    var isWholeRoot = true
}

/// The tree a container's members make, recorded while the container is read, so that its
/// configuration files, analysed once every member is known, see the image as a root: the
/// paths, link targets, the bytes of small text files (account files, link targets of them),
/// and what the rule set made of each file. Configuration files are held back (their bytes
/// copied) and analysed at the end. Memory is bounded by ``textLimit`` and ``keptLimit``.
final class ImageTreeRecorder {
    /// Text files up to this size keep their bytes (account files are far smaller).
    static let textLimit = 64 << 10
    /// Bytes kept in all, configuration files held back included; past it, files are
    /// recorded without their bytes and configuration files are analysed at once, in the tree
    /// as read so far.
    static let keptLimit = 16 << 20

    /// A configuration file held back until the container is read.
    struct HeldBack {
        var member: UnpackedMember
        var bytes: [UInt8]
        var file: ConfigurationFile
    }

    private(set) var heldBack: [HeldBack] = []
    private var entries: [[UInt8]: MemoryTree.Entry] = [:]
    private var outcomes: [[UInt8]: LibraryOutcome] = [:]
    private var kept = 0
    private let identity: String
    /// The trees built, by root inside the container (usually one: the container's root).
    private var trees: [[UInt8]: MemoryTree] = [:]

    /// Whether the container holds a whole root (an image) rather than a package; known once
    /// it has been read.
    var isWholeRoot = true

    /// - Parameter identity: names the container (its path in the scan).
    init(identity: String) { self.identity = identity }

    /// Holds a configuration file back (true), when it is one and fits in what may be kept,
    /// whatever its own size: padding a file past a size limit must not hide it from the checks.
    func holdBack(_ member: UnpackedMember, content: UnsafeRawBufferPointer) -> Bool {
        guard let file = ConfigurationFile.recognise(diskPath: member.path), kept + content.count <= Self.keptLimit else { return false }
        let bytes = Array(content)
        kept += bytes.count
        entries[Self.key(member.path)] = .file(content.count <= Self.textLimit ? bytes : nil)
        heldBack.append(HeldBack(member: member, bytes: bytes, file: file))
        return true
    }

    /// The place of a configuration file that could not be held back (past ``keptLimit``): it is
    /// analysed at once, in the tree as read so far. Nil for any other file.
    func placeAsReadSoFar(_ member: UnpackedMember) -> ConfigurationPlace? {
        guard let file = ConfigurationFile.recognise(diskPath: member.path) else { return nil }
        return place(of: file, in: tree(below: root(of: file)))
    }

    /// Records a member and, for a file, its report.
    func record(_ member: UnpackedMember, content: UnsafeRawBufferPointer? = nil, report: FileReport? = nil) {
        let key = Self.key(member.path)
        switch member.content {
        case .file:
            var bytes: [UInt8]?
            if let content, report?.kind == .text, content.count <= Self.textLimit, kept + content.count <= Self.keptLimit {
                bytes = Array(content)
                kept += content.count
            }
            entries[key] = .file(bytes)
            if let report { outcomes[key] = ConfigurationFacts.outcome(of: report) }
        case let .symbolicLink(target):
            entries[key] = .symlink(target: target)
        case let .hardLink(target):
            // The same file under another name: resolves like a link to the first name.
            entries[key] = .symlink(target: target)
        case let .skipped(reason, _):
            entries[key] = reason == "not-regular-file" ? .other : .file(nil)
        }
    }

    /// The place of a held-back file: the tree below its root inside the container, built once
    /// per root when every member is known.
    func place(of held: HeldBack) -> ConfigurationPlace {
        let root = root(of: held.file)
        let tree = trees[root] ?? tree(below: root)
        trees[root] = tree
        return place(of: held.file, in: tree)
    }

    private func root(of file: ConfigurationFile) -> [UInt8] {
        Array(file.treeRoot.joined(separator: [UInt8(ascii: "/")]))
    }

    /// The members recorded so far below `root`, as a tree of their own.
    private func tree(below root: [UInt8]) -> MemoryTree {
        let prefix = root.isEmpty ? [] : root + [UInt8(ascii: "/")]
        var below: [[UInt8]: MemoryTree.Entry] = [:]
        for (path, entry) in entries where path.starts(with: prefix) { below[Array(path.dropFirst(prefix.count))] = entry }
        return MemoryTree(identity: identity + "!/" + String(decoding: root, as: UTF8.self), entries: below)
    }

    private func place(of file: ConfigurationFile, in tree: MemoryTree) -> ConfigurationPlace {
        let root = root(of: file)
        let prefix = root.isEmpty ? [] : root + [UInt8(ascii: "/")]
        let outcomes = outcomes
        return ConfigurationPlace(file: file, tree: tree, known: { outcomes[prefix + $0.bytes] }, isWholeRoot: isWholeRoot)
    }

    /// `etc/passwd` for `/etc/passwd`.
    private static func key(_ path: [UInt8]) -> [UInt8] {
        Array(path.drop { $0 == UInt8(ascii: "/") })
    }
}

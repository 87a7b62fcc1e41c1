import Foundation

/// Test support shared by the walker and engine tests.
/// Builds a directory tree full of entries a careless walker trips over, in a fresh
/// temporary directory, and removes it afterwards.
public struct HostileTree {
    public let root: String
    /// Whether a character device could be made (needs CAP_MKNOD).
    public private(set) var hasDevice = false

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-hostile-\(UUID().uuidString)")
        root = base.path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
        try make()
    }

    public func remove() {
        chmod(root + "/locked", 0o755)
        try? FileManager.default.removeItem(atPath: root)
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
        var badName = Array((root + "/bad-").utf8)
        badName += [0xff, 0xfe, 0x00]
        let fd = badName.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        if fd >= 0 { close(fd) }
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
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    dev_t((UInt64(major) << 8) | UInt64(minor))
}

import Foundation

/// Builds real `.deb` packages and tar archives in a fresh temporary directory with the
/// system's own tools (`dpkg-deb`, `tar`, `xz`), so container tests read bytes those tools
/// wrote. Removed with `remove()`.
public struct PackageBuilder {
    public let directory: String

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-pkg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// One entry of a package tree.
    public enum Entry {
        case file(String, [UInt8], executable: Bool = false)
        case symlink(String, target: String)
        case hardLink(String, existing: String)
    }

    /// Lays `entries` out under `name/` (`DEBIAN/...` paths are the control files) and returns the tree's path.
    public func tree(_ name: String, _ entries: [Entry]) throws -> String {
        let root = directory + "/" + name
        let files = FileManager.default
        for entry in entries {
            switch entry {
            case let .file(path, bytes, executable):
                try files.createDirectory(atPath: (root + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + path))
                chmod(root + "/" + path, executable ? 0o755 : 0o644)
            case let .symlink(path, target):
                try files.createDirectory(atPath: (root + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try files.createSymbolicLink(atPath: root + "/" + path, withDestinationPath: target)
            case let .hardLink(path, existing):
                try files.linkItem(atPath: root + "/" + existing, toPath: root + "/" + path)
            }
        }
        chmod(root, 0o755)
        return root
    }

    /// `dpkg-deb --build` of a tree with the given compression (`xz`, `gzip`, `zstd`, `none`).
    public func deb(from tree: String, name: String, compression: String = "xz") throws -> String {
        let output = directory + "/" + name
        try Self.run("/usr/bin/dpkg-deb", ["--root-owner-group", "-Z\(compression)", "--build", tree, output])
        return output
    }

    /// Runs a tool and fails when it does.
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws {
        let status = try ChildProcess.run(tool, arguments, in: directory).status
        guard status == 0 else {
            throw NSError(domain: "PackageBuilder", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments.joined(separator: " ")) failed"])
        }
    }

    /// A minimal control file.
    public static func control(_ package: String) -> Entry {
        .file("DEBIAN/control", Array("Package: \(package)\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Backsight Tests <tests@example.invalid>\nDescription: test package\n".utf8))
    }
}

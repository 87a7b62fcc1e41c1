import BacksightRules
import Glibc

/// Whether the other modules of a kernel's module tree (`lib/modules/RELEASE/`) are signed: an
/// unsigned out-of-tree module in a tree whose modules the distribution signed did not come with
/// that kernel.
///
/// Looks only at real directories below the tree's `kernel/` (no links followed), at most
/// ``maximumDirectories`` of them, and reads only the last bytes of at most ``sampleSize``
/// modules. Each tree is looked at once per scan: the answer is cached
/// and shared by every scanning thread.
final class ModuleTreeSigning: Sendable {
    static let sampleSize = 16
    static let maximumDirectories = 256
    private static let marker = Array("~Module signature appended~\n".utf8)

    /// What a sample of a tree's modules showed.
    struct Sample: Sendable {
        var tree: String
        var signed: Int
        var checked: Int
        /// Enough modules, all of them signed.
        var isSigned: Bool { checked >= 4 && signed == checked }
    }

    private let samples = ScanMemo<Sample>(capacity: 64)

    /// The module tree that holds `diskPath` (the `lib/modules/RELEASE` directory above it), if any.
    static func tree(holding diskPath: String) -> String? {
        let components = diskPath.split(separator: "/", omittingEmptySubsequences: false)
        guard let index = components.indices.dropLast(2).last(where: { components[$0] == "lib" && components[$0 + 1] == "modules" }),
              index + 2 < components.count - 1 else { return nil }
        return components[...(index + 2)].joined(separator: "/")
    }

    /// The sample of the tree at `tree`: the modules the kernel was built with (`kernel/`), where
    /// out-of-tree modules (`extra/`, `updates/`) never are, so the answer does not depend on
    /// which module asks first.
    func sample(of tree: String) -> Sample {
        samples.value(for: tree) { Self.read(tree: tree) }
    }

    private static func read(tree: String) -> Sample {
        var sample = Sample(tree: tree, signed: 0, checked: 0)
        var queue = [tree + "/kernel"]
        var visited = 0
        while !queue.isEmpty, visited < maximumDirectories, sample.checked < sampleSize {
            let directory = queue.removeFirst()
            visited += 1
            for entry in DirectoryEntries.list(directory, limit: 4096) where sample.checked < sampleSize {
                let full = directory + "/" + entry.name
                if entry.type == UInt8(DT_DIR) {
                    queue.append(full)
                } else if entry.type == UInt8(DT_REG), entry.name.hasSuffix(".ko"), let signed = isSigned(full) {
                    sample.checked += 1
                    if signed { sample.signed += 1 }
                }
            }
        }
        return sample
    }

    /// Whether the module file ends with the signature marker; nil when it cannot be read as a regular file.
    private static func isSigned(_ path: String) -> Bool? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= off_t(marker.count) else { return nil }
        var tail = [UInt8](repeating: 0, count: marker.count)
        let count = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, marker.count, info.st_size - off_t(marker.count)) }
        return count == marker.count ? tail == marker : nil
    }
}

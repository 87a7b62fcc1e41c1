import BacksightRules
import BacksightUnpack
import BacksightWalk
import Glibc

/// What the other files of a directory say about a test blob: whether one of them is an xz
/// file that swapping byte pairs repairs (`swap-repairs-stream`), as the xz-utils backdoor's
/// `bad-3-corrupt_lzma2.xz` was beside the `good-large_compressed.lzma` that held the next stage.
///
/// Reads only regular files directly in the directory (never links, never subdirectories, never
/// anything outside it), only those that start with the xz magic and fit the swap search's size
/// bound, at most ``maximumEntries`` names and ``maximumCandidates`` files per directory. Each
/// directory is read once per scan: the answer is cached and shared by every scanning thread.
final class SiblingTestFiles: Sendable {
    static let maximumEntries = 4096
    static let maximumCandidates = 32

    private let unpacker = Unpacker(facts: [UnpackFact.swapRepairsStream], carves: false)
    private let limits: UnpackLimits
    private let repairedByDirectory = ScanMemo<[Evidence]>(capacity: 256)

    init(limits: UnpackLimits) {
        self.limits = limits
    }

    /// Evidence for each other file in `directory` (a path on disk) that a byte-pair swap repairs;
    /// `name` is the file asking, which does not count.
    func swapRepairedSiblings(in directory: String, excluding name: String) -> [Evidence] {
        repairedByDirectory.value(for: directory) { repairedFiles(in: directory) }.filter { $0.location?.file != name }
    }

    private func repairedFiles(in directory: String) -> [Evidence] {
        let fileSystem = RootConfinedFileSystem(root: directory)
        var found: [Evidence] = []
        var candidates = 0
        for name in Self.regularFileNames(in: directory) where candidates < Self.maximumCandidates {
            guard case let .success(bytes) = fileSystem.readFile(Array(name.utf8), limit: limits.swapSearchInput + 1),
                  bytes.count <= limits.swapSearchInput, bytes.starts(with: StreamHeaders.xzMagic) else { continue }
            candidates += 1
            let result = bytes.withUnsafeBytes { unpacker.unpack(path: name, bytes: $0, budget: UnpackBudget(limits: limits)) { _ in true } }
            for fact in result.facts where fact.name == UnpackFact.swapRepairsStream {
                for item in fact.evidence {
                    found.append(Evidence(feature: "characteristic", value: "\(name): \(item.value)",
                                          location: Location(offset: item.offset, file: name), detail: item.detail))
                }
            }
        }
        return found
    }

    /// Names of the regular files directly in `directory`, in a stable order, without following links.
    private static func regularFileNames(in directory: String) -> [String] {
        DirectoryEntries.list(directory, limit: maximumEntries)
            .filter { $0.type == UInt8(DT_REG) || $0.type == UInt8(DT_UNKNOWN) }
            .map(\.name)
    }
}

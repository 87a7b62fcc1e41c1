import BacksightWalk
import Glibc

/// The entries directly in a directory on disk, as `readdir` gives them: names and `d_type`,
/// without following links or opening anything. For the engine's small looks around a file (its
/// siblings, its module tree); the walk of a whole tree is `BacksightWalk`'s.
enum DirectoryEntries {
    struct Entry {
        var name: String
        /// `DT_REG`, `DT_DIR`, `DT_LNK`, … or `DT_UNKNOWN`.
        var type: UInt8
    }

    /// At most `limit` entries of `directory`, sorted by name, without `.` and `..`; empty when it
    /// cannot be opened.
    static func list(_ directory: String, limit: Int) -> [Entry] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var entries: [Entry] = []
        var seen = 0
        while seen < limit, let entry = readdir(stream) {
            seen += 1
            let name = String(decoding: directoryEntryName(entry), as: UTF8.self)
            guard name != ".", name != "..", !name.contains("/") else { continue }
            entries.append(Entry(name: name, type: entry.pointee.d_type))
        }
        return entries.sorted { $0.name < $1.name }
    }
}

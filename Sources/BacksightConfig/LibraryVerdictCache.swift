import Synchronization

/// What the rule set made of a library a configuration file names: the summary a
/// configuration finding shows, never the library's bytes.
public struct LibraryOutcome: Sendable, Hashable {
    /// The library's own findings at `medium` or above, as `rule-id (severity)`.
    public var flaggedBy: [String]
    /// Other findings (`low`, `info`), for the evidence text.
    public var alsoMatched: [String]
    /// Why the library could not be analysed, if it could not (too large, not a regular file).
    public var problem: String?

    public var isFlagged: Bool { !flaggedBy.isEmpty }

    public init(flaggedBy: [String], alsoMatched: [String], problem: String?) {
        self.flaggedBy = flaggedBy
        self.alsoMatched = alsoMatched
        self.problem = problem
    }
}

/// Library outcomes by tree and path, shared by every scanning thread of one scan, so each
/// library that configuration files name is read and analysed once however many lines name
/// it. Holds at most `capacity` small summaries.
public final class LibraryVerdictCache: Sendable {
    private let entries = Mutex<[String: LibraryOutcome]>([:])
    let capacity: Int

    public init(capacity: Int = 512) {
        self.capacity = capacity
    }

    func outcome(forKey key: String) -> LibraryOutcome? {
        entries.withLock { $0[key] }
    }

    func store(_ outcome: LibraryOutcome, forKey key: String) {
        entries.withLock { table in
            if table.count >= capacity, table[key] == nil, let evicted = table.keys.first { table[evicted] = nil }
            table[key] = outcome
        }
    }
}

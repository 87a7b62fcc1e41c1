/// A map for the few registers one walk tracks at a time: key-value pairs in one array, found
/// by a linear search. The walk saves its whole state at every forward branch, and a copy of
/// one short array costs far less than a dictionary's, whose buckets are rehashed and whose
/// lookups hash every key.
struct SmallMap<Key: Equatable, Value> {
    private var entries: [(key: Key, value: Value)] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    private func index(of key: Key) -> Int? {
        for index in entries.indices where entries[index].key == key { return index }
        return nil
    }

    subscript(key: Key) -> Value? {
        get {
            guard let index = index(of: key) else { return nil }
            return entries[index].value
        }
        set {
            if let index = index(of: key) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    // Order does not matter: the last entry fills the hole.
                    entries.swapAt(index, entries.count - 1)
                    entries.removeLast()
                }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// Adds the entries of `other` whose keys this map lacks; its own entries win.
    mutating func addMissing(from other: SmallMap) {
        for entry in other.entries where index(of: entry.key) == nil { entries.append(entry) }
    }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
    }
}

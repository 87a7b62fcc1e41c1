/// A map for the few registers one walk tracks at a time: keys and values in two arrays, found
/// by a linear search. The walk saves its whole state at every forward branch, and a copy of
/// two short arrays costs far less than a dictionary's, whose buckets are rehashed and whose
/// lookups hash every key.
struct SmallMap<Key: Equatable, Value> {
    private var keys: [Key] = []
    private var values: [Value] = []

    var isEmpty: Bool { keys.isEmpty }

    subscript(key: Key) -> Value? {
        get {
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    // Order does not matter: the last entry fills the hole.
                    keys.swapAt(index, keys.count - 1)
                    values.swapAt(index, values.count - 1)
                    keys.removeLast()
                    values.removeLast()
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Adds the entries of `other` whose keys this map lacks; its own entries win.
    mutating func addMissing(from other: SmallMap) {
        for (index, key) in other.keys.enumerated() where !keys.contains(key) {
            keys.append(key)
            values.append(other.values[index])
        }
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}

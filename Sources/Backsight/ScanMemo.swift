import Synchronization

/// Answers the engine works out once per scan from what lies around a file (a directory's other
/// test files, a kernel's module tree), shared by every scanning thread. At most `capacity` are
/// kept; two threads asking at once may both work the answer out, and either result is kept.
final class ScanMemo<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The answer for `key`, from `compute` the first time it is asked.
    func value(for key: String, compute: () -> Value) -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let found = compute()
        entries.withLock { table in
            if table.count >= capacity, table[key] == nil, let evicted = table.keys.first { table[evicted] = nil }
            table[key] = found
        }
        return found
    }
}

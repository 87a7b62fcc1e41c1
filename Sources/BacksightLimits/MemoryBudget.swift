#if canImport(Glibc)
import CMalloc
#endif
import Foundation

/// Memory the threads of one scan share for their large work: before a thread reads and models
/// a large file or decodes a large payload, it reserves an estimate of the bytes it will hold,
/// and waits while the reservations of the others plus its own would exceed the budget.
///
/// Reservations smaller than ``smallest`` are not made: small work goes on without waiting.
/// Waiting never deadlocks and never refuses: a thread proceeds when no other thread holds a
/// reservation (a single file larger than the budget still scans, alone), and when every other
/// thread that holds one is itself waiting (a thread that already holds a reservation may ask
/// for more while it works, so two could otherwise wait for each other).
///
/// ```swift
/// let budget = MemoryBudget(limit: 96 << 20, smallest: 1 << 20)
/// let account = budget.account()            // one per thread
/// account.holding(2 * fileSize) {
///     …
///     account.grow(by: decodedSize)          // released with the holding
/// }
/// ```
public final class MemoryBudget: @unchecked Sendable {
    /// The most bytes the reservations may add up to while more than one thread holds any.
    public let limit: UInt64
    /// The smallest reservation made; smaller ones reserve nothing.
    public let smallest: UInt64
    private let condition = NSCondition()
    /// Bytes reserved by all accounts.
    private var reserved: UInt64 = 0
    /// Accounts holding a reservation that are not waiting for more (they will release).
    private var workingHolders = 0
    /// Accounts waiting for room.
    private var waiting = 0

    public init(limit: UInt64, smallest: UInt64 = 1) {
        self.limit = limit
        self.smallest = max(1, smallest)
    }

    /// Threads waiting for room now (for tests and measurements).
    public var waitingThreads: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// A new account for one thread.
    public func account() -> Account { Account(budget: self) }

    /// Bytes reserved now, by all accounts (for tests and measurements).
    public var reservedBytes: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return reserved
    }

    /// What one thread holds of the budget. Used by that thread only.
    public final class Account {
        let budget: MemoryBudget
        /// Bytes this account holds.
        public private(set) var held: UInt64 = 0
        /// How many ``holding(_:_:)`` calls are running.
        private var depth = 0

        init(budget: MemoryBudget) {
            self.budget = budget
        }

        /// Runs `body` holding `bytes` more of the budget, waiting first while they do not fit
        /// (see ``MemoryBudget``). What it holds, and what ``grow(by:)`` added inside it, is
        /// released on every way out.
        public func holding<Result, Failure: Error>(_ bytes: UInt64, _ body: () throws(Failure) -> Result) throws(Failure) -> Result {
            let before = held
            depth += 1
            grow(by: bytes)
            defer {
                depth -= 1
                if held > before { budget.release(held - before, by: self) }
            }
            return try body()
        }

        /// Holds `bytes` more until the innermost ``holding(_:_:)`` running ends, waiting first
        /// while they do not fit: for work whose size shows only once it has begun (a payload
        /// whose decoded size its header declares). Outside ``holding(_:_:)``, or under
        /// ``MemoryBudget/smallest``, it holds nothing.
        public func grow(by bytes: UInt64) {
            guard bytes >= budget.smallest, depth > 0 else { return }
            budget.reserve(bytes, by: self)
        }

        fileprivate func add(_ bytes: UInt64) { held += bytes }
        fileprivate func remove(_ bytes: UInt64) { held -= min(bytes, held) }
    }

    private func reserve(_ bytes: UInt64, by account: Account) {
        condition.lock()
        defer { condition.unlock() }
        let wasHolding = account.held > 0
        var isWaiting = false
        while true {
            let others = reserved - account.held
            let otherWorkingHolders = workingHolders - (wasHolding && !isWaiting ? 1 : 0)
            let (total, overflow) = reserved.addingReportingOverflow(bytes)
            if (!overflow && total <= limit) || others == 0 || otherWorkingHolders == 0 { break }
            if !isWaiting {
                isWaiting = true
                waiting += 1
                if wasHolding {
                    // A holder that waits may be what another holder waits for: it may go now.
                    workingHolders -= 1
                    condition.broadcast()
                }
            }
            condition.wait()
        }
        if isWaiting { waiting -= 1 }
        if !wasHolding || isWaiting { workingHolders += 1 }
        reserved += bytes
        account.add(bytes)
    }

    private func release(_ bytes: UInt64, by account: Account) {
        condition.lock()
        account.remove(bytes)
        reserved -= min(bytes, reserved)
        if account.held == 0 { workingHolders -= 1 }
        condition.broadcast()
        condition.unlock()
        #if canImport(Glibc)
        // Give what the large work freed back to the system, so the budget counts what is
        // resident: glibc keeps freed memory in each thread's arena otherwise, and raises its
        // mmap threshold after large frees so later allocations land there too.
        if bytes >= Self.trimmedRelease { malloc_trim(0) }
        #endif
    }

    /// Releases of this size or more give freed memory back to the system. Trimming after
    /// every release of 1 MiB or more lowered the peak of the four bookworm trees scanned as
    /// one root further (117 MiB, against 133 MiB with this; 146 MiB before the budget) but faulted
    /// the given-back pages in again: 2.3 times the page faults, 0.5 s more system time.
    static let trimmedRelease: UInt64 = 8 << 20
}

import Foundation

/// Hands rendered reports from the scanning threads to the one thread that calls
/// `backsight_scan_next`: a bounded first-in first-out queue that blocks the producer when full
/// and the consumer when empty, until the producer finishes or anyone cancels.
final class ReportPipe: @unchecked Sendable {
    /// What `take` got.
    enum Taken {
        /// One report as a NUL-terminated JSON object.
        case report(ContiguousArray<CChar>)
        case finished
        case cancelled
    }

    private let condition = NSCondition()
    private let capacity: Int
    // Guarded by `condition`.
    private var queue: [ContiguousArray<CChar>] = []
    private var head = 0
    private var finished = false
    private var cancelled = false

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// Queues a report, waiting while the queue is full; false once cancelled.
    func put(_ report: ContiguousArray<CChar>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(report)
        condition.broadcast()
        return true
    }

    /// No more reports will come.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes both sides for good: `put` returns false, `take` returns `.cancelled`.
    func cancel() {
        condition.lock()
        cancelled = true
        queue = []
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// The next report, waiting while none is queued and the producer has not finished.
    func take() -> Taken {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count, !finished, !cancelled { condition.wait() }
        if cancelled { return .cancelled }
        guard head < queue.count else { return .finished }
        let report = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= capacity {
            queue.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return .report(report)
    }
}

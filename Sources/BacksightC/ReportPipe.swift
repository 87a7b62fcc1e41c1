import Backsight
import Synchronization

/// Hands rendered reports from the scanning threads to the one thread that calls
/// `backsight_scan_next`: the engine's bounded queue (the producer waits while it is full, the
/// consumer while it is empty), plus a cancel that wakes both sides for good.
final class ReportPipe: Sendable {
    /// What `take` got.
    enum Taken {
        /// One report as a NUL-terminated JSON object.
        case report(ContiguousArray<CChar>)
        case finished
        case cancelled
    }

    private let queue: BoundedQueue<ContiguousArray<CChar>>
    private let cancelled = Atomic<Bool>(false)

    init(capacity: Int = 256) {
        queue = BoundedQueue(capacity: capacity)
    }

    /// Queues a report, waiting while the queue is full; false once cancelled.
    func put(_ report: ContiguousArray<CChar>) -> Bool {
        !isCancelled && queue.put(report)
    }

    /// No more reports will come; those queued are still taken.
    func finish() {
        queue.close()
    }

    /// Wakes both sides for good: `put` returns false, `take` returns `.cancelled`.
    func cancel() {
        cancelled.store(true, ordering: .sequentiallyConsistent)
        queue.close()
    }

    var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

    /// The next report, waiting while none is queued and the producer has not finished.
    func take() -> Taken {
        guard !isCancelled else { return .cancelled }
        guard let report = queue.take() else { return isCancelled ? .cancelled : .finished }
        return isCancelled ? .cancelled : .report(report)
    }
}

import Foundation

/// A blocking first-in first-out queue with a fixed capacity, for handing work between
/// threads: `put` waits while it is full, `take` waits while it is empty and returns nil once
/// the queue is closed and drained. Bounded so memory does not grow with the number of files.
/// (Package access: the C API hands reports over with it too.)
package final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false

    package init(capacity: Int) {
        items = Array(repeating: nil, count: max(1, capacity))
    }

    /// Adds an element, waiting for room. Returns false (dropping it) if the queue was closed.
    @discardableResult
    package func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == items.count, !closed { condition.wait() }
        guard !closed else { return false }
        items[(head + count) % items.count] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Removes the oldest element, waiting for one; nil when closed and empty. Before it would
    /// wait, it calls `beforeWaiting` (outside the lock) once.
    package func take(beforeWaiting: () -> Void = {}) -> Element? {
        condition.lock()
        defer { condition.unlock() }
        if count == 0, !closed {
            condition.unlock()
            beforeWaiting()
            condition.lock()
        }
        while count == 0, !closed { condition.wait() }
        guard count > 0 else { return nil }
        let element = items[head]
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        condition.broadcast()
        return element
    }

    /// No more puts; takers drain what is left.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

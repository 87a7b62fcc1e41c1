import BacksightLimits
import Foundation
import XCTest

/// The memory budget with real threads: who waits, who goes, and that everything is released.
/// Nothing here is timed: a thread's progress is observed through the budget's own counters,
/// and the long expectation timeouts only turn a deadlock into a failure.
final class MemoryBudgetTests: XCTestCase {
    /// Runs `body` on a new thread; the expectation is fulfilled when it returns.
    private func onThread(_ name: String, _ body: @escaping @Sendable () -> Void) -> XCTestExpectation {
        let done = expectation(description: name)
        Thread.detachNewThread {
            body()
            done.fulfill()
        }
        return done
    }

    /// Starts a thread that holds `bytes` of `budget` until `release` is signalled, and returns
    /// once it holds them.
    private func holdOnAnotherThread(_ bytes: UInt64, of budget: MemoryBudget) -> (done: XCTestExpectation, release: DispatchSemaphore) {
        let holds = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let done = onThread("holder") {
            budget.account().holding(bytes) {
                holds.signal()
                release.wait()
            }
        }
        holds.wait()
        return (done, release)
    }

    /// Waits until `condition` holds; fails (instead of hanging) if it has not after a minute.
    private func eventually(_ what: String, _ condition: () -> Bool) {
        let giveUp = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < giveUp else { return XCTFail("never: \(what)") }
            usleep(1000)
        }
    }

    func testAReservationThatDoesNotFitWaitsForTheOtherThreadToRelease() {
        let budget = MemoryBudget(limit: 100)
        let secondEntered = Flag()
        let seenBySecond = Flag()
        let first = holdOnAnotherThread(60, of: budget)
        let second = onThread("second") {
            budget.account().holding(60) {
                // The first thread's 60 bytes are gone by the time the second holds its own.
                if budget.reservedBytes == 60 { seenBySecond.set() }
                secondEntered.set()
            }
        }
        eventually("a thread waits") { budget.waitingThreads == 1 }
        XCTAssertFalse(secondEntered.isSet, "60 + 60 bytes do not fit in 100 while the first thread holds its 60")
        XCTAssertEqual(budget.reservedBytes, 60)
        first.release.signal()
        wait(for: [first.done, second], timeout: 60)
        XCTAssertTrue(secondEntered.isSet)
        XCTAssertTrue(seenBySecond.isSet)
        XCTAssertEqual(budget.reservedBytes, 0)
        XCTAssertEqual(budget.waitingThreads, 0)
    }

    func testReservationsThatFitTogetherDoNotWait() {
        let budget = MemoryBudget(limit: 100)
        let first = holdOnAnotherThread(60, of: budget)
        var reservedInside: UInt64 = 0
        budget.account().holding(40) { reservedInside = budget.reservedBytes }
        XCTAssertEqual(reservedInside, 100)
        first.release.signal()
        wait(for: [first.done], timeout: 60)
        XCTAssertEqual(budget.reservedBytes, 0)
    }

    func testReservationsUnderTheSmallestAreNotMadeAndDoNotWait() {
        let budget = MemoryBudget(limit: 100, smallest: 10)
        let first = holdOnAnotherThread(95, of: budget)
        let small = onThread("small") {
            let account = budget.account()
            account.holding(9) { account.grow(by: 9) }
        }
        wait(for: [small], timeout: 60)
        XCTAssertEqual(budget.reservedBytes, 95)
        XCTAssertEqual(budget.waitingThreads, 0)
        first.release.signal()
        wait(for: [first.done], timeout: 60)
    }

    func testAThreadAloneGoesAheadWithMoreThanTheBudget() {
        let budget = MemoryBudget(limit: 100)
        let account = budget.account()
        var held: UInt64 = 0
        account.holding(250) {
            account.grow(by: 500)
            held = account.held
        }
        XCTAssertEqual(held, 750)
        XCTAssertEqual(account.held, 0)
        XCTAssertEqual(budget.reservedBytes, 0)
    }

    /// Two holders that each ask for more: the second waits for the first, so the first must
    /// not wait for the second (a deadlock); it goes over the budget instead.
    func testAHolderAskingForMoreWhileTheOtherHolderWaitsGoesAhead() {
        let budget = MemoryBudget(limit: 100)
        let firstHolds = DispatchSemaphore(value: 0)
        let firstMayGrow = DispatchSemaphore(value: 0)
        let firstGrew = Flag()
        let secondGrewAfterFirstReleased = Flag()
        let first = onThread("first") {
            let account = budget.account()
            account.holding(40) {
                firstHolds.signal()
                firstMayGrow.wait()
                account.grow(by: 40)
                firstGrew.set()
            }
        }
        firstHolds.wait()
        let secondHolds = DispatchSemaphore(value: 0)
        let second = onThread("second") {
            let account = budget.account()
            account.holding(40) {
                secondHolds.signal()
                account.grow(by: 40)
                if firstGrew.isSet, budget.reservedBytes == 80 { secondGrewAfterFirstReleased.set() }
            }
        }
        secondHolds.wait()
        eventually("a thread waits") { budget.waitingThreads == 1 }
        firstMayGrow.signal()
        wait(for: [first, second], timeout: 60)
        XCTAssertTrue(firstGrew.isSet)
        XCTAssertTrue(secondGrewAfterFirstReleased.isSet, "the second thread grows only once the first released all it held")
        XCTAssertEqual(budget.reservedBytes, 0)
    }

    func testWhatAHoldingReservedIsReleasedWhenItsBodyThrows() {
        struct Failure: Error {}
        let budget = MemoryBudget(limit: 100)
        let account = budget.account()
        XCTAssertThrowsError(try account.holding(30) { () throws(Failure) -> Void in
            account.grow(by: 20)
            throw Failure()
        })
        XCTAssertEqual(account.held, 0)
        XCTAssertEqual(budget.reservedBytes, 0)
        account.grow(by: 10)
        XCTAssertEqual(budget.reservedBytes, 0, "outside a holding nothing is reserved, so nothing could stay reserved")
    }
}

/// A flag set by one thread and read by another.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

import BacksightWalk
import Foundation
import Synchronization

/// The reports of a running scan, as an `AsyncSequence`. The walk and the analysis run on
/// their own threads; reports reach the consumer in small batches (a few hundred reports at
/// most wait at any time), so a slow consumer slows the scan rather than growing memory.
/// Stopping the iteration early stops the scan.
public struct ScanResults: AsyncSequence, Sendable {
    public typealias Element = FileReport

    let walker: Walker
    let analyzer: FileAnalyzer
    let options: ScanOptions
    /// Whether the root is a single file (whose on-disk path is then the root itself).
    let rootIsFile: Bool

    public func makeAsyncIterator() -> AsyncIterator {
        let run = ScanRun(walker: walker, analyzer: analyzer, jobs: options.jobs, maximumFileSize: options.maximumFileSize,
                          rootIsFile: rootIsFile)
        return AsyncIterator(run: run, base: run.start().makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let run: ScanRun
        var base: AsyncStream<[FileReport]>.Iterator
        /// The batch being handed out, and the position of the next report in it.
        var batch: [FileReport] = []
        var position = 0

        public mutating func next() async -> FileReport? {
            while position == batch.count {
                guard let next = await base.next() else { return nil }
                run.consumed()
                batch = next
                position = 0
            }
            defer { position += 1 }
            return batch[position]
        }
    }
}

/// One scan in flight: a walker thread feeding a bounded queue, worker threads draining it,
/// and a semaphore that bounds how many batches of finished reports wait for the consumer.
final class ScanRun: Sendable {
    let walker: Walker
    let analyzer: FileAnalyzer
    let jobs: Int
    let maximumFileSize: UInt64
    let rootIsFile: Bool
    /// Walked entries, handed to the workers a few at a time: the walker spends a few
    /// system calls per file, a worker often less on a small one, so handing files over one by
    /// one would put a worker to sleep and wake it again for nearly every file.
    let work: BoundedQueue<[WalkItem]>
    static let walkBatch = 8
    /// How many batches the walker may be ahead of the workers. Where a tree holds many small
    /// files (`usr/share/man`, `usr/share/locale`, `var/lib/dpkg/info`), the workers take them
    /// faster than the walker's system calls give them, and wait; a walker far ahead over the
    /// stretches before (large programs and libraries) hides much of that (two batches a job
    /// before: Benchmarks/where-the-time-goes.md, session 7). Each waiting entry may hold an
    /// open descriptor: at most 8 × 64.
    static let walkAhead = 64
    let room: DispatchSemaphore
    let cancelled = Atomic<Bool>(false)
    let finishedWorkers = Atomic<Int>(0)
    /// What the workers' large files and decodes may hold together (see ``ScanMemory``).
    let memory = ScanMemory.budget()

    init(walker: Walker, analyzer: FileAnalyzer, jobs: Int, maximumFileSize: UInt64, rootIsFile: Bool) {
        self.walker = walker
        self.rootIsFile = rootIsFile
        self.analyzer = analyzer
        self.jobs = jobs
        self.maximumFileSize = maximumFileSize
        work = BoundedQueue(capacity: Self.walkAhead)
        // Start at 0 and signal up to the capacity: libdispatch traps when a semaphore is freed
        // with a value below the one it was created with, which is what a scan stopped early
        // leaves behind (workers took room the consumer never gave back).
        room = DispatchSemaphore(value: 0)
        for _ in 0..<jobs * 4 { room.signal() }
    }

    func start() -> AsyncStream<[FileReport]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [FileReport].self, bufferingPolicy: .unbounded)
        continuation.onTermination = { [self] _ in cancel() }
        Thread.detachNewThread { [self] in
            var pending: [WalkItem] = []
            do throws(WalkError) {
                try walker.walk { item in
                    guard !cancelled.load(ordering: .relaxed) else { return false }
                    pending.append(item)
                    guard pending.count >= Self.walkBatch else { return true }
                    defer { pending = [] }
                    return work.put(pending)
                }
            } catch {
                // The root changed between the check in `Scanner.scan(root:)` and the walk.
                pending.append(.skipped(path: RelativePath(bytes: []), kind: .unknown, reason: error.skipReason))
            }
            if !pending.isEmpty { _ = work.put(pending) }
            work.close()
        }
        for _ in 0..<jobs {
            Thread.detachNewThread { [self] in
                let buffer = ReadBuffer(retainedCapacity: Int(ScanMemory.largeFile))
                let account = memory.account()
                let batch = ReportBatch { reports in
                    // Checked before waiting too: after a cancel, each worker may take at
                    // most one of the signals `cancel()` gives.
                    if self.cancelled.load(ordering: .relaxed) { return false }
                    self.room.wait()
                    if self.cancelled.load(ordering: .relaxed) { return false }
                    continuation.yield(reports)
                    return true
                }
                // A worker about to wait for work first sends what it holds, so reports never
                // sit in a batch while the scan is idle.
                scanning: while let items = work.take(beforeWaiting: { _ = batch.send() }) {
                    for item in items {
                        // What a large file would hold back goes first.
                        if case let .file(file) = item, file.size >= ReportBatch.largeFile, !batch.send() { break scanning }
                        // Container members are delivered while the container is read, then the container.
                        if !batch.add(self.report(for: item, buffer: buffer, memory: account, members: batch.add)) { break scanning }
                    }
                }
                _ = batch.send()
                if finishedWorkers.add(1, ordering: .acquiringAndReleasing).newValue == jobs {
                    continuation.finish()
                }
            }
        }
        return stream
    }

    /// Where a walked file is on disk: the root itself for a single-file scan, else the root
    /// joined with the path inside it.
    func diskPath(of path: RelativePath) -> [UInt8] {
        let root = Array(walker.root.utf8)
        if rootIsFile { return root }
        return root.last == UInt8(ascii: "/") ? root + path.bytes : root + [UInt8(ascii: "/")] + path.bytes
    }

    /// The consumer took a report: one more may wait.
    func consumed() { room.signal() }

    func cancel() {
        guard !cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        work.close()
        for _ in 0..<jobs { room.signal() }
    }

    func report(for item: WalkItem, buffer: ReadBuffer, memory: MemoryBudget.Account, members: (FileReport) -> Bool) -> FileReport {
        switch item {
        case let .file(file):
            return memory.holding(ScanMemory.reservation(fileSize: file.size, readLimit: maximumFileSize)) {
                defer { buffer.shrinkIfLarge() }
                do throws(FileReadError) {
                    let bytes = try file.read(into: buffer, limit: maximumFileSize)
                    var report = analyzer.analyze(path: file.path.description, bytes: bytes, diskPath: diskPath(of: file.path), memory: memory,
                                                  members: members)
                    if let change = file.sizeChange(afterReading: bytes.count, limit: maximumFileSize) { report.problems.append(change.description) }
                    return report
                } catch {
                    return FileReport(path: file.path.description, kind: .unknown, size: file.size,
                                      skip: Skip(reason: "unreadable", message: error.description))
                }
            }
        case let .symlink(path, target):
            return FileReport(path: path.description, kind: .symlink, linkTarget: RelativePath.escape(target))
        case let .hardLink(path, first):
            return FileReport(path: path.description, kind: .hardlink, linkTarget: first.description)
        case let .skipped(path, kind, reason):
            return FileReport(path: path.description, kind: FileKind(kind), skip: Skip(reason: reason.code, message: reason.description))
        case let .claimedDirectory(path, isRoot):
            let onDisk = isRoot ? walker.root : String(decoding: diskPath(of: path), as: UTF8.self)
            return analyzer.analyzeImageLayout(path: path.description, diskPath: onDisk, openRecorder: walker.options.openRecorder, members: members)
        }
    }
}

/// The finished reports of one worker, handed to the consumer together: one semaphore wait
/// and one stream yield per batch instead of per file. A batch goes when it is full, when a
/// report is added after the oldest has waited `maximumDelay`, before the worker starts on a
/// file of `largeFile` bytes or more, or when the worker is about to wait for work.
final class ReportBatch {
    static let capacity = 64
    static let maximumDelay = Duration.milliseconds(50)
    static let largeFile: UInt64 = 4 << 20

    private var reports: [FileReport] = []
    private var oldest: ContinuousClock.Instant?
    private let deliver: ([FileReport]) -> Bool

    /// `deliver` hands a batch on; it returns false when the scan was stopped.
    init(deliver: @escaping ([FileReport]) -> Bool) {
        self.deliver = deliver
    }

    /// Adds a report; false when the scan was stopped.
    func add(_ report: FileReport) -> Bool {
        let now = ContinuousClock.now
        if reports.isEmpty { oldest = now }
        reports.append(report)
        guard reports.count >= Self.capacity || oldest.map({ now - $0 >= Self.maximumDelay }) ?? false else { return true }
        return send()
    }

    /// Hands on the reports held, if any; false when the scan was stopped.
    func send() -> Bool {
        guard !reports.isEmpty else { return true }
        defer { reports = [] }
        return deliver(reports)
    }
}

extension FileKind {
    init(_ kind: EntryKind) {
        switch kind {
        case .regular: self = .data
        case .directory: self = .directory
        case .symlink: self = .symlink
        case .fifo: self = .fifo
        case .socket: self = .socket
        case .characterDevice: self = .characterDevice
        case .blockDevice: self = .blockDevice
        case .unknown: self = .unknown
        }
    }
}

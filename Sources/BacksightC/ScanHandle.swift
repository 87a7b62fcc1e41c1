import Backsight
import Foundation
import Synchronization

/// The state behind one `backsight_scan *`: the scanner, the pipe its reports come through, and
/// the report last handed to C (kept alive until the next call).
final class ScanHandle {
    let scanner: Backsight.Scanner
    let pipe = ReportPipe()
    /// The task feeding a path scan into the pipe; cancelled with the scan, which stops the walk.
    private let producer = Mutex<Task<Void, Never>?>(nil)
    /// Touched only by the thread that owns the scan (one at a time, as the header says).
    private(set) var started = false
    private var current = UnsafeMutableBufferPointer<CChar>(start: nil, count: 0)

    init(scanner: Backsight.Scanner) {
        self.scanner = scanner
    }

    /// Starts a scan of a directory tree or one file.
    func start(path: String) throws(ScanError) {
        let results = try scanner.scan(root: path)
        started = true
        let pipe = pipe
        let task = Task.detached {
            var renderer = JSONLinesRenderer()
            for await report in results {
                guard let line = renderer.render(report) else { continue }
                if !pipe.put(line.utf8CString) { break }
            }
            pipe.finish()
        }
        producer.withLock { $0 = task }
        // A cancel that came before the task was stored must still stop it.
        if pipe.isCancelled { task.cancel() }
    }

    /// Starts a scan of one buffer (copied) as the file `path`.
    func start(bytes: [UInt8], path: String) {
        started = true
        let scanner = scanner
        let pipe = pipe
        Thread.detachNewThread {
            var renderer = JSONLinesRenderer()
            let deliver = { (report: FileReport) in
                if let line = renderer.render(report) { _ = pipe.put(line.utf8CString) }
            }
            let report = scanner.scan(bytes: bytes, path: path) { member in deliver(member) }
            deliver(report)
            pipe.finish()
        }
    }

    deinit {
        current.deallocate()
    }

    /// What `next` gave C.
    enum Next {
        /// A NUL-terminated report of `length` bytes, valid until the next call or the free.
        case report(UnsafePointer<CChar>, length: Int)
        case finished
        case cancelled
    }

    /// The next report, copied into memory this handle owns until the next call.
    func next() -> Next {
        switch pipe.take() {
        case .finished: return .finished
        case .cancelled: return .cancelled
        case let .report(line):
            current.deallocate()
            current = .allocate(capacity: line.count)
            _ = current.initialize(from: line)
            guard let start = current.baseAddress else { return .cancelled }
            // `utf8CString` ends with the NUL.
            return .report(UnsafePointer(start), length: line.count - 1)
        }
    }

    func cancel() {
        pipe.cancel()
        producer.withLock { $0?.cancel() }
    }
}

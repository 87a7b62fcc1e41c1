@testable import BacksightWalk
import BacksightTestSupport
import Foundation
import XCTest

final class WalkerTests: XCTestCase {
    private func walk(_ root: String, options: WalkOptions = WalkOptions()) throws -> [String: WalkItem] {
        var items: [String: WalkItem] = [:]
        try Walker(root: root, options: options).walk { item in
            items[item.path.description] = item
            return true
        }
        return items
    }

    func testHostileTreeEveryEntryReportedNothingFollowed() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let items = try walk(tree.root)

        for link in ["loop-a", "loop-b", "host-etc", "escape", "usr/lib/libzero.so", "usr/lib/libfake.so"] {
            guard case .symlink = items[link] else { return XCTFail("\(link) should be reported as a link, got \(String(describing: items[link]))") }
        }
        guard case let .symlink(_, target) = items["host-etc"] else { return XCTFail() }
        XCTAssertEqual(target, Array("/etc".utf8))
        XCTAssertNil(items["host-etc/passwd"], "the walk must not enter a link")

        guard case let .skipped(_, kind, reason) = items["fifo"] else { return XCTFail("fifo not reported") }
        XCTAssertEqual(kind, .fifo)
        XCTAssertEqual(reason, .notRegularFile(.fifo))
        if tree.hasDevice {
            guard case let .skipped(_, deviceKind, _) = items["null"] else { return XCTFail("device not reported") }
            XCTAssertEqual(deviceKind, .characterDevice)
        }
        XCTAssertNotNil(items["bad-\\xff\\xfe"], "non-UTF-8 name escaped: \(items.keys.sorted())")
        XCTAssertNotNil(items["new\\x0aline"], "newline escaped: \(items.keys.sorted())")
        guard case .file = items["empty"] else { return XCTFail("empty file is a file") }
        guard case .file = items["usr/lib/truncated.so"] else { return XCTFail("truncated ELF is a file") }

        // Hard links: scanned once, the second name points at the first.
        let motd = [items["etc/motd"], items["etc/motd.again"]]
        XCTAssertEqual(motd.filter { if case .file = $0 { return true } else { return false } }.count, 1)
        XCTAssertEqual(motd.filter { if case .hardLink = $0 { return true } else { return false } }.count, 1)

        if getuid() != 0 {
            guard case let .skipped(_, _, unreadable) = items["unreadable"] else { return XCTFail("unreadable file not skipped") }
            XCTAssertEqual(unreadable, .unreadable(errno: EACCES))
            guard case let .skipped(_, _, locked) = items["locked"] else { return XCTFail("locked directory not skipped") }
            XCTAssertEqual(locked, .unreadable(errno: EACCES))
        }
    }

    func testEveryOpenedFileIsARegularFileInsideTheRoot() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        var opened: [OpenedFile] = []
        try Walker(root: tree.root).walk { item in
            if case let .file(file) = item { opened.append(file) }
            return true
        }
        XCTAssertFalse(opened.isEmpty)
        for file in opened {
            var info = stat()
            XCTAssertEqual(fstat(file.descriptor, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, "\(file.path) is not a regular file")
            // The descriptor's real path lies inside the root.
            let real = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(file.descriptor)")
            XCTAssertTrue(real.hasPrefix(tree.root + "/"), "\(real) is outside \(tree.root)")
        }
    }

    func testLimitsAreReportedSkips() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let deep = (0..<6).map { "d\($0)" }.joined(separator: "/")
        try FileManager.default.createDirectory(atPath: tree.root + "/" + deep, withIntermediateDirectories: true)
        var options = WalkOptions()
        options.maximumFileSize = 10
        options.maximumDepth = 3
        let items = try walk(tree.root, options: options)
        guard case let .skipped(_, _, size) = items["usr/lib/real.so"] else { return XCTFail("large file not skipped") }
        if case .tooLarge(_, let limit) = size { XCTAssertEqual(limit, 10) } else { XCTFail("\(size)") }
        guard case let .skipped(_, _, depth) = items["d0/d1/d2/d3"] else { return XCTFail("deep directory not skipped: \(items.keys.sorted())") }
        XCTAssertEqual(depth, .depthLimit(3))
    }

    func testStoppingEarlyStopsTheWalk() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        var count = 0
        try Walker(root: tree.root).walk { _ in
            count += 1
            return count < 3
        }
        XCTAssertEqual(count, 3)
    }

    func testReadBufferReadsWholeFile() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        var file: OpenedFile?
        try Walker(root: tree.root + "/usr/lib/real.so").walk { item in
            if case let .file(opened) = item { file = opened }
            return false
        }
        let opened = try XCTUnwrap(file)
        let buffer = ReadBuffer()
        let bytes = try opened.read(into: buffer, limit: 1 << 30)
        XCTAssertEqual(Data(bytes), try Data(contentsOf: URL(fileURLWithPath: "/bin/true")))
    }
}

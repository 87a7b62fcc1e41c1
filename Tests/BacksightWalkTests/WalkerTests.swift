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

/// The full hostile rootfs suite at the walker: every entry reported as expected, races
/// included, and every open inside the root.
final class HostileSuiteWalkerTests: XCTestCase {
    /// What the walker reported, in the terms of ``HostileTree/Expectation``.
    private func outcome(_ item: WalkItem) -> HostileTree.Expectation.Outcome {
        switch item {
        case .file: return .file
        case let .symlink(_, target): return .symlink(target: RelativePath.escape(target))
        case .hardLink: return .hardLink
        case let .skipped(_, _, reason): return .skipped(reason: reason.code)
        // No directory is claimed here (the options claim none): an expectation fails on it.
        case .claimedDirectory: return .skipped(reason: "claimed-directory")
        }
    }

    func testEveryHostileEntryIsReportedAsExpectedAndNothingOutsideTheRootIsOpened() throws {
        let tree = try HostileTree(full: true)
        defer { tree.remove() }
        let recorder = OpenRecorder()
        var options = WalkOptions()
        options.openRecorder = recorder
        options.hooks = tree.raceHooks
        var reported: [String: HostileTree.Expectation.Outcome] = [:]
        var kinds: [String: EntryKind] = [:]
        try Walker(root: tree.root, options: options).walk { item in
            XCTAssertNil(reported[item.path.description], "\(item.path) reported twice")
            reported[item.path.description] = outcome(item)
            if case let .skipped(_, kind, _) = item { kinds[item.path.description] = kind }
            return true
        }

        let expected = tree.expectations(permissionsApply: getuid() != 0, racing: true)
        for (path, expectation) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(reported[path], expectation.outcome, "\(path): expected \(expectation)")
        }
        let unexpected = Set(reported.keys).subtracting(expected.keys)
        XCTAssertEqual(unexpected, [], "reported but not part of the suite")
        // Special files keep their kind, so the reason can say what they are.
        XCTAssertEqual(kinds["run/socket"], .socket)
        XCTAssertEqual(kinds["fifo"], .fifo)
        XCTAssertEqual(kinds["race/swapped-for-fifo"], .fifo)
        if tree.hasDeviceNodes {
            XCTAssertEqual(kinds["dev/zero"], .characterDevice)
            XCTAssertEqual(kinds["dev/loop0"], .blockDevice)
        }

        // Every open: the kernel's name for it lies inside the root, or, for the paths longer
        // than PATH_MAX that the kernel cannot name, it is one of the inodes made there.
        let opened = recorder.opened
        XCTAssertGreaterThan(opened.count, HostileTree.manyEntries + HostileTree.deepLevels, "every file and directory opened is recorded")
        for entry in recorder.entries(outside: tree.root) {
            XCTAssertTrue(entry.resolved.isEmpty && tree.longPathIdentities.contains([entry.device, entry.inode]),
                          "\(entry.requested) opened outside the root: \(entry.resolvedPath)")
        }
        XCTAssertTrue(opened.contains { $0.resolved.isEmpty }, "the PATH_MAX case is exercised")
        XCTAssertFalse(opened.contains { $0.requested.hasPrefix("links/") || $0.requested.hasPrefix("dev/") || $0.requested == "run/socket" })
    }

    func testDepthLimitIsAReportedSkipAtTheExactLevel() throws {
        let tree = try HostileTree(full: true)
        defer { tree.remove() }
        var options = WalkOptions()
        options.maximumDepth = 100
        var skips: [String: SkipReason] = [:]
        var files: Set<String> = []
        try Walker(root: tree.root, options: options).walk { item in
            if case let .skipped(path, _, reason) = item { skips[path.description] = reason }
            if case let .file(file) = item { files.insert(file.path.description) }
            return true
        }
        // The root's frame, `deep`, then 99 `d`: the 100th `d` is one level too many.
        let tooDeep = "deep/" + Array(repeating: "d", count: 100).joined(separator: "/")
        XCTAssertEqual(skips[tooDeep], .depthLimit(100))
        let tooLong = "long/" + Array(repeating: HostileTree.longComponent, count: 100).joined(separator: "/")
        XCTAssertEqual(skips[tooLong], .depthLimit(100))
        XCTAssertFalse(files.contains(HostileTree.deepLeaf))
        XCTAssertEqual(skips.values.filter { $0 == .depthLimit(100) }.count, 2)
    }
}

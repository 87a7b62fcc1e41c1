import Backsight
import BacksightTestSupport
import Foundation
import XCTest

final class ScannerTests: XCTestCase {
    private func collect(_ results: ScanResults) async -> [String: FileReport] {
        var reports: [String: FileReport] = [:]
        for await report in results { reports[report.path] = report }
        return reports
    }

    func testHostileTreeScansToCompletionWithEveryEntryReported() async throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let scanner = Scanner(ruleSet: .empty, options: ScanOptions(jobs: 2))
        let reports = await collect(try scanner.scan(root: tree.root))

        XCTAssertEqual(reports["loop-a"]?.kind, .symlink)
        XCTAssertEqual(reports["host-etc"]?.linkTarget, "/etc")
        XCTAssertEqual(reports["escape"]?.kind, .symlink)
        XCTAssertEqual(reports["fifo"]?.kind, .fifo)
        XCTAssertEqual(reports["fifo"]?.skip?.reason, "not-regular-file")
        if tree.hasDevice { XCTAssertEqual(reports["null"]?.skip?.reason, "not-regular-file") }
        XCTAssertEqual(reports["empty"]?.kind, .empty)
        XCTAssertEqual(reports["usr/lib/real.so"]?.kind, .elf)
        XCTAssertEqual(reports["usr/lib/real.so"]?.architecture, "x86_64")
        XCTAssertEqual(reports["usr/lib/real.so"]?.sha256?.count, 64)
        let truncated = try XCTUnwrap(reports["usr/lib/truncated.so"])
        XCTAssertEqual(truncated.kind, .elf)
        XCTAssertTrue(truncated.skip?.reason == "malformed-elf" || !truncated.problems.isEmpty, "truncated ELF reported: \(truncated)")
        XCTAssertNotNil(reports["bad-\\xff\\xfe"])
        XCTAssertEqual(reports["etc/motd"]?.kind ?? reports["etc/motd.again"]?.kind, .text)
        XCTAssertEqual([reports["etc/motd"]?.kind, reports["etc/motd.again"]?.kind].filter { $0 == .hardlink }.count, 1)
        XCTAssertNil(reports["host-etc/passwd"])

        var summary = ScanSummary()
        for report in reports.values { summary.record(report) }
        XCTAssertEqual(summary.elfFiles, 2)
        XCTAssertEqual(summary.symlinks, 6)
        XCTAssertEqual(summary.hardLinks, 1)
    }

    func testSHA256OfKnownBytes() {
        let report = Scanner(ruleSet: .empty).scan(bytes: Array("abc".utf8), path: "abc.txt")
        XCTAssertEqual(report.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(report.kind, .text)
        XCTAssertEqual(report.verdict, .clean)
    }

    func testStoppingEarlyEndsTheScan() async throws {
        let scanner = Scanner(ruleSet: .empty, options: ScanOptions(jobs: 2))
        // Several early stops, then time for the worker threads to exit and free the run: a
        // run freed while reports it made room for were never consumed must not trap.
        for _ in 0..<10 {
            var seen = 0
            for await _ in try scanner.scan(root: "/usr/lib") {
                seen += 1
                if seen == 5 { break }
            }
            XCTAssertEqual(seen, 5)
        }
        try await Task.sleep(for: .milliseconds(500))
    }

    func testUnscannableRootIsATypedError() {
        XCTAssertThrowsError(try Scanner(ruleSet: .empty).scan(root: "/nonexistent/backsight")) { error in
            XCTAssertEqual((error as? ScanError)?.description, "cannot scan /nonexistent/backsight: No such file or directory")
        }
    }
}

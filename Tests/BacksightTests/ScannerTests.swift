@_spi(Testing) import Backsight
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

    func testSHA256OfKnownBytesWhenEveryFileIsHashed() {
        var options = ScanOptions(jobs: 1)
        options.hashesEveryFile = true
        let report = Scanner(ruleSet: .empty, options: options).scan(bytes: Array("abc".utf8), path: "abc.txt")
        XCTAssertEqual(report.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(report.kind, .text)
        XCTAssertEqual(report.verdict, .clean)
        XCTAssertEqual(Scanner(ruleSet: .empty, options: options).scan(bytes: [UInt8](), path: "empty").sha256,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// By default a SHA-256 goes only to ELF files and files with a finding, skip or problem.
    func testDefaultReportsHashOnlyWhatTheyReport() throws {
        let ruleSet = try RuleSet.compile(sources: [RuleSource(path: "t.yaml", text: """
            id: t/marker
            title: t
            severity: low
            condition: {string: BACKSIGHT-TEST-MARKER}
            """)])
        let scanner = Scanner(ruleSet: ruleSet)
        let plain = scanner.scan(bytes: Array("abc\n".utf8), path: "etc/plain.txt")
        XCTAssertEqual(plain.kind, .text)
        XCTAssertTrue(plain.findings.isEmpty)
        XCTAssertNil(plain.sha256, "a text file without findings carries no hash")

        let marked = scanner.scan(bytes: Array("abc BACKSIGHT-TEST-MARKER\n".utf8), path: "etc/marked.txt")
        XCTAssertEqual(marked.findings.map(\.ruleID), ["t/marker"])
        XCTAssertEqual(marked.sha256, "703b83705d8782c86f272925b97259c2c749d648359d239e60c40e419ebd5d05")

        let elfBytes = try Data(contentsOf: Checkout.corpus.appendingPathComponent("auth/pam-master-password/x86_64/pam_backdoor.so"))
        let elf = Scanner(ruleSet: .empty).scan(bytes: [UInt8](elfBytes), path: "lib/x.so")
        XCTAssertEqual(elf.kind, .elf)
        XCTAssertTrue(elf.findings.isEmpty)
        XCTAssertEqual(elf.sha256?.count, 64, "every ELF file carries its hash")

        var options = ScanOptions(jobs: 1)
        options.maximumFileTime = .zero
        let skipped = Scanner(ruleSet: .empty, options: options).scan(bytes: Array("abc\n".utf8), path: "etc/late.txt")
        XCTAssertEqual(skipped.skip?.reason, "time-limit")
        XCTAssertEqual(skipped.sha256?.count, 64, "a skipped file carries its hash")
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

/// The full hostile rootfs suite through the engine: the scan ends, every entry is reported
/// with a reason, limits are reported skips, and nothing outside the root is opened.
final class HostileSuiteScannerTests: XCTestCase {
    private func outcome(_ report: FileReport) -> HostileTree.Expectation.Outcome {
        switch report.kind {
        case .symlink: return .symlink(target: report.linkTarget ?? "")
        case .hardlink: return .hardLink
        default:
            if let skip = report.skip, skip.reason != "malformed-elf" { return .skipped(reason: skip.reason) }
            return .file
        }
    }

    func testEveryHostileEntryIsReportedWithItsReason() async throws {
        let tree = try HostileTree(full: true)
        defer { tree.remove() }
        let recorder = OpenRecorder()
        var options = ScanOptions(jobs: 2)
        options.openRecorder = recorder
        options.walkHooks = tree.raceHooks
        var reports: [String: FileReport] = [:]
        for await report in try Scanner(ruleSet: .empty, options: options).scan(root: tree.root) {
            XCTAssertNil(reports[report.path], "\(report.path) reported twice")
            reports[report.path] = report
        }

        let expected = tree.expectations(permissionsApply: getuid() != 0, racing: true)
        for (path, expectation) in expected.sorted(by: { $0.key < $1.key }) {
            guard let report = reports[path] else {
                XCTFail("\(path) not reported (expected \(expectation))")
                continue
            }
            XCTAssertEqual(outcome(report), expectation.outcome, "\(path): \(report.skip?.message ?? "") \(report.problems)")
            if let skip = report.skip { XCTAssertFalse(skip.message.isEmpty, "\(path): a skip says why") }
            if let problem = expectation.problem {
                XCTAssertTrue(report.problems.contains { $0.contains(problem) }, "\(path): no problem with '\(problem)' in \(report.problems)")
            }
        }
        XCTAssertEqual(Set(reports.keys).subtracting(expected.keys), [], "reported but not part of the suite")
        XCTAssertEqual(reports["var/huge.img"]?.skip?.message, "\(HostileTree.sparseSize) bytes is over the \(ScanOptions().maximumFileSize)-byte file size limit")
        XCTAssertEqual(reports["elf/overlapping-sections.so"]?.kind, .elf)

        for entry in recorder.entries(outside: tree.root) {
            XCTAssertTrue(entry.resolved.isEmpty && tree.longPathIdentities.contains([entry.device, entry.inode]),
                          "\(entry.requested) opened outside the root: \(entry.resolvedPath)")
        }
        XCTAssertGreaterThan(recorder.opened.count, HostileTree.manyEntries)
    }

    func testTimeLimitIsAReportedSkipForEveryFileItStops() async throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        var options = ScanOptions(jobs: 2)
        options.maximumFileTime = .zero
        var reports: [String: FileReport] = [:]
        for await report in try Scanner(ruleSet: .empty, options: options).scan(root: tree.root) { reports[report.path] = report }
        let real = try XCTUnwrap(reports["usr/lib/real.so"])
        XCTAssertEqual(real.skip?.reason, "time-limit")
        XCTAssertEqual(real.skip?.message, "analysis stopped at the 0 s time limit during recognising the file")
        XCTAssertEqual(real.kind, .elf, "what was learnt before the limit is kept")
        XCTAssertEqual(real.sha256?.count, 64)
        XCTAssertEqual(reports["etc/motd"]?.skip?.reason, "time-limit")
        var summary = ScanSummary()
        for report in reports.values { summary.record(report) }
        XCTAssertEqual(summary.regularFiles, 0, "files over the limit count as skipped, not as scanned")
    }

    func testFilesOverTheTimeLimitAreNotMatched() throws {
        // Rules never run on what the deadline cut short: a partial model could satisfy a rule
        // that requires something to be absent, or miss what it requires present.
        let rules = try RuleSet.compile(directories: [try XCTUnwrap(DefaultLocations.rules())])
        let sample = try XCTUnwrap(DefaultLocations.corpus()) + "/auth/sshd-rsa-hook/x86_64/librsahook.so"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: sample)))
        var options = ScanOptions(jobs: 1)
        options.maximumFileTime = nil
        let unlimited = Scanner(ruleSet: rules, options: options).scan(bytes: bytes, path: "usr/lib/librsahook.so")
        XCTAssertTrue(unlimited.findings.contains { $0.ruleID == "auth/sshd-rsa-hook" }, "\(unlimited.findings.map(\.ruleID))")
        options.maximumFileTime = .zero
        let limited = Scanner(ruleSet: rules, options: options).scan(bytes: bytes, path: "usr/lib/librsahook.so")
        XCTAssertEqual(limited.skip?.reason, "time-limit")
        XCTAssertEqual(limited.findings, [])
    }
}

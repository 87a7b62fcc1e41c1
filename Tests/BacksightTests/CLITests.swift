import BacksightTestSupport
import Foundation
import XCTest

/// The command line as users and scripts see it: output, exit codes, errors.
final class CLITests: XCTestCase {
    static let checkout = Checkout.root
    static let binary = checkout.appendingPathComponent(".build/debug/backsight").path

    struct Outcome { var status: Int32; var output: String; var error: String }

    private func run(_ arguments: [String], as user: String? = nil) throws -> Outcome {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary), "build the CLI first: swift build")
        var rulesCopy: URL?
        defer { if let rulesCopy { try? FileManager.default.removeItem(at: rulesCopy.deletingLastPathComponent()) } }
        var executable = Self.binary
        var fullArguments = arguments
        var environment: [String: String]?
        if let user {
            executable = "/usr/bin/setpriv"
            fullArguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", Self.binary] + arguments
            // The checkout may sit in a directory only its owner can enter (a `mktemp -d`
            // clone): the unprivileged user reads a copy of the rules from where it can.
            let rules = try Self.readableCopyOfRules()
            rulesCopy = rules
            environment = ProcessInfo.processInfo.environment.merging(["BACKSIGHT_RULES": rules.path]) { $1 }
        }
        let outcome = try ChildProcess.spawn(executable, fullArguments, environment: environment, collectError: true)
        return Outcome(status: outcome.status, output: String(decoding: outcome.output, as: UTF8.self),
                       error: String(decoding: outcome.error, as: UTF8.self))
    }

    /// A copy of the bundled rules in a fresh world-readable directory; returns the copy.
    private static func readableCopyOfRules() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
        let copy = directory.appendingPathComponent("Rules")
        try FileManager.default.copyItem(at: Checkout.rules, to: copy)
        return copy
    }

    func testHostileTreeJSONLinesAndExitCode() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        // As an unprivileged user when we are root, so permission errors are real.
        let user: String? = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") ? "65534" : nil
        let outcome = try run(["scan", tree.root, "--format", "jsonl"], as: user)
        XCTAssertEqual(outcome.status, 0, outcome.error)
        let lines = outcome.output.split(separator: "\n")
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(objects.last?["type"] as? String, "summary")
        var byPath: [String: [String: Any]] = [:]
        for object in objects.dropLast() { byPath[object["path"] as? String ?? ""] = object }
        for path in ["loop-a", "loop-b", "host-etc", "escape", "fifo", "empty", "usr/lib/truncated.so", "usr/lib/real.so", "bad-\\xff\\xfe", "new\\x0aline", "unreadable", "locked"] {
            XCTAssertNotNil(byPath[path], "\(path) not reported")
        }
        XCTAssertEqual((byPath["fifo"]?["skip"] as? [String: Any])?["reason"] as? String, "not-regular-file")
        if user != nil || getuid() != 0 {
            XCTAssertEqual((byPath["unreadable"]?["skip"] as? [String: Any])?["reason"] as? String, "unreadable")
            XCTAssertEqual((byPath["locked"]?["skip"] as? [String: Any])?["reason"] as? String, "unreadable")
        }
    }

    func testFullHostileSuiteAsAnUnprivilegedUser() throws {
        let tree = try HostileTree(full: true)
        defer { tree.remove() }
        // Permissions only deny an unprivileged user: run as nobody when the tests run as root.
        let user: String? = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") ? "65534" : nil
        let permissionsApply = user != nil || getuid() != 0
        let outcome = try run(["scan", tree.root, "--format", "jsonl", "--jobs", "2"], as: user)
        XCTAssertEqual(outcome.status, 0, "no finding in the suite: exit 0; stderr: \(outcome.error)")
        XCTAssertEqual(outcome.error, "")
        var reports: [String: [String: Any]] = [:]
        var summary: [String: Any] = [:]
        for line in outcome.output.split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "summary" { summary = object; continue }
            reports[object["path"] as? String ?? ""] = object
        }
        let expected = tree.expectations(permissionsApply: permissionsApply)
        for (path, expectation) in expected {
            let report = try XCTUnwrap(reports[path], "\(path) not reported")
            let skip = report["skip"] as? [String: Any]
            switch expectation.outcome {
            case let .skipped(reason):
                XCTAssertEqual(skip?["reason"] as? String, reason, path)
                XCTAssertFalse((skip?["message"] as? String ?? "").isEmpty, path)
            case let .symlink(target):
                XCTAssertEqual(report["linkTarget"] as? String, target, path)
            case .hardLink:
                XCTAssertEqual(report["kind"] as? String, "hardlink", path)
            case .file:
                XCTAssertTrue(skip == nil || skip?["reason"] as? String == "malformed-elf", "\(path): \(String(describing: skip))")
            }
            if let problem = expectation.problem {
                XCTAssertTrue((report["problems"] as? [String] ?? []).contains { $0.contains(problem) }, "\(path): \(report)")
            }
        }
        XCTAssertEqual(Set(reports.keys).subtracting(expected.keys), [])
        XCTAssertEqual(summary["type"] as? String, "summary")
    }

    func testUsageErrorsExitTwo() throws {
        let outcome = try run(["scan", "--format", "xml", "/tmp"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.error.contains("xml"), outcome.error)
        let missing = try run(["scan", "/nonexistent/backsight"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.error, "backsight: cannot scan /nonexistent/backsight: No such file or directory\n")
    }

    func testInspectJSONDescribesTheModel() throws {
        let outcome = try run(["inspect", "--format", "json", Self.checkout.appendingPathComponent("Corpus/arch/hello/aarch64/libhello.so").path])
        XCTAssertEqual(outcome.status, 0, outcome.error)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let elf = try XCTUnwrap(object["elf"] as? [String: Any])
        XCTAssertEqual((elf["header"] as? [String: Any])?["architecture"] as? String, "aarch64")
        XCTAssertFalse((elf["symbols"] as? [Any] ?? []).isEmpty)
    }

    func testInspectRefusesAFIFO() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let outcome = try run(["inspect", tree.root + "/fifo"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.error, "backsight: \(tree.root)/fifo: is a fifo, not a directory or regular file\n")
    }

    /// `--hash all` gives every file read its SHA-256; by default a clean text file has none.
    func testHashAllHashesEveryFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("abc".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        func hashes(_ extra: [String]) throws -> [String: String] {
            let outcome = try run(["scan", directory.path, "--format", "jsonl"] + extra)
            XCTAssertEqual(outcome.status, 0, outcome.error)
            var found: [String: String] = [:]
            for line in outcome.output.split(separator: "\n") {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if let path = object["path"] as? String, let hash = object["sha256"] as? String { found[path] = hash }
            }
            return found
        }
        XCTAssertEqual(try hashes([]), [:])
        XCTAssertEqual(try hashes(["--hash", "all"]), ["notes.txt": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"])
        XCTAssertEqual(try run(["scan", directory.path, "--hash", "some"]).status, 2, "usage errors exit 2")
    }

    /// `--no-signatures` leaves out the known-sample byte signatures; the technique rule still fires.
    func testNoSignaturesKeepsOnlyTechniqueRules() throws {
        let sample = Self.checkout.appendingPathComponent("Corpus/auth/pam-master-password/x86_64/pam_backdoor.so").path
        func ruleIDs(_ extra: [String]) throws -> Set<String> {
            let outcome = try run(["scan", sample, "--format", "jsonl"] + extra)
            XCTAssertEqual(outcome.status, 1, outcome.error)
            let first = try XCTUnwrap(outcome.output.split(separator: "\n").first)
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
            let findings = try XCTUnwrap(object["findings"] as? [[String: Any]])
            return Set(findings.compactMap { $0["ruleID"] as? String })
        }
        XCTAssertEqual(try ruleIDs([]), ["auth/pam-master-password", "signatures/corpus-pam-master-password"])
        XCTAssertEqual(try ruleIDs(["--no-signatures"]), ["auth/pam-master-password"])
    }
}

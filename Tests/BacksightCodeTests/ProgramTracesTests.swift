import XCTest
import BacksightELF
@testable import BacksightCode

/// Programs that cover their tracks, and the programs that look like them, on x86-64, ARM and
/// MIPS, dynamic and static-stripped (the variant matrix is proven by `rules test`).
final class ProgramTracesTests: XCTestCase {
    static let architectures = ["x86_64", "armhf", "mipsel"]

    private func facts(_ path: String) throws -> [String: [CodeEvidence]] {
        try Corpus.facts(path).fileFacts
    }

    private func builds(_ sample: String, _ name: String, _ arch: String) -> [String] {
        ["programs/\(sample)/\(arch)/\(name)", "programs/\(sample)/\(arch)/\(name)-static-stripped",
         "programs/\(sample)/\(arch)/clang-Os-fp-lld/\(name)-static-stripped"]
    }

    func testSelfDeletionReadsProcSelfExeAndUnlinksThatBuffer() throws {
        for arch in Self.architectures {
            for path in builds("self-deleting-backdoor", "self_delete", arch) {
                let found = try XCTUnwrap(try facts(path)[CodeFact.selfDeleting.rawValue], path)
                XCTAssertTrue(found.contains { $0.note.contains("readlink(\"/proc/self/exe\")") }, "\(path): \(found)")
                XCTAssertTrue(found.contains { $0.note.contains("unlink of that buffer") }, "\(path): \(found)")
            }
        }
    }

    func testHistoryAndLoginRecordWiping() throws {
        for arch in Self.architectures {
            let dynamic = try facts("programs/history-wiping-shell/\(arch)/history_wipe")
            let history = try XCTUnwrap(dynamic[CodeFact.historyDisabled.rawValue], arch)
            XCTAssertTrue(history.contains { $0.note.hasPrefix("unsetenv(\"HISTFILE\")") }, "\(arch): \(history)")
            XCTAssertTrue(history.contains { $0.note.hasPrefix("setenv(\"HISTSIZE\", \"0\")") }, "\(arch): \(history)")
            XCTAssertTrue(history.contains { $0.note.hasPrefix("putenv(\"HISTFILE=/dev/null\")") }, "\(arch): \(history)")
            let records = try XCTUnwrap(dynamic[CodeFact.loginRecordsWiped.rawValue], arch)
            XCTAssertTrue(records.contains { $0.note.hasPrefix("truncate(\"/var/log/wtmp\")") }, "\(arch): \(records)")
            XCTAssertTrue(records.contains { $0.note.hasPrefix("open(\"/var/log/btmp\"") && $0.note.contains("empties") }, "\(arch): \(records)")
            // Static: setenv and putenv are libc code, not system calls; the putenv string still shows.
            for path in builds("history-wiping-shell", "history_wipe", arch).dropFirst() {
                let found = try facts(path)
                XCTAssertNotNil(found[CodeFact.historyDisabled.rawValue], path)
                XCTAssertNotNil(found[CodeFact.shellOnSocket.rawValue], path)
            }
        }
    }

    /// Login-record wiping needs a login record's path in the data: a program that opens files
    /// and mentions `/tmp/` does not have its code read for it, one that names `/var/log/wtmp` does.
    func testLoginRecordWipingIsRuledOutWithoutARecordPath() throws {
        func ruledOut(_ path: String) throws -> Set<CodeFact> {
            let bytes = try Corpus.bytes(path)
            return try bytes.withUnsafeBytes { buffer in
                let image = try XCTUnwrap(ObjectCode(model: try ELFReader.model(of: buffer), bytes: buffer).image)
                return ProgramBehaviour.factsRuledOut(in: image)
            }
        }
        for arch in Self.architectures {
            XCTAssertFalse(try ruledOut("programs/history-wiping-shell/\(arch)/history_wipe").contains(.loginRecordsWiped), arch)
            XCTAssertFalse(try ruledOut("programs/utmp-writer/\(arch)/utmp_writer").contains(.loginRecordsWiped), arch)
            let installer = try ruledOut("programs/tmp-installer/\(arch)/tmp_installer")
            XCTAssertTrue(installer.contains(.loginRecordsWiped), arch)
            XCTAssertFalse(installer.contains(.temporaryDirectoryExecutable), arch)
        }
    }

    func testDropperRunsFromDevShmAndFromMemory() throws {
        for arch in Self.architectures {
            for path in builds("shm-dropper", "shm_dropper", arch) {
                let found = try facts(path)
                let temporary = try XCTUnwrap(found[CodeFact.temporaryDirectoryExecutable.rawValue], path)
                XCTAssertTrue(temporary.contains { $0.note.contains("/dev/shm/.dbus-cache") }, "\(path): \(temporary)")
                XCTAssertNotNil(found[CodeFact.memoryFileExecuted.rawValue], path)
                XCTAssertNotNil(found[CodeFact.connectsOut.rawValue], path)
            }
            let dynamic = try facts("programs/shm-dropper/\(arch)/shm_dropper")
            XCTAssertTrue(dynamic[CodeFact.temporaryDirectoryExecutable.rawValue]?.contains { $0.note.contains("0755") } ?? false, arch)
        }
    }

    /// login's record writes, a shell's own history file and an installer's /tmp files are none of it.
    func testLookAlikesCoverNoTracks() throws {
        let traces: [CodeFact] = [.selfDeleting, .historyDisabled, .loginRecordsWiped, .temporaryDirectoryExecutable, .memoryFileExecuted]
        for arch in Self.architectures {
            for sample in ["utmp-writer/\(arch)/utmp_writer", "history-shell/\(arch)/history_shell", "tmp-installer/\(arch)/tmp_installer"] {
                let found = try facts("programs/" + sample)
                for fact in traces { XCTAssertNil(found[fact.rawValue], "\(sample): \(fact.rawValue) \(found[fact.rawValue] ?? [])") }
            }
            XCTAssertNotNil(try facts("programs/tmp-installer/\(arch)/tmp_installer")[CodeFact.connectsOut.rawValue], arch)
        }
    }

    /// ARM static glibc: cancellable calls load their number into ip for a shared helper.
    func testARMHelperSystemCallsAreNamed() throws {
        let numbers = try helperNumbers("programs/shm-dropper/armhf/shm_dropper-static-stripped")
        XCTAssertTrue(numbers.contains(283), "connect: \(numbers)")
        XCTAssertTrue(numbers.contains(322), "openat: \(numbers)")
        XCTAssertTrue(try helperNumbers("programs/shm-dropper/x86_64/shm_dropper-static-stripped").isEmpty)
    }

    private func helperNumbers(_ path: String) throws -> [Int64] {
        try withCorpusImage(path) { SystemCallHelpers.calls(in: $0).map(\.number) }
    }

    func testAtCallsRelativeToTheWorkingDirectoryAreTheirOlderNames() {
        let (open, arguments) = ProgramBehaviour.relativeToWorkingDirectory("openat", [.constant(0xffff_ff9c), .constant(0x1000), .constant(0x241)])
        XCTAssertEqual(open, "open")
        XCTAssertEqual(arguments, [.constant(0x1000), .constant(0x241)])
        XCTAssertEqual(ProgramBehaviour.relativeToWorkingDirectory("unlinkat", [.constant(-100), .argument(0), .constant(0x200)]).0, "unlinkat")
        XCTAssertEqual(ProgramBehaviour.relativeToWorkingDirectory("openat", [.argument(0), .argument(1)]).0, "openat")
    }
}

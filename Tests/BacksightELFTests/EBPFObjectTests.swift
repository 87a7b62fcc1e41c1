@testable import BacksightELF
import Foundation
import XCTest

/// eBPF objects found as files of their own and embedded in a loader, in both byte orders, and
/// their helper calls read from the code as `llvm-objdump -d` shows them.
final class EBPFObjectTests: XCTestCase {
    private func objects(_ relative: String) throws -> [EBPFObject] {
        let bytes = [UInt8](try Data(contentsOf: CorpusFiles.root.appendingPathComponent(relative)))
        return bytes.withUnsafeBytes { EBPFObject.find(in: $0) }
    }

    /// The helpers of bpf/getdents-hide by section: pid_tgid and map_update on entry; pid_tgid,
    /// map_lookup, map_delete, probe_read_user, probe_read_user_str and probe_write_user on exit.
    private let entryHelpers: [Int32] = [14, 2]
    private let exitHelpers: Set<Int32> = [14, 1, 3, 112, 114, 36]

    func testHelperCallsOfAnObjectInEitherByteOrder() throws {
        for file in ["bpf/getdents-hide/getdents-hide.bpf.o", "bpf/getdents-hide/getdents-hide.bpfeb.o"] {
            let found = try objects(file)
            XCTAssertEqual(found.count, 1, file)
            let object = try XCTUnwrap(found.first)
            XCTAssertEqual(object.offset, 0)
            let entry = object.calls.filter { $0.section == "tracepoint/syscalls/sys_enter_getdents64" }.map(\.helper)
            let exit = object.calls.filter { $0.section == "tracepoint/syscalls/sys_exit_getdents64" }.map(\.helper)
            XCTAssertEqual(entry, entryHelpers, file)
            XCTAssertEqual(Set(exit), exitHelpers, file)
            XCTAssertEqual(exit.filter { $0 == 36 }.count, 1, file)
            XCTAssertTrue(object.calls.allSatisfy { $0.offset % 8 == 0 }, file)
            XCTAssertEqual(object.programs, ["tracepoint/syscalls/sys_enter_getdents64", "tracepoint/syscalls/sys_exit_getdents64"], file)
        }
    }

    func testAnObjectEmbeddedInALoaderIsFoundWhereItLies() throws {
        let standalone = try objects("bpf/getdents-hide/getdents-hide.bpf.o")
        let object = [UInt8](try Data(contentsOf: CorpusFiles.root.appendingPathComponent("bpf/getdents-hide/getdents-hide.bpf.o")))
        for arch in ["x86_64", "aarch64"] {
            let path = "bpf/getdents-hide/\(arch)/getdents-hide-loader"
            let loader = [UInt8](try Data(contentsOf: CorpusFiles.root.appendingPathComponent(path)))
            let found = try objects(path)
            XCTAssertEqual(found.count, 1, path)
            let embedded = try XCTUnwrap(found.first)
            XCTAssertGreaterThan(embedded.offset, 0)
            XCTAssertEqual(Array(loader[embedded.offset..<(embedded.offset + object.count)]), object, "the object lies verbatim at the offset")
            XCTAssertEqual(embedded.calls, standalone.first?.calls, path)
        }
    }

    func testProbeProgramsAreListedBySection() throws {
        XCTAssertEqual(try objects("bpf/pam-probe/pam-probe.bpf.o").first?.programs, ["uprobe/pam_get_authtok", "uretprobe/pam_get_authtok"])
        XCTAssertEqual(try objects("bpf/alloc-profile/x86_64/alloc-profile-loader").first?.programs, ["uprobe"], "both probes share one section")
    }

    func testTheTracerReadsAndNeverWrites() throws {
        for path in ["bpf/exec-trace/exec-trace.bpf.o", "bpf/exec-trace/x86_64/exec-trace-loader"] {
            let helpers = Set(try objects(path).flatMap(\.calls).map(\.helper))
            XCTAssertEqual(helpers, [14, 16, 114, 130], path)
        }
    }

    /// Files that are not eBPF objects and carry none, and hostile candidates: a magic with a
    /// BPF machine and nothing parseable after it, and more candidates than are looked at.
    func testOtherFilesAndHostileCandidatesGiveNoObject() throws {
        XCTAssertEqual(try objects("arch/hello/x86_64/libhello.so"), [])
        var header = [UInt8](repeating: 0, count: 64)
        header[0...3] = [0x7f, 0x45, 0x4c, 0x46]
        header[4] = 2
        header[5] = 1
        header[18] = 247
        XCTAssertEqual(header.withUnsafeBytes { EBPFObject.find(in: $0) }, [], "a header alone does not parse")
        let repeated = Array([[UInt8](repeating: 0x41, count: 3)] + Array(repeating: header, count: 200)).flatMap { $0 }
        XCTAssertEqual(repeated.withUnsafeBytes { EBPFObject.find(in: $0) }, [])
    }
}

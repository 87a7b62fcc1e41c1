import XCTest
import BacksightELF
@testable import BacksightCode

/// Backdoor programs and their hard negatives, dynamic and static-stripped, on x86-64, ARM and MIPS.
final class ProgramBehaviourTests: XCTestCase {
    static let architectures = ["x86_64", "armhf", "mipsel"]
    static let staticArchitectures = ["x86_64", "armhf", "mipsel"]

    private func fileFacts(_ path: String) throws -> [String: [CodeEvidence]] {
        try Corpus.facts(path).fileFacts
    }

    func testBindAndReverseShellsPutTheSocketUnderAShell() throws {
        for arch in Self.architectures {
            let stripped = Self.staticArchitectures.contains(arch)
                ? ["programs/bind-shell/\(arch)/bind_shell-static-stripped", "programs/reverse-shell/\(arch)/reverse_shell-static-stripped"] : []
            for path in ["programs/bind-shell/\(arch)/bind_shell", "programs/reverse-shell/\(arch)/reverse_shell"] + stripped {
                let facts = try fileFacts(path)
                let shell = try XCTUnwrap(facts[CodeFact.shellOnSocket.rawValue], "\(path): \(facts.keys.sorted())")
                XCTAssertEqual(Set(facts[CodeFact.descriptorsDuplicatedOntoStdio.rawValue]?.map(\.note) ?? []).count, 3, path)
                XCTAssertTrue(shell.contains { $0.note.contains("socket: an Internet or packet socket") }, "\(path): \(shell)")
                let executed = try XCTUnwrap(facts[CodeFact.shellExecuted.rawValue]?.first, path)
                XCTAssertTrue(executed.note.contains("/bin/sh") || executed.note.contains("/bin/bash"), executed.note)
                if path.hasSuffix("stripped") {
                    // No symbols: the callees are libc wrappers named by the system calls they make.
                    XCTAssertTrue(shell.allSatisfy { $0.function?.hasPrefix("code at 0x") ?? false }, "\(path): \(shell)")
                }
            }
        }
    }

    /// With facts ruled out, the analysis looks only for the calls the others need, and finds
    /// the others exactly as the whole analysis does.
    func testRuledOutFactsLeaveTheOthersAsTheyAre() throws {
        for path in ["programs/bind-shell/x86_64/bind_shell", "programs/magic-packet-listener/armhf/magic_listener",
                     "programs/kthread-masquerade/mipsel/kthread_name"] {
            let bytes = try Corpus.bytes(path)
            try bytes.withUnsafeBytes { buffer in
                let model = try ELFReader.model(of: buffer)
                let whole = CodeAnalyzer.analyze(model, bytes: buffer, request: .programBehaviour).fileFacts
                XCTAssertFalse(whole.isEmpty, path)
                for kept in whole.keys {
                    let others = Set(CodeFact.allCases.map(\.rawValue)).subtracting([kept])
                    let narrowed = CodeAnalyzer.analyzeProgram(ObjectCode(model: model, bytes: buffer), ruledOut: others).fileFacts
                    XCTAssertEqual(narrowed[kept], whole[kept], "\(path): \(kept)")
                }
            }
        }
    }

    func testMagicPacketListenerOpensAPacketSocketWithAFilter() throws {
        for arch in Self.architectures {
            let stripped = Self.staticArchitectures.contains(arch) ? ["programs/magic-packet-listener/\(arch)/magic_listener-static-stripped"] : []
            for path in ["programs/magic-packet-listener/\(arch)/magic_listener"] + stripped {
                let facts = try fileFacts(path)
                XCTAssertTrue(facts[CodeFact.rawPacketSocket.rawValue]?.first?.note.contains("AF_PACKET") ?? false, "\(path): \(facts.keys.sorted())")
                // Static glibc's five-argument setsockopt goes through a shared system-call helper on ARM
                // (the number in ip) and MIPS (`__mips_syscall5`, the number on the stack): SystemCallHelpers.
                XCTAssertTrue(facts[CodeFact.socketFilterAttached.rawValue]?.first?.note.contains("SO_ATTACH_FILTER") ?? false, path)
                XCTAssertNotNil(facts[CodeFact.shellExecuted.rawValue], path)
                let program = try XCTUnwrap(facts[CodeFact.socketFilterProgram.rawValue]?.first, path)
                XCTAssertTrue(program.note.contains("EtherType IPv4"), program.note)
                XCTAssertTrue(program.note.contains("IP protocol UDP"), program.note)
                XCTAssertTrue(program.note.contains("7777"), program.note)
                XCTAssertTrue(program.note.contains("0x51a7c0de"), program.note)
            }
        }
    }

    /// The decoded programs read exactly as `tcpdump -d` prints the expressions they were compiled from.
    func testDecodedFiltersMatchTcpdump() throws {
        let filters = [("magic-packet-listener", "magic_listener", "wake_filter"), ("dhcp-like-client", "dhcp_client", "reply_filter")]
        for (sample, binary, filter) in filters {
            let expected = try String(decoding: Corpus.bytes("programs/\(sample)/src/\(filter).tcpdump-d"), as: UTF8.self)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for arch in Self.architectures {
                let programs = try Corpus.facts("programs/\(sample)/\(arch)/\(binary)").filterPrograms
                XCTAssertEqual(programs.count, 1, "\(sample) \(arch)")
                XCTAssertEqual(programs.first?.listing.map { $0.trimmingCharacters(in: .whitespaces) }, expected, "\(sample) \(arch)")
            }
        }
    }

    func testKernelThreadNameFromPrctlAndArgvCopy() throws {
        for arch in Self.architectures {
            let facts = try fileFacts("programs/kthread-masquerade/\(arch)/kthread_name")
            let names = try XCTUnwrap(facts[CodeFact.kernelThreadName.rawValue], arch)
            XCTAssertTrue(names.contains { $0.note.contains("prctl(PR_SET_NAME)") && $0.note.contains("[kworker/0:2]") }, "\(arch): \(names)")
            XCTAssertTrue(names.contains { $0.note.contains("strncpy") }, "\(arch): \(names)")
        }
        XCTAssertTrue(ProgramBehaviour.looksLikeKernelThread("[ksoftirqd/1]"))
        XCTAssertTrue(ProgramBehaviour.looksLikeKernelThread("kworker/u8:3"))
        XCTAssertFalse(ProgramBehaviour.looksLikeKernelThread("[%s]"))
        XCTAssertFalse(ProgramBehaviour.looksLikeKernelThread("worker"))
    }

    func testHardNegativesAreWhatTheyAre() throws {
        for arch in Self.architectures {
            let dhcp = try fileFacts("programs/dhcp-like-client/\(arch)/dhcp_client")
            XCTAssertNotNil(dhcp[CodeFact.socketFilterAttached.rawValue], arch)
            XCTAssertNil(dhcp[CodeFact.shellExecuted.rawValue], arch)
            XCTAssertNil(dhcp[CodeFact.shellOnSocket.rawValue], arch)
            let telnetd = try fileFacts("programs/telnetd-like/\(arch)/telnetd_like")
            XCTAssertNotNil(telnetd[CodeFact.loginExecuted.rawValue], arch)
            XCTAssertNotNil(telnetd[CodeFact.ptyAllocated.rawValue], arch)
            XCTAssertNil(telnetd[CodeFact.shellOnSocket.rawValue], arch)
            let multiplexer = try fileFacts("programs/pty-multiplexer/\(arch)/pty_mux")
            XCTAssertNotNil(multiplexer[CodeFact.ptyAllocated.rawValue], arch)
            XCTAssertNil(multiplexer[CodeFact.shellOnSocket.rawValue], "\(arch): \(multiplexer[CodeFact.shellOnSocket.rawValue] ?? [])")
        }
    }

    /// Shared libraries are not programs: libc's own dup2 and exec calls are never read.
    func testSharedLibrariesAreNotAnalysedAsPrograms() throws {
        let facts = try Corpus.facts("misc/benign-constructor/x86_64/libbenignctor.so")
        XCTAssertTrue(facts.filterPrograms.isEmpty)
        XCTAssertNil(facts.fileFacts[CodeFact.shellExecuted.rawValue])
    }
}

/// The decoder on hand-made programs: seccomp filters are told apart from packet filters.
final class SocketFilterDecodingTests: XCTestCase {
    private func program(_ raw: [(UInt16, UInt8, UInt8, UInt32)]) -> SocketFilterProgram {
        let instructions: [SocketFilterInstruction] = raw.map { SocketFilterInstruction(code: $0.0, jt: $0.1, jf: $0.2, k: $0.3) }
        return SocketFilterProgram(section: ".rodata", address: 0, fileOffset: 0, instructions: instructions)
    }

    func testSeccompFilterIsNamedAndNotAPacketFilter() {
        // ld [4]; jeq #AUDIT_ARCH_X86_64 jt 0 jf 3; ld [0]; jeq #59 (execve) jt 1 jf 0; ret #ALLOW; ret #KILL
        let seccomp = program([(0x20, 0, 0, 4), (0x15, 0, 3, 0xc000_003e), (0x20, 0, 0, 0), (0x15, 1, 0, 59),
                               (0x06, 0, 0, 0x7fff_0000), (0x06, 0, 0, 0)])
        XCTAssertTrue(seccomp.isSeccomp)
        XCTAssertTrue(seccomp.summary.contains("seccomp"), seccomp.summary)
        XCTAssertEqual(seccomp.listing[1], "(001) jeq      #0xc000003e      jt 2\tjf 5")
        XCTAssertEqual(seccomp.listing[4], "(004) ret      #2147418112")
        let packet = program([(0x28, 0, 0, 12), (0x15, 0, 1, 0x86dd), (0x06, 0, 0, 0xffff), (0x06, 0, 0, 0)])
        XCTAssertFalse(packet.isSeccomp)
        XCTAssertTrue(packet.summary.contains("EtherType IPv6 (0x86dd)"), packet.summary)
    }
}

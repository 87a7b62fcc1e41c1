import XCTest
import BacksightELF
@testable import BacksightCode

/// Bad code never crashes or hangs the analysis, and it stays within its budget.
final class RobustnessTests: XCTestCase {
    /// SplitMix64: reproducible pseudo-random bytes.
    struct Bytes: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    private func analyze(_ bytes: [UInt8]) -> CodeFacts? {
        bytes.withUnsafeBytes { buffer in
            guard let model = try? ELFReader.model(of: buffer) else { return nil }
            return CodeAnalyzer.analyze(model, bytes: buffer)
        }
    }

    /// Real files whose code sections are replaced by random bytes, on every architecture.
    func testRandomCodeNeverCrashesAndStaysInBudget() throws {
        let samples = [
            "ifunc/xz-stack-handoff/x86_64/libcrc_handoff.so", "ifunc/xz-stack-handoff/aarch64/libcrc_handoff.so",
            "ifunc/xz-stack-handoff/armhf/libcrc_handoff.so", "arch/hello/i386/libhello.so",
            "auth/pam-master-password/mips/pam_backdoor.so", "auth/pam-master-password/mipsel/pam_backdoor.so",
            "preload/rootkit/x86_64/libprocesshider.so", "preload/rootkit/armhf/libprocesshider.so",
        ]
        for path in samples {
            let original = try Corpus.bytes(path)
            let model = try original.withUnsafeBytes { try ELFReader.model(of: $0) }
            let code = model.sections.filter { $0.isExecutable && $0.hasFileBytes }
            XCTAssertFalse(code.isEmpty, path)
            let expected = try XCTUnwrap(analyze(original)).statistics
            for seed in 1...6 {
                var random = Bytes(state: UInt64(seed) &* 7919)
                var bytes = original
                for section in code {
                    for offset in Int(section.offset)..<min(Int(section.offset + section.size), bytes.count) {
                        bytes[offset] = UInt8.random(in: 0...255, using: &random)
                    }
                }
                let statistics = try XCTUnwrap(analyze(bytes), "\(path) seed \(seed)").statistics
                XCTAssertLessThanOrEqual(statistics.instructions, CodeAnalyzer.instructionBudget + 16, "\(path) seed \(seed)")
                // The roots come from the ELF structure, not from the code.
                XCTAssertEqual(statistics.resolvers, expected.resolvers, "\(path) seed \(seed)")
                XCTAssertEqual(statistics.entryPoints, expected.entryPoints, "\(path) seed \(seed)")
            }
        }
    }

    /// Files cut short anywhere: the model may lose parts, the analysis must not read past the end.
    func testTruncatedFilesNeverCrash() throws {
        for path in ["ifunc/xz-got-hijack/x86_64/libcrc_hijack.so", "ifunc/xz-got-hijack/aarch64/libcrc_hijack.so",
                     "auth/pam-master-password/mips/pam_backdoor.so"] {
            let original = try Corpus.bytes(path)
            for fraction in stride(from: 0.05, through: 0.95, by: 0.05) {
                let cut = Array(original.prefix(Int(Double(original.count) * fraction)))
                _ = analyze(cut)
            }
        }
    }

    /// The disassemblers and lowerings of every architecture on random windows, and on windows
    /// shorter than one instruction.
    func testDisassemblersOnRandomBytes() throws {
        let architectures: [(CodeArchitecture, Bool)] = [
            (.x86_64, false), (.i386, false), (.aarch64, false), (.arm, false), (.arm, true),
            (.mips(is64Bit: false, bigEndian: false), false), (.mips(is64Bit: false, bigEndian: true), false),
            (.mips(is64Bit: true, bigEndian: false), false),
        ]
        var random = Bytes(state: 42)
        for (architecture, thumb) in architectures {
            let disassembler = try XCTUnwrap(Disassembler(architecture: architecture, thumb: thumb))
            var decoded = 0
            for _ in 0..<3000 {
                let length = Int.random(in: 0...16, using: &random)
                let window = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                let instruction = window.withUnsafeBytes { disassembler.decode($0, address: 0x1000) }
                if let instruction {
                    decoded += 1
                    XCTAssertGreaterThan(instruction.size, 0)
                    XCTAssertLessThanOrEqual(instruction.size, length)
                }
            }
            XCTAssertGreaterThan(decoded, 100, "\(architecture) decoded almost nothing")
        }
    }

    /// A resolver whose code runs off the end of the file: every read is bounds-checked.
    func testResolverAtTheEndOfTheFile() throws {
        var bytes = try Corpus.bytes("ifunc/glibc-dispatch/x86_64/libdispatch.so")
        let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
        let resolver = try XCTUnwrap(model.resolvers.first)
        let offset = Int(try XCTUnwrap(resolver.fileOffset))
        bytes.removeSubrange((offset + 3)...)
        _ = analyze(bytes)
    }
}

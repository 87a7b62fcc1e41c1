import BacksightELF
import Foundation
import XCTest

/// Broken ELF files give typed errors or partial models, never a crash.
final class MalformedELFTests: XCTestCase {
    private func model(_ bytes: [UInt8]) throws -> ELFModel {
        try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
    }

    private func hello() throws -> [UInt8] {
        Array(try Data(contentsOf: CorpusFiles.root.appendingPathComponent("arch/hello/x86_64/libhello.so")))
    }

    func testNotELF() {
        XCTAssertThrowsError(try model(Array("#!/bin/sh\necho hi\n".utf8))) { error in
            XCTAssertEqual(error as? ELFError, .notELF)
        }
        XCTAssertThrowsError(try model([])) { XCTAssertEqual($0 as? ELFError, .notELF) }
    }

    func testTruncatedHeaderNamesOffsetZero() {
        XCTAssertThrowsError(try model([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])) { error in
            XCTAssertEqual(error as? ELFError, .truncated(what: "ELF header", offset: 0))
            XCTAssertEqual((error as? ELFError)?.description, "truncated ELF: ELF header at offset 0 runs past the end of the file")
        }
    }

    func testEveryTruncationIsAnErrorOrAPartialModel() throws {
        let bytes = try hello()
        var partial = 0
        for length in stride(from: 0, through: bytes.count, by: 61) {
            do {
                let result = try model(Array(bytes[0..<length]))
                if !result.problems.isEmpty { partial += 1 }
            } catch {
                XCTAssertFalse(String(describing: error).isEmpty)
            }
        }
        XCTAssertGreaterThan(partial, 0, "some truncations keep a partial model and say what is missing")
    }

    func testCorruptedBytesNeverCrash() throws {
        let original = try hello()
        var generator = SplitMix64(seed: 0x5eed)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<16 {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = try? model(bytes)
        }
    }

    func testSectionHeadersPastTheEndAreAProblem() throws {
        var bytes = try hello()
        // e_shoff of ELF64 lives at offset 0x28: point it far past the end of the file.
        let far = UInt64(bytes.count + 4096)
        for index in 0..<8 { bytes[0x28 + index] = UInt8(truncatingIfNeeded: far >> (8 * UInt64(index))) }
        do {
            let result = try model(bytes)
            XCTAssertTrue(result.sections.isEmpty)
            XCTAssertFalse(result.segments.isEmpty, "program headers still read")
            XCTAssertFalse(result.problems.isEmpty)
            XCTAssertTrue(result.dynamic.needed.contains("libc.so.6"), "dynamic section found through PT_DYNAMIC")
        } catch {
            XCTAssertFalse(String(describing: error).isEmpty)
        }
    }

    func testDynamicSectionWithoutTerminatorIsReported() throws {
        var bytes = try hello()
        let clean = try model(bytes)
        let dynamic = try XCTUnwrap(clean.section(named: ".dynamic"))
        // Overwrite every entry's tag with DT_DEBUG (21) so no DT_NULL remains.
        let count = Int(dynamic.size / 16)
        for entry in 0..<count {
            let offset = Int(dynamic.offset) + entry * 16
            bytes[offset] = 21
            for index in 1..<8 { bytes[offset + index] = 0 }
        }
        let broken = try model(bytes)
        XCTAssertFalse(broken.dynamic.isTerminated)
        XCTAssertTrue(broken.problems.contains { $0.message.contains("no DT_NULL") })
        XCTAssertEqual(broken.problems.first { $0.message.contains("no DT_NULL") }?.offset, dynamic.offset)
    }

    func testReadingLeavesTheBytesUnchanged() throws {
        for architecture in ["mips", "ppc64", "x86_64"] {
            let bytes = Array(try Data(contentsOf: CorpusFiles.root.appendingPathComponent("arch/hello/\(architecture)/libhello.so")))
            let copy = bytes
            _ = try model(bytes)
            XCTAssertEqual(bytes, copy)
        }
    }
}

/// A small deterministic generator for corruption tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

@testable import BacksightELF
import Foundation
import XCTest

final class XORHiddenStringsTests: XCTestCase {
    private let architectures = ["x86_64", "aarch64", "armhf", "mipsel", "mips"]

    private func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: CorpusFiles.root.appendingPathComponent(relative)))
    }

    private func find(_ bytes: [UInt8]) throws -> [XORHiddenString] {
        try bytes.withUnsafeBytes { buffer in
            XORHiddenStrings.find(in: buffer, model: try ELFReader.model(of: buffer))
        }
    }

    func testDecodesTheOneByteKeyOfTheXorRootkitOnEveryArchitecture() throws {
        for arch in architectures {
            let found = try find(try bytes("preload/rootkit-xor/\(arch)/libhidexor.so"))
            let words = Set(found.map(\.word))
            XCTAssertTrue(words.isSuperset(of: ["/proc", "ld.so.preload", "libc.so", "LD_PRELOAD", "readdir", "cmdline"]), "\(arch): \(words)")
            XCTAssertEqual(Set(found.map(\.key)), [[0x42]], arch)
            XCTAssertTrue(found.allSatisfy { $0.section == ".rodata" }, arch)
            let preload = try XCTUnwrap(found.first { $0.word == "ld.so.preload" })
            XCTAssertTrue(preload.decoded.contains("ld.so.preload"), preload.decoded)
        }
    }

    func testOffsetsPointAtTheEncodedBytes() throws {
        let file = try bytes("preload/rootkit-xor/x86_64/libhidexor.so")
        for hidden in try find(file) {
            let start = Int(hidden.offset)
            let encoded = file[start..<start + hidden.word.utf8.count]
            let decoded = encoded.enumerated().map { $0.element ^ hidden.key[$0.offset % hidden.key.count] }
            XCTAssertEqual(decoded, Array(hidden.word.utf8))
        }
    }

    func testPlainStringsAreNeverReported() throws {
        for arch in architectures {
            XCTAssertEqual(try find(try bytes("preload/rootkit/\(arch)/libprocesshider.so")), [], arch)
            XCTAssertEqual(try find(try bytes("preload/fakeroot-like/\(arch)/libfakeroot-sample.so")), [], arch)
        }
    }

    /// Re-encodes the plain rootkit's `.rodata` with 2-, 3- and 4-byte keys and finds its words
    /// again, each with the key that was applied at its offset.
    func testFindsRepeatingKeysUpToFourBytes() throws {
        let plain = try bytes("preload/rootkit/x86_64/libprocesshider.so")
        let model = try plain.withUnsafeBytes { try ELFReader.model(of: $0) }
        let rodata = try XCTUnwrap(model.section(named: ".rodata"))
        for key: [UInt8] in [[0x13, 0x37], [0xa5, 0x01, 0x7e], [0xde, 0xad, 0xbe, 0xef]] {
            var encoded = plain
            let start = Int(rodata.offset)
            for index in start..<start + Int(rodata.size) { encoded[index] ^= key[(index - start) % key.count] }
            let found = try find(encoded)
            // Words need key length + 4 bytes: these two are long enough for every length.
            XCTAssertTrue(Set(found.map(\.word)).isSuperset(of: ["ld.so.preload", "LD_PRELOAD"]), "key \(key): \(found.map(\.word))")
            XCTAssertFalse(found.contains { $0.word == "/proc" }, "a 5-byte word is only searched with a 1-byte key")
            for hidden in found {
                let phase = (Int(hidden.offset) - start) % key.count
                let expected = (0..<key.count).map { key[(phase + $0) % key.count] }
                XCTAssertEqual(hidden.key, expected, hidden.word)
            }
        }
    }

    /// Text in other case (SHADOW, LD_PRELOAD in lower case) is what key 0x20 would "decode":
    /// it is plain text and not reported; the same key over every byte hides the punctuation too.
    func testCaseChangesAreNotKeys() throws {
        let plain = try bytes("preload/rootkit/x86_64/libprocesshider.so")
        let model = try plain.withUnsafeBytes { try ELFReader.model(of: $0) }
        let rodata = try XCTUnwrap(model.section(named: ".rodata"))
        let range = Int(rodata.offset)..<Int(rodata.offset + rodata.size)
        var recased = plain
        for index in range where (0x41...0x5a).contains(recased[index]) || (0x61...0x7a).contains(recased[index]) {
            recased[index] ^= 0x20
        }
        XCTAssertEqual(try find(recased), [])
        var encoded = plain
        for index in range { encoded[index] ^= 0x20 }
        XCTAssertTrue(try find(encoded).contains { $0.word == "ld.so.preload" && $0.key == [0x20] })
    }

    func testSearchStaysWithinTheByteBudget() throws {
        let file = try bytes("preload/rootkit-xor/x86_64/libhidexor.so")
        let found = try file.withUnsafeBytes { buffer in
            XORHiddenStrings.find(in: buffer, model: try ELFReader.model(of: buffer), byteBudget: 0)
        }
        XCTAssertEqual(found, [])
    }
}

import Foundation
import XCTest
@testable import BacksightELF

final class EntropyTests: XCTestCase {
    private func entropy(_ bytes: [UInt8]) -> Double {
        bytes.withUnsafeBytes { shannonEntropy($0) }
    }

    func testKnownDistributions() {
        XCTAssertEqual(entropy([]), 0)
        XCTAssertEqual(entropy([UInt8](repeating: 0x41, count: 4099)), 0, accuracy: 1e-12)
        XCTAssertEqual(entropy((0..<4096).map { UInt8($0 % 2) }), 1, accuracy: 1e-12)
        XCTAssertEqual(entropy((0..<(256 * 17)).map { UInt8($0 % 256) }), 8, accuracy: 1e-12)
        // Three symbols with probabilities 1/2, 1/4, 1/4 (length not a multiple of 4): 1.5 bits.
        let skewed = [UInt8](repeating: 1, count: 1002) + [UInt8](repeating: 2, count: 501) + [UInt8](repeating: 3, count: 501)
        XCTAssertEqual(entropy(skewed), 1.5, accuracy: 1e-12)
    }

    func testMatchesDirectFormulaOnPseudoRandomBytes() {
        var state: UInt32 = 12345
        let bytes: [UInt8] = (0..<10_007).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: (state >> 16) % 37)
        }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        var expected = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / Double(bytes.count)
            expected -= p * log2(p)
        }
        XCTAssertEqual(entropy(bytes), expected, accuracy: 1e-9)
    }

    /// A model built without the optional parts leaves them out, and a section's entropy computed
    /// on demand is the one the full model holds.
    func testOptionalPartsAreReadOnlyWhenAskedFor() throws {
        var compared = 0
        for url in try CorpusFiles.elfFiles().prefix(40) {
            let data = try Data(contentsOf: url)
            try data.withUnsafeBytes { bytes in
                let full = try ELFReader.model(of: bytes)
                let lean = try ELFReader.model(of: bytes, parts: [])
                XCTAssertEqual(lean.sections.count, full.sections.count, url.path)
                XCTAssertEqual(lean.symbols.count, full.symbols.count, url.path)
                XCTAssertEqual(lean.relocations.count, full.relocations.count, url.path)
                XCTAssertEqual(lean.problems.map(\.description), full.problems.map(\.description), url.path)
                XCTAssertTrue(lean.notes.isEmpty && lean.gotSlots.isEmpty && lean.resolvers.isEmpty, url.path)
                for (section, leanSection) in zip(full.sections, lean.sections) {
                    XCTAssertNil(leanSection.entropy)
                    XCTAssertEqual(leanSection.entropy(in: bytes), try XCTUnwrap(section.entropy), accuracy: 1e-12, "\(url.path) \(section.name)")
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 10)
    }
}

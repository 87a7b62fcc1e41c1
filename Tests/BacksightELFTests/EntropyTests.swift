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
}

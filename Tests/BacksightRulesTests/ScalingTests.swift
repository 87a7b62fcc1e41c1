import Foundation
import XCTest
@testable import BacksightRules

/// Matching cost grows with bytes, not with rules: one automaton pass per buffer whatever the
/// number of patterns, and rules evaluated only when their pattern was found.
final class ScalingTests: XCTestCase {
    /// Rules in the shape of `Benchmarks/make-pattern-rules.py`: 6 to 12 random bytes, a third
    /// with one inner `??`.
    private func patternRules(_ count: Int) throws -> RuleSet {
        var random = SeededBytes(seed: 2024)
        var files: [(String, String)] = []
        for number in 1...count {
            let length = 6 + Int(random.next() % 7)
            var tokens = random.bytes(length).map { String(format: "%02x", $0) }
            if tokens[0] == "00" || tokens[0] == "ff" { tokens[0] = "5a" }
            if random.next() % 3 == 0 { tokens[1 + Int(random.next() % UInt64(length - 2))] = "??" }
            files.append(("p\(number).yaml", ruleYAML(id: "bench/pattern-\(number)", severity: "info",
                                                     condition: "bytes: \"\(tokens.joined(separator: " "))\"")))
        }
        return try compileRules(files)
    }

    private func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func testTwoHundredPatternsCostAtMostOnePointThreeTimesTen() throws {
        let ten = try patternRules(10)
        let twoHundred = try patternRules(200)
        var random = SeededBytes(seed: 5)
        let buffer = random.bytes(2 << 20)
        var best10 = Double.infinity
        var best200 = Double.infinity
        var found = 0
        buffer.withUnsafeBytes { bytes in
            let subject = ScanSubject(path: "blob", bytes: bytes)
            for _ in 0..<5 {
                best10 = min(best10, seconds { found += ten.match(subject).count })
                best200 = min(best200, seconds { found += twoHundred.match(subject).count })
            }
        }
        XCTAssertEqual(found, 0, "random bytes hold none of the patterns")
        XCTAssertLessThanOrEqual(best200, best10 * 1.3, "10 patterns: \(best10) s, 200 patterns: \(best200) s")
    }
}

import Foundation
import XCTest
@testable import BacksightRules

/// `bytes` leaves end to end: compiled from YAML, found by the automaton, verified, reported.
final class BytePatternTests: XCTestCase {
    func testOverlappingOccurrencesAreAllFound() throws {
        // "aa aa aa" occurs at 0, 1 and 2 in five 0xaa bytes.
        let offsets = try patternOffsets("bytes: \"aa aa aa\"", in: [0xaa, 0xaa, 0xaa, 0xaa, 0xaa])
        XCTAssertEqual(offsets, [0, 1, 2])
    }

    func testPatternAtStartAndEndOfBuffer() throws {
        let bytes: [UInt8] = [0x4a, 0x9c, 0x13, 0x00, 0x00, 0x4a, 0x9c, 0x13]
        XCTAssertEqual(try patternOffsets("bytes: \"4a 9c 13\"", in: bytes), [0, 5])
    }

    func testWildcardsAtBothEndsNeedBytesInsideTheBuffer() throws {
        // "?? 9c 13 ??": the atom 9c 13 occurs at 1 (complete) and at 6 (no byte after it).
        let bytes: [UInt8] = [0x01, 0x9c, 0x13, 0x02, 0x00, 0x00, 0x9c, 0x13]
        XCTAssertEqual(try patternOffsets("bytes: \"?? 9c 13 ??\"", in: bytes), [0])
        // At the very start there is no byte before the atom.
        XCTAssertEqual(try patternOffsets("bytes: \"?? 9c 13\"", in: [0x9c, 0x13, 0x7f, 0x9c, 0x13]), [2])
    }

    func testNibbleWildcards() throws {
        let bytes: [UInt8] = [0x41, 0x42, 0x4f, 0x00, 0x41, 0x42, 0x5f]
        XCTAssertEqual(try patternOffsets("bytes: \"41 42 4?\"", in: bytes), [0])
        XCTAssertEqual(try patternOffsets("bytes: \"41 42 ?f\"", in: bytes), [0, 4])
    }

    func testJumpsAcceptEveryGapInRange() throws {
        // de ad [1-3] be ef: gaps of 1, 3 and 4 bytes; only the first two are in range.
        let oneGap: [UInt8] = [0xde, 0xad, 0x00, 0xbe, 0xef]
        let threeGap: [UInt8] = [0xde, 0xad, 0x00, 0x00, 0x00, 0xbe, 0xef]
        let fourGap: [UInt8] = [0xde, 0xad, 0x00, 0x00, 0x00, 0x00, 0xbe, 0xef]
        let condition = "bytes: \"de ad [1-3] be ef\""
        XCTAssertEqual(try patternOffsets(condition, in: oneGap), [0])
        XCTAssertEqual(try patternOffsets(condition, in: threeGap), [0])
        XCTAssertEqual(try patternOffsets(condition, in: fourGap), [])
        XCTAssertEqual(try patternOffsets("bytes: \"de ad [2] be ef\"", in: oneGap), [])
        XCTAssertEqual(try patternOffsets("bytes: \"de ad [0-1] be ef\"", in: [0xde, 0xad, 0xbe, 0xef]), [0])
    }

    func testJumpBeforeTheAtomReportsTheEarliestStart() throws {
        // "01 [0-2] ca fe ba be": the atom is cafebabe (the longest run); the 01 lies 0..2 bytes before it.
        let bytes: [UInt8] = [0x01, 0x01, 0xca, 0xfe, 0xba, 0xbe]
        XCTAssertEqual(try patternOffsets("bytes: \"01 [0-2] ca fe ba be\"", in: bytes), [0])
        XCTAssertEqual(try patternOffsets("bytes: \"02 [0-2] ca fe ba be\"", in: bytes), [])
    }

    func testJumpsOnBothSidesOfTheAtom() throws {
        let bytes: [UInt8] = [0x11, 0x22, 0x00, 0x33, 0x44, 0x55, 0x00, 0x00, 0x66, 0x77]
        XCTAssertEqual(try patternOffsets("bytes: \"11 22 [1] 33 44 55 [1-4] 66 77\"", in: bytes), [0])
        XCTAssertEqual(try patternOffsets("bytes: \"11 22 [1] 33 44 55 [3-4] 66 77\"", in: bytes), [])
    }

    func testPatternLongerThanBufferAndEmptyBuffer() throws {
        let condition = "bytes: \"4a 9c 13 77 e0 5b\""
        XCTAssertEqual(try patternOffsets(condition, in: [0x4a, 0x9c, 0x13]), [])
        XCTAssertEqual(try patternOffsets(condition, in: []), [])
        // The atom fits but the wildcard tail runs past the end.
        XCTAssertEqual(try patternOffsets("bytes: \"4a 9c ?? ?? ??\"", in: [0x4a, 0x9c, 0x00, 0x00]), [])
    }

    func testWideJumpOverCommonAtomStaysBounded() throws {
        // The atom "00 01" occurs every two bytes and each hit could try 4097 gaps: the
        // verification budget bounds the work, and a real match early in the buffer is found.
        var bytes = [UInt8](repeating: 0, count: 256 << 10)
        for index in stride(from: 1, to: bytes.count, by: 2) { bytes[index] = 0x01 }
        bytes.replaceSubrange(10 ..< 13, with: [0x02, 0x7f, 0x03])
        let pattern = try BytePattern(hex: "00 01 [0-4096] 02 ?? 03")
        XCTAssertEqual(pattern.atom, [0x00, 0x01])
        let start = Date()
        let offsets = try patternOffsets("bytes: \"00 01 [0-4096] 02 ?? 03\"", in: bytes)
        XCTAssertEqual(offsets.first, 0)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }

    func testHexWithoutSpacesAndUpperCase() throws {
        XCTAssertEqual(try patternOffsets("bytes: \"4A9C??13\"", in: [0x00, 0x4a, 0x9c, 0xff, 0x13]), [1])
    }

    func testAtomIsTheLongestLiteralRun() throws {
        let pattern = try BytePattern(hex: "01 ?? 02 03 ?? 04 05 06 07")
        XCTAssertEqual(pattern.atom, [0x04, 0x05, 0x06, 0x07])
        XCTAssertEqual(pattern.atomPart, 0)
        XCTAssertEqual(pattern.atomOffset, 5)
        let jumped = try BytePattern(hex: "aa bb [4-8] 01 02 03")
        XCTAssertEqual(jumped.parts.count, 2)
        XCTAssertEqual(jumped.jumps, [PatternJump(min: 4, max: 8)])
        XCTAssertEqual(jumped.atom, [0x01, 0x02, 0x03])
    }

    func testMalformedHexIsRejected() {
        XCTAssertThrowsError(try BytePattern(hex: "4a zz")) { XCTAssertEqual($0 as? HexPatternError, .badToken("zz")) }
        XCTAssertThrowsError(try BytePattern(hex: "4a 9")) { XCTAssertEqual($0 as? HexPatternError, .badToken("9")) }
        XCTAssertThrowsError(try BytePattern(hex: "[2] 4a 9c")) { XCTAssertEqual($0 as? HexPatternError, .jumpAtEdge) }
        XCTAssertThrowsError(try BytePattern(hex: "4a 9c [2]")) { XCTAssertEqual($0 as? HexPatternError, .jumpAtEdge) }
        XCTAssertThrowsError(try BytePattern(hex: "4a 9c [5-2] 11")) { XCTAssertEqual($0 as? HexPatternError, .badJump("[5-2]")) }
        XCTAssertThrowsError(try BytePattern(hex: "4a ?? 9c ?? 11")) { XCTAssertEqual($0 as? HexPatternError, .noAtom) }
        XCTAssertThrowsError(try BytePattern(hex: "   ")) { XCTAssertEqual($0 as? HexPatternError, .empty) }
    }

    func testEvidenceNamesPatternSectionAndOffset() throws {
        let ruleSet = try compileRule("bytes: \"de ad be ef\"")
        let bytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]
        let model = ModelBuilder.model(sections: [ModelBuilder.section(1, ".rodata", offset: 4, size: 6)])
        let found = findings(ruleSet, bytes: bytes, elf: model)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.evidence, [
            Evidence(feature: "bytes", value: "de ad be ef", location: Location(section: ".rodata", offset: 6)),
        ])
    }
}

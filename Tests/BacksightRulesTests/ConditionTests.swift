import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// Boolean structure (`all`, `any`, `not`, `n-of`) and `count`, over byte leaves whose truth
/// the test controls by what it puts in the buffer.
final class ConditionTests: XCTestCase {
    private let alpha = Array("AAAA".utf8)
    private let bravo = Array("BBBB".utf8)
    private let charlie = Array("CCCC".utf8)

    /// A buffer holding the chosen words, separated by NULs.
    private func buffer(_ words: [[UInt8]]) -> [UInt8] {
        words.flatMap { $0 + [0] }
    }

    private func matches(_ condition: String, _ words: [[UInt8]]) throws -> Bool {
        !matchedIDs(try compileRule(condition), bytes: buffer(words)).isEmpty
    }

    func testAll() throws {
        let condition = """
        all:
          - string: AAAA
          - string: BBBB
        """
        XCTAssertTrue(try matches(condition, [alpha, bravo]))
        XCTAssertFalse(try matches(condition, [alpha]))
        XCTAssertFalse(try matches(condition, [bravo, charlie]))
    }

    func testAny() throws {
        let condition = """
        any:
          - string: AAAA
          - string: BBBB
        """
        XCTAssertTrue(try matches(condition, [alpha]))
        XCTAssertTrue(try matches(condition, [bravo]))
        XCTAssertFalse(try matches(condition, [charlie]))
        XCTAssertFalse(try matches(condition, []))
    }

    func testNot() throws {
        let condition = """
        all:
          - string: AAAA
          - not:
              string: BBBB
        """
        XCTAssertTrue(try matches(condition, [alpha]))
        XCTAssertFalse(try matches(condition, [alpha, bravo]))
        XCTAssertTrue(try matches("not: {string: BBBB}", [charlie]))
        XCTAssertFalse(try matches("not: {string: BBBB}", [bravo]))
    }

    func testNOf() throws {
        let condition = """
        n-of:
          n: 2
          of:
            - string: AAAA
            - string: BBBB
            - string: CCCC
        """
        XCTAssertFalse(try matches(condition, [alpha]))
        XCTAssertTrue(try matches(condition, [alpha, charlie]))
        XCTAssertTrue(try matches(condition, [alpha, bravo, charlie]))
        XCTAssertFalse(try matches(condition, [charlie]))
    }

    func testNestedLogic() throws {
        // (A and not B) or (B and C)
        let condition = """
        any:
          - all: [{string: AAAA}, {not: {string: BBBB}}]
          - all: [{string: BBBB}, {string: CCCC}]
        """
        XCTAssertTrue(try matches(condition, [alpha]))
        XCTAssertFalse(try matches(condition, [alpha, bravo]))
        XCTAssertTrue(try matches(condition, [alpha, bravo, charlie]))
        XCTAssertFalse(try matches(condition, [charlie]))
    }

    func testCountOfPatternHitsWithMinAndMax() throws {
        let twoToThree = "count: {of: {string: AAAA}, min: 2, max: 3}"
        XCTAssertFalse(try matches(twoToThree, [alpha]))
        XCTAssertTrue(try matches(twoToThree, [alpha, alpha]))
        XCTAssertTrue(try matches(twoToThree, [alpha, alpha, alpha]))
        XCTAssertFalse(try matches(twoToThree, [alpha, alpha, alpha, alpha]))
        // max: 0 means "none at all", and holds on an empty buffer.
        XCTAssertTrue(try matches("count: {of: {string: AAAA}, max: 0}", []))
        XCTAssertFalse(try matches("count: {of: {string: AAAA}, max: 0}", [alpha]))
    }

    func testCountOfExportsFromAList() throws {
        let files = [
            ("lists/hiding.yaml", "name: hiding\ndescription: test list\nsymbols: [readdir, readdir64, opendir, fopen, unlink]\n"),
            ("rule.yaml", ruleYAML(id: "t/hiding", condition: "count: {of: {export: {list: hiding}}, min: 3}")),
        ]
        let ruleSet = try compileRules(files)
        func model(_ names: [String]) -> ELFModel {
            ModelBuilder.model(symbols: [ModelBuilder.symbol("", index: 0, sectionIndex: 0)]
                + names.enumerated().map { ModelBuilder.symbol($1, index: $0 + 1, value: UInt64(0x1000 + 16 * $0)) })
        }
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [], elf: model(["readdir", "opendir", "malloc"])), [])
        let found = findings(ruleSet, bytes: [], elf: model(["readdir", "malloc", "opendir", "unlink", "readdir"]))
        XCTAssertEqual(found.map(\.ruleID), ["t/hiding"])
        // Distinct names, in symbol-table order, each with its address.
        XCTAssertEqual(found.first?.evidence.map(\.value), ["readdir", "opendir", "unlink"])
        XCTAssertEqual(found.first?.evidence.first?.location, Location(address: 0x1000, symbol: "readdir"))
    }

    func testEvidenceKeepsWrittenOrderWhenCheapLeavesRunFirst() throws {
        // The export leaf is written first but a pattern leaf is cheaper, so it is tried first.
        let ruleSet = try compileRule("""
        all:
          - export: readdir
          - string: AAAA
        """)
        let model = ModelBuilder.model(symbols: [ModelBuilder.symbol("readdir", index: 1)])
        let found = findings(ruleSet, bytes: buffer([alpha]), elf: model)
        XCTAssertEqual(found.first?.evidence.map(\.feature), ["export", "string"])
    }

    func testAnyKeepsEvidenceOfEveryChildThatHolds() throws {
        let ruleSet = try compileRule("any: [{string: AAAA}, {string: BBBB}, {string: CCCC}]")
        let found = findings(ruleSet, bytes: buffer([charlie, alpha]))
        XCTAssertEqual(found.first?.evidence.map(\.value), ["AAAA", "CCCC"])
    }

    func testManyHitsAreCappedInEvidence() throws {
        let ruleSet = try compileRule("string: AAAA")
        let found = findings(ruleSet, bytes: buffer(Array(repeating: alpha, count: 20)))
        let evidence = try XCTUnwrap(found.first?.evidence)
        XCTAssertEqual(evidence.count, 17)
        XCTAssertEqual(evidence.last?.detail, "4 more not shown")
    }
}

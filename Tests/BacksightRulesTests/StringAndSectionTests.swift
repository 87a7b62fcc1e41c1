import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// `string` leaves (substring, exact, regex) and patterns limited to one section.
final class StringAndSectionTests: XCTestCase {
    private let text = Array("\u{0}libselinux.so.1\u{0}xlibselinux.so.1y\u{0}####Hello####\u{0}".utf8)

    func testSubstringFindsEveryOccurrence() throws {
        XCTAssertEqual(try patternOffsets("string: libselinux", in: text), [1, 18])
    }

    func testExactNeedsTheWholePrintableString() throws {
        XCTAssertEqual(try patternOffsets("string: {exact: libselinux.so.1}", in: text), [1])
        XCTAssertEqual(try patternOffsets("string: {exact: libselinux}", in: text), [])
        // At the very start and end of the buffer.
        XCTAssertEqual(try patternOffsets("string: {exact: abcd}", in: Array("abcd".utf8)), [0])
    }

    func testRegexRunsOverPrintableStrings() throws {
        let ruleSet = try compileRule("string: '/^#{4}Hello#{4}$/'")
        let found = findings(ruleSet, bytes: text)
        XCTAssertEqual(found.first?.evidence, [
            Evidence(feature: "string", value: "####Hello####", location: Location(offset: 35), detail: "/^#{4}Hello#{4}$/"),
        ])
        XCTAssertTrue(ruleSet.needsPrintableStrings)
        XCTAssertFalse(try compileRule("string: Hello").needsPrintableStrings)
        XCTAssertEqual(matchedIDs(try compileRule("string: {regex: 'hello', section: .rodata}"), bytes: text), [])
        XCTAssertEqual(matchedIDs(try compileRule("string: '/hello/i'"), bytes: text), ["test/rule"])
    }

    func testOneByteStringHasNoAtom() {
        XCTAssertEqual(compileErrorText([("r.yaml", ruleYAML(id: "a/b", condition: "string: x"))]),
                       "r.yaml:7:11: pattern has no literal atom (it needs 2 or more fixed bytes in a row)")
    }

    /// A buffer where "MAGIC!" sits in `.text` (at 8) and in `.data` (at 24), with a model
    /// whose sections cover those ranges.
    private func twoSectionSubject() -> (bytes: [UInt8], model: ELFModel) {
        var bytes = [UInt8](repeating: 0, count: 40)
        let magic = Array("MAGIC!".utf8)
        bytes.replaceSubrange(8 ..< 14, with: magic)
        bytes.replaceSubrange(24 ..< 30, with: magic)
        let model = ModelBuilder.model(sections: [
            ModelBuilder.section(1, ".text", offset: 4, size: 12, flags: 0x6),
            ModelBuilder.section(2, ".data", offset: 20, size: 12, flags: 0x3),
            ModelBuilder.section(3, ".bss", offset: 32, size: 64, type: "NOBITS", typeNumber: 8, flags: 0x3),
        ])
        return (bytes, model)
    }

    func testSectionLimitedPatternsOnlyMatchInsideThatSection() throws {
        let subject = twoSectionSubject()
        XCTAssertEqual(try patternOffsets("string: MAGIC!", in: subject.bytes, elf: subject.model), [8, 24])
        XCTAssertEqual(try patternOffsets("string: {substring: MAGIC!, section: .data}", in: subject.bytes, elf: subject.model), [24])
        XCTAssertEqual(try patternOffsets("bytes: {hex: 4d 41 47 49 43 21, section: .text}", in: subject.bytes, elf: subject.model), [8])
        XCTAssertEqual(try patternOffsets("bytes: {hex: 4d 41 47 49 43 21, section: .rodata}", in: subject.bytes, elf: subject.model), [])
        // Without a model there are no sections, so section-limited patterns never match.
        XCTAssertEqual(try patternOffsets("bytes: {hex: 4d 41 47 49 43 21, section: .text}", in: subject.bytes), [])
    }

    func testSectionLimitedPatternCannotRunPastTheSectionEnd() throws {
        // .text covers 4..<16; a pattern starting at 14 would need bytes 14..<20.
        var subject = twoSectionSubject()
        subject.bytes.replaceSubrange(14 ..< 20, with: Array("QWERTY".utf8))
        XCTAssertEqual(try patternOffsets("string: {substring: QWERTY, section: .text}", in: subject.bytes, elf: subject.model), [])
        XCTAssertEqual(try patternOffsets("string: QWERTY", in: subject.bytes, elf: subject.model), [14])
    }

    func testSectionGroupsGetTheirOwnAutomata() throws {
        let ruleSet = try compileRules([
            ("a.yaml", ruleYAML(id: "t/a", condition: "string: {substring: MAGIC!, section: .text}")),
            ("b.yaml", ruleYAML(id: "t/b", condition: "string: {substring: MAGIC!, section: .data}")),
            ("c.yaml", ruleYAML(id: "t/c", condition: "string: MAGIC!")),
        ])
        XCTAssertEqual(ruleSet.program.subjectPatterns.bySection.map(\.name), [".data", ".text"])
        let subject = twoSectionSubject()
        let found = findings(ruleSet, bytes: subject.bytes, elf: subject.model)
        XCTAssertEqual(found.map(\.ruleID), ["t/a", "t/b", "t/c"])
        XCTAssertEqual(found[0].evidence.map(\.location?.section), [".text"])
        XCTAssertEqual(found[1].evidence.map(\.location?.section), [".data"])
        XCTAssertEqual(found[2].evidence.map(\.location?.section), [".text", ".data"])
    }

    func testSectionLimitedStringsInARealELF() throws {
        guard let elf = systemELF("/bin/true") else { throw XCTSkip("no /bin/true") }
        guard let interp = elf.model.section(named: ".interp") else { throw XCTSkip("/bin/true has no .interp") }
        // The loader name sits in .interp; "GLIBC_2" sits in .dynstr only.
        let loader = try compileRule("string: {substring: ld-linux, section: .interp}")
        let loaderHits = findings(loader, bytes: elf.bytes, elf: elf.model).flatMap(\.evidence)
        XCTAssertFalse(loaderHits.isEmpty)
        for hit in loaderHits {
            let offset = try XCTUnwrap(hit.location?.offset)
            XCTAssertTrue(offset >= interp.offset && offset < interp.offset + interp.size)
            XCTAssertEqual(hit.location?.section, ".interp")
        }
        XCTAssertEqual(matchedIDs(try compileRule("string: {substring: GLIBC_2, section: .interp}"), bytes: elf.bytes, elf: elf.model), [])
        XCTAssertEqual(matchedIDs(try compileRule("string: {substring: GLIBC_2, section: .dynstr}"), bytes: elf.bytes, elf: elf.model), ["test/rule"])
        // The ELF magic is at offset 0, outside every section.
        let magic = findings(try compileRule("bytes: 7f 45 4c 46"), bytes: elf.bytes, elf: elf.model)
        XCTAssertEqual(magic.first?.evidence.first?.location, Location(offset: 0))
    }
}

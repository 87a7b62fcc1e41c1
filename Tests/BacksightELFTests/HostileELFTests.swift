import BacksightELF
import BacksightLimits
import BacksightTestSupport
import Foundation
import XCTest

/// ELF files built wrong on purpose: each still gives a model, and says what is wrong.
final class HostileELFTests: XCTestCase {
    private func model(_ bytes: [UInt8], deadline: Deadline = .never) throws -> ELFModel {
        try bytes.withUnsafeBytes { try ELFReader.model(of: $0, deadline: deadline) }
    }

    private func messages(_ model: ELFModel) -> String {
        model.problems.map(\.description).joined(separator: "\n")
    }

    func testTheWellFormedBaseHasNoProblem() throws {
        let base = try model(HostileELF.base().bytes)
        XCTAssertEqual(base.problems, [])
        XCTAssertEqual(base.sections.map(\.name), ["", ".text", ".symtab", ".strtab", ".dynamic", ".data", ".rela.dyn", ".shstrtab"])
        XCTAssertTrue(base.symbols.contains { $0.name == "resolver_fn" && $0.value == 0x1000 })
        XCTAssertEqual(base.dynamic.needed, ["libc.so.6"])
        XCTAssertTrue(base.dynamic.isTerminated)
        XCTAssertEqual(base.relocations.map(\.offset), [0x3000])
    }

    func testEveryOddityIsReportedAsAProblem() throws {
        let phrases = Dictionary(uniqueKeysWithValues: HostileELF.expectedProblems)
        for (name, bytes) in HostileELF.all {
            let result = try model(bytes)
            let phrase = try XCTUnwrap(phrases[name])
            XCTAssertTrue(messages(result).contains(phrase), "\(name): no problem saying '\(phrase)' in:\n\(messages(result))")
        }
    }

    func testSectionHeadersPastTheEndKeepTheHeader() throws {
        let result = try model(HostileELF.sectionHeadersPastEnd())
        XCTAssertTrue(result.sections.isEmpty)
        XCTAssertEqual(result.header.architecture, "x86_64")
    }

    func testOverlappingSectionsNameBothSections() throws {
        let result = try model(HostileELF.overlappingSections())
        XCTAssertTrue(messages(result).contains("sections 1 .text and 5 .data overlap in the file"), messages(result))
    }

    func testExtendedSectionCountIsFollowed() throws {
        let result = try model(HostileELF.extendedSectionCount())
        XCTAssertEqual(result.sections.count, 8, "the real count comes from section 0")
        XCTAssertTrue(result.symbols.contains { $0.name == "resolver_fn" })
        XCTAssertEqual(result.dynamic.needed, ["libc.so.6"])
    }

    func testLyingEntrySizeDoesNotChangeTheSymbols() throws {
        let result = try model(HostileELF.lyingSymbolEntrySize())
        // Symbols are read by the size of the record, not by what sh_entsize claims.
        XCTAssertEqual(result.symbols.filter { $0.table == .symtab }.map(\.name), ["", "resolver_fn"])
        XCTAssertTrue(messages(result).contains("section 2 .symtab: sh_entsize 7 is not the 24 bytes of one SYMTAB record"), messages(result))
    }

    func testUnterminatedStringTableKeepsEarlierNames() throws {
        let result = try model(HostileELF.unterminatedStringTable())
        XCTAssertTrue(result.symbols.contains { $0.name == "resolver_fn" })
        // The last string has no NUL inside the table: it is not read past the table's end.
        XCTAssertFalse(result.dynamic.needed.contains { $0.count > "libc.so.6".count + 1 }, "\(result.dynamic.needed)")
    }

    func testDynamicSectionWithoutTerminatorStillListsItsEntries() throws {
        let result = try model(HostileELF.dynamicWithoutTerminator())
        XCTAssertFalse(result.dynamic.isTerminated)
        XCTAssertEqual(result.dynamic.needed, ["libc.so.6"])
    }

    func testRelocationOutsideEverySectionIsKeptAndCounted() throws {
        let result = try model(HostileELF.relocationsOutsideSections())
        XCTAssertEqual(result.relocations.map(\.offset), [0xdead_0000])
        XCTAssertTrue(messages(result).contains("1 relocation of .rela.dyn points outside every section (the first at address 0xdead0000)"), messages(result))
    }

    func testCorpusFilesHaveNoConsistencyProblem() throws {
        let files = try CorpusFiles.elfFiles()
        XCTAssertGreaterThan(files.count, 20)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            guard let result = try? model(bytes) else { continue }
            for phrase in HostileELF.expectedProblems.map(\.1) {
                XCTAssertFalse(messages(result).contains(phrase), "\(file.lastPathComponent): \(messages(result))")
            }
        }
    }

    // MARK: Limits

    func testAnExpiredDeadlineStopsAfterTheSectionHeaders() throws {
        let bytes = HostileELF.base().bytes
        let stopped = try model(bytes, deadline: .expired)
        XCTAssertTrue(stopped.stoppedAtTimeLimit)
        XCTAssertEqual(stopped.sections.count, 8)
        XCTAssertTrue(stopped.segments.isEmpty && stopped.symbols.isEmpty && stopped.relocations.isEmpty)
        XCTAssertEqual(stopped.problems.map(\.message), ["time limit reached: stopped before reading the program headers"])

        let complete = try model(bytes, deadline: Deadline(after: .seconds(3600)))
        XCTAssertFalse(complete.stoppedAtTimeLimit)
        XCTAssertEqual(complete.symbols.count, 2)
    }

    // MARK: Regressions found by fuzzing (Benchmarks/FUZZING.md)

    /// FuzzELFModel timeout (Benchmarks/FUZZING.md): an ELF32 file of 7,862 bytes whose
    /// DT_INIT_ARRAYSZ makes the reader look up 262,144 slots, each through every section: 2 s
    /// under ASan, over libFuzzer's 10 s on a loaded machine. Natively it is bounded (the table
    /// is cut at 1 MiB) and the deadline is checked inside the loop; this guards that the input
    /// still models, with the slots that hold values.
    func testFuzzedFunctionTableStillModels() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/timeout-init-array-1541-slots")
        let bytes = Array(try Data(contentsOf: url))
        let result = try model(bytes)
        XCTAssertEqual(result.header.fileClass, .elf32)
        XCTAssertGreaterThan(result.dynamic.initArray.count, 0)
        let stopped = try model(bytes, deadline: .expired)
        XCTAssertTrue(stopped.stoppedAtTimeLimit)
        XCTAssertEqual(stopped.dynamic.initArray, [], "an expired deadline skips the table")
    }

    /// FuzzELFModel crash (Benchmarks/FUZZING.md): a dynamic string table whose file offset
    /// plus a string's index passed 2^64 trapped on the addition, ending the whole scan.
    func testFuzzedDynamicStringOffsetDoesNotTrap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/crash-dynamic-string-offset-overflow")
        let result = try model(Array(try Data(contentsOf: url)))
        XCTAssertEqual(result.header.fileClass, .elf64)
        XCTAssertFalse(result.problems.isEmpty)
    }

    /// The same, built on purpose: `.strtab` placed 5 bytes below 2^64, `DT_NEEDED` 13 bytes in.
    func testStringTableAtTheTopOfTheFileOffsetsDoesNotTrap() throws {
        var (bytes, layout) = HostileELF.base()
        bytes.patchLittle(UInt64.max - 5, at: layout.headerOffset(of: HostileELF.Index.strtab) + 24, width: 8)
        let result = try model(bytes)
        XCTAssertEqual(result.dynamic.needed, [""], "the name cannot be read, the entry is kept")
        XCTAssertTrue(messages(result).contains("section 3 .strtab extends past the end of the file"), messages(result))
    }

    /// FuzzRuleMatcher crash (Benchmarks/FUZZING.md): a section whose file offset plus an
    /// address's distance into it passed 2^64 trapped in `fileOffset(ofAddress:)`.
    func testFuzzedFileOffsetDoesNotTrap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/crash-file-offset-overflow")
        let result = try model(Array(try Data(contentsOf: url)))
        XCTAssertFalse(result.sections.isEmpty)
        XCTAssertFalse(result.problems.isEmpty)
    }

    /// FuzzRuleMatcher crash (Benchmarks/FUZZING.md): jumping over slots with no bytes to the
    /// next file-backed one rounded up past the table's end, and `end - slot` wrapped.
    func testFuzzedFunctionTableJumpDoesNotPassTheEnd() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/crash-function-table-jump")
        _ = try model(Array(try Data(contentsOf: url)))
    }

    /// The same, built on purpose: a table from 4 to 0x1002 whose only file-backed bytes start
    /// at 0x1000, where the next slot, 0x1004, is past its end.
    func testFunctionTableJumpPastTheEnd() throws {
        var sections = HostileELF.sections(dynamicTerminated: false)
        var dynamic = ELFBytes.dynamic(tag: 1, value: 13)
        dynamic += ELFBytes.dynamic(tag: 25, value: 4)        // DT_INIT_ARRAY
        dynamic += ELFBytes.dynamic(tag: 27, value: 0xffe)    // DT_INIT_ARRAYSZ
        dynamic += ELFBytes.dynamic(tag: 0, value: 0)
        sections[HostileELF.Index.dynamic - 1].contents = dynamic
        let result = try model(ELFBytes(sections: sections).build().bytes)
        XCTAssertEqual(result.dynamic.initArray, [])
    }

    /// A section placed near the top of the file offsets: an address inside it has no file offset.
    func testFileOffsetOfASectionAtTheTopIsNil() throws {
        var (bytes, layout) = HostileELF.base()
        bytes.patchLittle(UInt64.max - 3, at: layout.headerOffset(of: HostileELF.Index.data) + 24, width: 8)
        let result = try model(bytes)
        XCTAssertNil(result.fileOffset(ofAddress: 0x3008))
        XCTAssertEqual(result.fileOffset(ofAddress: 0x1004), UInt64(layout.sectionOffsets[HostileELF.Index.text] + 4))
    }

    /// A function table ending within a word of the top of the address space: the slot
    /// arithmetic must not wrap (it trapped).
    func testFunctionTableAtTheTopOfTheAddressSpace() throws {
        var sections = HostileELF.sections(dynamicTerminated: false)
        var dynamic = ELFBytes.dynamic(tag: 1, value: 13)
        dynamic += ELFBytes.dynamic(tag: 25, value: 0xffff_ffff_ffff_fff8)   // DT_INIT_ARRAY
        dynamic += ELFBytes.dynamic(tag: 27, value: 4)                       // DT_INIT_ARRAYSZ
        dynamic += ELFBytes.dynamic(tag: 0, value: 0)
        sections[HostileELF.Index.dynamic - 1].contents = dynamic
        let result = try model(ELFBytes(sections: sections).build().bytes)
        XCTAssertEqual(result.dynamic.initArray, [])
        XCTAssertTrue(result.dynamic.isTerminated)
    }
}

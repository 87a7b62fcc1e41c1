import Foundation
import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// ELF leaves over hand-built models and over a real executable.
final class ELFLeafTests: XCTestCase {
    private func holds(_ condition: String, _ model: ELFModel?, bytes: [UInt8] = [], path: String = "usr/lib/libx.so") throws -> Bool {
        !matchedIDs(try compileRule(condition), bytes: bytes, path: path, elf: model).isEmpty
    }

    func testImportsAndExportsWithNamesListsAndRegexes() throws {
        let model = ModelBuilder.model(symbols: [
            ModelBuilder.symbol("", index: 0, sectionIndex: 0),
            ModelBuilder.symbol("dlsym", index: 1, sectionIndex: 0, version: "GLIBC_2.34"),
            ModelBuilder.symbol("pam_sm_authenticate", index: 2),
            ModelBuilder.symbol("helper", index: 3, table: .symtab, binding: "LOCAL"),
        ])
        XCTAssertTrue(try holds("import: dlsym", model))
        XCTAssertFalse(try holds("export: dlsym", model))
        XCTAssertTrue(try holds("export: '/^pam_sm_/'", model))
        XCTAssertTrue(try holds("export: [crypt, pam_sm_authenticate]", model))
        XCTAssertFalse(try holds("export: helper", model), "local symtab symbols are not exports")
        XCTAssertTrue(try holds("symbol: {name: helper, binding: LOCAL, table: symtab}", model))
        XCTAssertFalse(try holds("symbol: {name: helper, binding: GLOBAL}", model))
        XCTAssertTrue(try holds("symbol: {name: dlsym, version: '/^GLIBC_2\\./', defined: false}", model))
        XCTAssertFalse(try holds("symbol: {name: dlsym, version: GLIBC_2.2.5}", model))
        XCTAssertTrue(try holds("symbol: {regex: '^pam_', type: FUNC}", model))
        XCTAssertFalse(try holds("import: dlsym", nil), "non-ELF subjects have no imports")
    }

    func testSectionsSegmentsAndEntropy() throws {
        let model = ModelBuilder.model(
            sections: [
                ModelBuilder.section(1, ".text", offset: 0x40, size: 0x100, flags: 0x6, entropy: 6.1),
                ModelBuilder.section(2, ".evil", offset: 0x140, size: 0x100, flags: 0x7, entropy: 7.9),
            ],
            segments: [ELFSegment(type: "LOAD", typeNumber: 1, permissions: "RWX", flags: 0x7, offset: 0, virtualAddress: 0,
                                  fileSize: 0x240, memorySize: 0x240)]
        )
        XCTAssertTrue(try holds("section: .evil", model))
        XCTAssertTrue(try holds("section: {flags: wx}", model))
        XCTAssertFalse(try holds("section: {name: .text, flags: wx}", model))
        XCTAssertTrue(try holds("section: {name: '/^\\.(text|evil)$/', min-entropy: 7.5}", model))
        XCTAssertFalse(try holds("section: {name: .text, min-entropy: 7.5}", model))
        XCTAssertTrue(try holds("section: {type: PROGBITS, max-entropy: 6.5}", model))
        XCTAssertTrue(try holds("segment: {type: LOAD, permissions: rwx}", model))
        XCTAssertTrue(try holds("segment: {permissions: wx}", model))
        XCTAssertFalse(try holds("segment: GNU_STACK", model))
        XCTAssertEqual(try compileRule("count: {of: {section: {flags: ax}}, min: 2}").rules.count, 1)
        XCTAssertTrue(try holds("count: {of: {section: {flags: ax}}, min: 2}", model))
    }

    func testRelocationsDynamicArchAndType() throws {
        var dynamic = DynamicInfo()
        dynamic.entries = [DynamicEntry(tag: "NEEDED", tagNumber: 1, value: 1, string: "ld-linux-x86-64.so.2"),
                           DynamicEntry(tag: "FLAGS", tagNumber: 30, value: 8, string: nil)]
        dynamic.needed = ["ld-linux-x86-64.so.2"]
        dynamic.soname = "liblzma.so.5"
        let model = ModelBuilder.model(
            type: "REL",
            sections: [ModelBuilder.section(1, ".rodata", offset: 0x40, size: 0x80),
                       ModelBuilder.section(2, ".rela.rodata", offset: 0xc0, size: 0x30, type: "RELA", typeNumber: 4)],
            relocations: [ELFRelocation(section: ".rela.rodata", offset: 0x10, typeNumber: 27, type: "R_X86_64_GOT64",
                                        symbolIndex: 3, symbolName: "crc_helper", addend: 0, targetSection: ".rodata")],
            dynamic: dynamic
        )
        XCTAssertTrue(try holds("reloc: R_X86_64_GOT64", model))
        XCTAssertTrue(try holds("reloc: {type: [R_X86_64_GOT64, R_X86_64_GOTOFF64], section: .rodata}", model))
        XCTAssertFalse(try holds("reloc: {type: R_X86_64_GOT64, section: .text}", model))
        XCTAssertTrue(try holds("reloc: {type: '/_GOT(64|OFF64)$/', symbol: crc_helper}", model))
        XCTAssertTrue(try holds("needed: '/^ld-linux/'", model))
        XCTAssertTrue(try holds("soname: liblzma.so.5", model))
        XCTAssertTrue(try holds("dynamic: {tag: DT_FLAGS, value: 8}", model))
        XCTAssertFalse(try holds("dynamic: {tag: FLAGS, value: 2}", model))
        XCTAssertTrue(try holds("dynamic: {tag: NEEDED, string: '/^ld-/'}", model))
        XCTAssertFalse(try holds("dynamic: TEXTREL", model))
        XCTAssertTrue(try holds("arch: [aarch64, x86_64]", model))
        XCTAssertFalse(try holds("arch: mipsel", model))
        XCTAssertTrue(try holds("type: REL", model))
        XCTAssertFalse(try holds("type: DYN", model))

        let found = findings(try compileRule("reloc: R_X86_64_GOT64"), bytes: [], elf: model)
        XCTAssertEqual(found.first?.evidence.first, Evidence(
            feature: "reloc", value: "R_X86_64_GOT64",
            location: Location(section: ".rodata", offset: 0x50, symbol: "crc_helper"), detail: "in .rela.rodata"))
    }

    func testTextAndDataTypesForOtherFiles() throws {
        XCTAssertTrue(try holds("type: text", nil, bytes: Array("#!/bin/sh\necho hi\n".utf8)))
        XCTAssertFalse(try holds("type: data", nil, bytes: Array("#!/bin/sh\necho hi\n".utf8)))
        XCTAssertTrue(try holds("type: data", nil, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        XCTAssertFalse(try holds("any: [{type: text}, {type: data}]", nil, bytes: []), "an empty file is neither")
    }

    func testPathGlobs() throws {
        XCTAssertTrue(try holds("path: 'etc/ld.so.preload'", nil, path: "etc/ld.so.preload"))
        XCTAssertTrue(try holds("path: '/lib/**/security/pam_*.so'", nil, path: "lib/x86_64-linux-gnu/security/pam_unix.so"))
        XCTAssertFalse(try holds("path: 'lib/*/pam_*.so'", nil, path: "lib/x86_64-linux-gnu/security/pam_unix.so"))
    }

    func testRealExecutable() throws {
        guard let elf = systemELF("/bin/true") else { throw XCTSkip("no /bin/true") }
        let arch = elf.model.header.architecture
        let ruleSet = try compileRules([
            ("a.yaml", ruleYAML(id: "t/arch", condition: "arch: \(arch)")),
            ("b.yaml", ruleYAML(id: "t/libc", condition: "needed: '/^libc\\.so/'")),
            ("c.yaml", ruleYAML(id: "t/no-such-export", condition: "export: definitely_not_exported")),
            ("d.yaml", ruleYAML(id: "t/exec", condition: "any: [{type: DYN}, {type: EXEC}]")),
            ("e.yaml", ruleYAML(id: "t/text", condition: "section: {name: .text, flags: ax}")),
        ])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: elf.bytes, path: "bin/true", elf: elf.model), ["t/arch", "t/exec", "t/libc", "t/text"])
    }

    /// End to end on corpus replicas: a preload rootkit shadows the hiding set, a malloc
    /// replacement does not.
    func testHidingSetOnCorpusLibraries() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus")
        let list = try String(contentsOf: corpus.deletingLastPathComponent().appendingPathComponent("Rules/lists/libc-hiding-set.yaml"),
                              encoding: .utf8)
        let ruleSet = try compileRules([
            ("lists/libc-hiding-set.yaml", list),
            ("r.yaml", ruleYAML(id: "t/hiding", scope: "elf", condition: "count: {of: {export: {list: libc-hiding-set}}, min: 3}")),
        ])
        for (path, expected) in [("preload/rootkit/x86_64/libprocesshider.so", ["t/hiding"]),
                                 ("preload/malloc-replacement/x86_64/libminimalloc.so", [])] {
            guard let elf = systemELF(corpus.appendingPathComponent(path).path) else { throw XCTSkip("no \(path)") }
            XCTAssertEqual(matchedIDs(ruleSet, bytes: elf.bytes, path: path, elf: elf.model), expected, path)
        }
    }
}

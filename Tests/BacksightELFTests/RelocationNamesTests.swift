@testable import BacksightELF
import Foundation
import XCTest

/// Relocations are kept as numbers; their names (section, type, symbol, target) are looked up
/// on demand and must be those readelf prints, relocation by relocation.
final class RelocationNamesTests: XCTestCase {
    func testNamesOnDemandMatchReadelfRelocationByRelocation() throws {
        let objects = ["x86_64", "aarch64", "armhf", "i386", "mips", "ppc64le", "riscv64"].map { "arch/hello/\($0)/hello.o" }
            + ["kernel/ftrace-hook-legacy/x86_64/ftrace-hook-legacy.ko", "kernel/inline-hook/aarch64/inline-hook.ko"]
        for path in objects {
            let file = CorpusFiles.root.appendingPathComponent(path)
            let bytes = try Data(contentsOf: file)
            let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
            // readelf: "Relocation section '.rela.text' at offset … contains N entries:", then one line per relocation.
            var expected: [(section: String, offset: UInt64, type: String, symbol: String?)] = []
            var section = ""
            for line in try Readelf.run(["-r", "-W"], file).split(separator: "\n") {
                if line.hasPrefix("Relocation section '"), let name = line.split(separator: "'").dropFirst().first {
                    section = String(name)
                    continue
                }
                let fields = line.split(separator: " ")
                guard fields.count >= 3, let offset = UInt64(fields[0], radix: 16) else { continue }
                expected.append((section, offset, String(fields[2]), fields.count >= 5 ? String(fields[4]) : nil))
            }
            XCTAssertEqual(model.relocations.count, expected.count, path)
            XCTAssertFalse(expected.isEmpty, path)
            for (relocation, wanted) in zip(model.relocations, expected) {
                XCTAssertEqual(relocation.section, wanted.section, path)
                XCTAssertEqual(relocation.offset, wanted.offset, path)
                XCTAssertEqual(relocation.type, wanted.type, path)
                // readelf prints a section symbol by its section's name (the model keeps the symbol's
                // own, empty, name) and a trailing space (RISC-V's `.L0 `) is lost in the split.
                if let name = relocation.symbolName, !name.isEmpty {
                    XCTAssertEqual(name.trimmingCharacters(in: .whitespaces), wanted.symbol, path)
                }
                let target = model.sections.first { $0.name == relocation.section }.map { model.sections[Int($0.info)].name }
                XCTAssertEqual(relocation.targetSection, target, path)
                XCTAssertEqual(relocation.sectionIndex, model.section(named: relocation.section)?.index, path)
            }
        }
    }

    /// Relocations rebuilt from their values (as tests and decoding build them) give the same
    /// values and the same JSON.
    func testRelocationsFromValuesKeepEveryName() throws {
        let bytes = try Data(contentsOf: CorpusFiles.root.appendingPathComponent("kernel/ftrace-hook-legacy/x86_64/ftrace-hook-legacy.ko"))
        let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
        let rebuilt = ELFRelocations(model.relocations)
        XCTAssertEqual(Array(rebuilt), Array(model.relocations))
        XCTAssertTrue(rebuilt.contains { $0.symbolName == "kallsyms_lookup_name" && $0.targetSection == ".text" })
        XCTAssertTrue(rebuilt.contains { $0.section == ".rela.gnu.linkonce.this_module" && $0.symbolName == "init_module" })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(model.relocations)
        XCTAssertEqual(json, try encoder.encode(rebuilt))
        XCTAssertEqual(Array(try JSONDecoder().decode(ELFRelocations.self, from: json)), Array(model.relocations))
    }

    /// The record holds numbers only: 32 bytes, where a record with its names took 104.
    func testRecordIsCompact() {
        XCTAssertLessThanOrEqual(MemoryLayout<ELFRelocations.Record>.stride, 32)
    }
}

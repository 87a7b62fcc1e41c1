import BacksightELF
import Foundation
import XCTest

/// The ELF model must count what readelf counts, on real binaries of every architecture.
final class ReadelfAgreementTests: XCTestCase {
    func testCountsEqualReadelfOnEveryCorpusELF() throws {
        let files = try CorpusFiles.elfFiles()
        XCTAssertGreaterThanOrEqual(files.count, 27, "the corpus should hold ELF files of every listed architecture")
        var architectures: Set<String> = []
        for file in files {
            let bytes = try Data(contentsOf: file)
            let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
            architectures.insert(model.header.architecture)
            let name = file.path
            let sectionsText = try Readelf.run(["-S", "-W"], file)
            XCTAssertEqual(model.sections.count, Readelf.firstNumber(in: sectionsText, after: "There are ", before: " section headers") ?? 0, "sections of \(name)")
            let segmentsText = try Readelf.run(["-l", "-W"], file)
            XCTAssertEqual(model.segments.count, Readelf.firstNumber(in: segmentsText, after: "There are ", before: " program headers") ?? 0, "segments of \(name)")
            let symbolsText = try Readelf.run(["-s", "-W"], file)
            XCTAssertEqual(model.symbols.count, Readelf.sum(in: symbolsText, after: "' contains ", before: " entr"), "symbols of \(name)")
            let dynamicText = try Readelf.run(["-d", "-W"], file)
            XCTAssertEqual(model.dynamic.entries.count, Readelf.sum(in: dynamicText, after: " contains ", before: " entr"), "dynamic entries of \(name)")
            let relocationsText = try Readelf.run(["-r", "-W"], file)
            XCTAssertEqual(model.relocations.count, Readelf.sum(in: relocationsText, after: " contains ", before: " entr"), "relocations of \(name)")
            XCTAssertTrue(model.problems.isEmpty, "\(name): \(model.problems)")
        }
        for expected in ["x86_64", "i386", "aarch64", "arm", "mipsel", "mips", "riscv64", "ppc64", "ppc64le"] {
            XCTAssertTrue(architectures.contains(expected), "no \(expected) ELF in the corpus")
        }
    }

    func testRelocationTypeNamesAndSymbolVersionsMatchReadelf() throws {
        for architecture in ["x86_64", "aarch64", "armhf", "mipsel", "mips", "i386", "riscv64", "ppc64le"] {
            let file = CorpusFiles.root.appendingPathComponent("arch/hello/\(architecture)/libhello.so")
            let bytes = try Data(contentsOf: file)
            let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
            let relocationsText = try Readelf.run(["-r", "-W"], file)
            for relocation in model.relocations {
                XCTAssertTrue(relocationsText.contains(relocation.type), "\(architecture): readelf does not name \(relocation.type)")
            }
            let symbolsText = try Readelf.run(["--dyn-syms", "-W"], file)
            for symbol in model.symbols where symbol.table == .dynsym && symbol.version != nil && !symbol.isUndefined && symbol.name != symbol.version {
                let separator = symbol.versionHidden ? "@" : "@@"
                XCTAssertTrue(symbolsText.contains("\(symbol.name)\(separator)\(symbol.version ?? "")"), "\(architecture): \(symbol.name)\(separator)\(symbol.version ?? "") not in readelf")
            }
            XCTAssertTrue(model.symbols.contains { $0.version != nil }, "\(architecture): no versioned symbols read")
        }
    }

    func testSharedLibraryFeaturesOfX86_64() throws {
        let file = CorpusFiles.root.appendingPathComponent("arch/hello/x86_64/libhello.so")
        let bytes = try Data(contentsOf: file)
        let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
        XCTAssertEqual(model.header.type, "DYN")
        XCTAssertEqual(model.header.architecture, "x86_64")
        XCTAssertTrue(model.dynamic.needed.contains("libc.so.6"))
        XCTAssertNotNil(model.dynamic.soname)
        XCTAssertFalse(model.dynamic.initArray.isEmpty, "init_array functions resolved")
        for function in model.dynamic.initArray {
            XCTAssertEqual(model.section(containing: function)?.name, ".text", "init_array entry 0x\(String(function, radix: 16)) points into .text")
        }
        XCTAssertTrue(model.dynamic.isTerminated)
        XCTAssertTrue(model.segments.contains { $0.type == "GNU_STACK" && !$0.isExecutable })
        XCTAssertTrue(model.segments.contains { $0.type == "GNU_RELRO" })
        XCTAssertTrue(model.notes.contains { $0.type == "GNU_BUILD_ID" && $0.value.count == 40 })
        XCTAssertFalse(model.gotSlots.isEmpty)
        let readelfText = try Readelf.run(["--dyn-syms", "-W"], file)
        for symbol in model.exports { XCTAssertTrue(readelfText.contains(" \(symbol)"), "export \(symbol) not in readelf") }
    }

    func testIFUNCResolversFoundBySymbolAndIRELATIVE() throws {
        let file = CorpusFiles.root.appendingPathComponent("arch/hello/x86_64/libhello.so")
        let bytes = try Data(contentsOf: file)
        let model = try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
        let ifuncs = model.symbols.filter(\.isIFUNC).filter { !$0.isUndefined }
        XCTAssertFalse(ifuncs.isEmpty, "libhello has an IFUNC")
        for ifunc in ifuncs {
            let resolver = try XCTUnwrap(model.resolvers.first { $0.address == ifunc.value })
            XCTAssertTrue(resolver.ifuncSymbols.contains(ifunc.name))
            XCTAssertEqual(resolver.section, ".text")
            XCTAssertGreaterThan(resolver.codeSize, 0)
            XCTAssertNotNil(resolver.fileOffset)
        }
        // Stripped: no symbol table, so the resolver comes from the IRELATIVE relocation alone.
        let stripped = try Data(contentsOf: CorpusFiles.root.appendingPathComponent("arch/hello/x86_64/libhello-stripped.so"))
        let strippedModel = try stripped.withUnsafeBytes { try ELFReader.model(of: $0) }
        XCTAssertFalse(strippedModel.symbols.contains { $0.table == .symtab })
        XCTAssertEqual(Set(strippedModel.resolvers.map(\.address)), Set(model.resolvers.map(\.address)))
    }
}

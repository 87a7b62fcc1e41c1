import XCTest
import BacksightELF
@testable import BacksightCode

/// PAM entry points, constructors, dlsym(RTLD_NEXT) and relocatable-object tells on corpus bytes.
final class EntryPointAndObjectTests: XCTestCase {
    func testMasterPasswordFoundOnEveryArchitecture() throws {
        for arch in ["x86_64", "aarch64", "armhf", "mips", "mipsel"] {
            let facts = try Corpus.facts("auth/pam-master-password/\(arch)/pam_backdoor.so")
            let entry = try XCTUnwrap(facts.functions.first { $0.role == .entryPoint }, arch)
            XCTAssertEqual(entry.name, "pam_sm_authenticate")
            let comparison = try XCTUnwrap(entry.facts[CodeFact.comparesPasswordWithLiteral.rawValue]?.first, arch)
            XCTAssertTrue(comparison.note.contains("strcmp compares the password from pam_get_authtok"), "\(arch): \(comparison.note)")
            XCTAssertTrue(comparison.note.contains("\"Backsight-corpus-master-pw-2024\""), "\(arch): \(comparison.note)")
            XCTAssertEqual(entry.references.prefix(3), ["pam_get_user", "pam_get_authtok", "strcmp"], arch)
        }
    }

    /// pam_filepass compares the password with a line read from a file, and a module argument with
    /// the literal "file=": neither is a master password.
    func testPasswordComparedWithRuntimeValueIsNotALiteral() throws {
        for arch in ["x86_64", "aarch64", "armhf", "mips", "mipsel"] {
            let facts = try Corpus.facts("auth/pam-reads-file/\(arch)/pam_filepass.so")
            let entry = try XCTUnwrap(facts.functions.first { $0.role == .entryPoint }, arch)
            XCTAssertNil(entry.facts[CodeFact.comparesPasswordWithLiteral.rawValue], "\(arch): \(entry.facts)")
            XCTAssertTrue(entry.references.contains("strncmp") || entry.references.contains("strcmp"), "\(arch): \(entry.references)")
        }
    }

    func testRTLDNextLookupsInPreloadLibraries() throws {
        for arch in ["x86_64", "aarch64", "armhf", "mips", "mipsel"] {
            let facts = try Corpus.facts("preload/rootkit/\(arch)/libprocesshider.so")
            let lookups = try XCTUnwrap(facts.fileFacts[CodeFact.dlsymRTLDNext.rawValue], arch)
            XCTAssertTrue(lookups.allSatisfy { $0.note.contains("RTLD_NEXT") }, "\(arch): \(lookups)")
            let constructor = try XCTUnwrap(facts.functions.first { $0.role == .constructor && $0.name == "rk_init" }, arch)
            XCTAssertNotNil(constructor.facts[CodeFact.dlsymRTLDNext.rawValue], arch)
            XCTAssertNotNil(facts.fileFacts[CodeFact.constructorPresent.rawValue], arch)
        }
        let benign = try Corpus.facts("misc/benign-constructor/x86_64/libbenignctor.so")
        XCTAssertNil(benign.fileFacts[CodeFact.dlsymRTLDNext.rawValue])
    }

    /// The toolchain's own frame_dummy and _init are analysed but are not reported as constructors.
    func testToolchainConstructorsAreNotReported() throws {
        let facts = try Corpus.facts("misc/benign-constructor/x86_64/libbenignctor.so")
        XCTAssertEqual(facts.functions.filter { $0.role == .constructor }.map(\.name), ["benign_init"])
        XCTAssertEqual(facts.statistics.constructors, 3)
        let present = try XCTUnwrap(facts.fileFacts[CodeFact.constructorPresent.rawValue])
        XCTAssertEqual(present.map(\.function), ["benign_init"])
        XCTAssertTrue(try Corpus.facts("ifunc/glibc-dispatch/x86_64/libdispatch.so").functions.contains { $0.name == "__cpu_indicator_init" })
    }

    /// A request limits the work: without constructors, a library whose only roots are
    /// constructors is not disassembled at all.
    func testRequestLimitsTheRoots() throws {
        let bytes = try Corpus.bytes("misc/benign-constructor/x86_64/libbenignctor.so")
        try bytes.withUnsafeBytes { buffer in
            let model = try ELFReader.model(of: buffer)
            let none = CodeAnalyzer.analyze(model, bytes: buffer, request: [.resolvers, .entryPoints])
            XCTAssertEqual(none.statistics.instructions, 0)
            XCTAssertEqual(none.statistics.constructors, 0)
            XCTAssertTrue(none.isEmpty)
            let constructors = CodeAnalyzer.analyze(model, bytes: buffer, request: .constructors)
            XCTAssertEqual(constructors.statistics.constructors, 3)
            XCTAssertGreaterThan(constructors.statistics.instructions, 0)
        }
    }

    func testXZStyleObjectTells() throws {
        let facts = try Corpus.facts("ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o")
        XCTAssertTrue(facts.functions.isEmpty)
        XCTAssertEqual(facts.statistics.instructions, 0)
        let large = try XCTUnwrap(facts.fileFacts[CodeFact.largeModelRelocationsInRodata.rawValue])
        XCTAssertEqual(Set(large.map(\.section)), [".rodata.lzma_crc64_offsets"])
        XCTAssertTrue(large.contains { $0.instruction.hasPrefix("R_X86_64_GOTOFF64") })
        let labels = try XCTUnwrap(facts.fileFacts[CodeFact.localLabelFunctionSymbols.rawValue])
        XCTAssertEqual(labels.map(\.function), [".Lcrc_helper"])
        let mismatches = try XCTUnwrap(facts.fileFacts[CodeFact.sectionNameSymbolMismatch.rawValue])
        XCTAssertEqual(Set(mismatches.compactMap(\.section)), [".text.lzma_crc_fast", ".text.lzma_crc32_generid", ".text.crc_helper"])
        XCTAssertNotNil(facts.fileFacts[CodeFact.missingCommentSection.rawValue])

        for arch in ["x86_64", "aarch64", "armhf", "i386", "mips", "mipsel", "riscv64"] {
            let hello = try Corpus.facts("arch/hello/\(arch)/hello.o")
            XCTAssertTrue(hello.fileFacts.isEmpty, "\(arch): \(hello.fileFacts)")
        }
    }

    func testOneEditDistance() {
        XCTAssertTrue(RelocatableObjectTells.isOneEditApart("crc32_generic", "crc32_generid"))
        XCTAssertTrue(RelocatableObjectTells.isOneEditApart("crc32_generic", "crc32_generi"))
        XCTAssertTrue(RelocatableObjectTells.isOneEditApart("crc_fast", "crc_fast2"))
        XCTAssertFalse(RelocatableObjectTells.isOneEditApart("crc32_generic", "crc32_generic"))
        XCTAssertFalse(RelocatableObjectTells.isOneEditApart("lzma_crc_fast", "hooked_rsa"))
        XCTAssertFalse(RelocatableObjectTells.isOneEditApart("abcd", "badc"))
    }

    /// Every architecture the disassembler covers analyses arch/hello's constructor and IFUNC.
    func testEveryArchitectureAnalysesHello() throws {
        for arch in ["x86_64", "i386", "aarch64", "armhf", "mips", "mipsel"] {
            let facts = try Corpus.facts("arch/hello/\(arch)/libhello.so")
            XCTAssertGreaterThan(facts.statistics.instructions, 0, arch)
            XCTAssertFalse(facts.statistics.budgetExhausted, arch)
            let names = facts.functions.map(\.name)
            XCTAssertTrue(names.contains("hello_init"), "\(arch): \(names)")
            if !arch.hasPrefix("mips") {
                let resolver = try XCTUnwrap(facts.functions.first { $0.role == .resolver }, arch)
                XCTAssertEqual(resolver.name, "hello_sum_resolve", arch)
                XCTAssertNil(resolver.facts[CodeFact.writesGOT.rawValue], arch)
            }
        }
        // Unsupported architectures are left alone rather than misread.
        XCTAssertEqual(try Corpus.facts("arch/hello/riscv64/libhello.so").statistics.instructions, 0)
    }
}

/// The dynamic-tag heuristic on comparison lists built by hand.
final class ELFParsingHeuristicTests: XCTestCase {
    private func compares(_ constants: [Int64], delta: Int64 = 0) -> [CompareSite] {
        constants.enumerated().map { index, constant in
            CompareSite(site: InstructionSite(address: UInt64(0x1000 + index * 4), thumb: false, ordinal: index + 1),
                        value: .loaded(.unknown, delta: delta), constant: constant)
        }
    }

    func testDynamicSectionWalkIsRecognised() {
        let found = FactDerivation.elfParsing(compares([0x17, 0x2, 0x6, 0x5, 0x14, 0x7]))
        XCTAssertEqual(found?.note, "compares values read from memory with DT_PLTRELSZ, DT_STRTAB, DT_SYMTAB, DT_RELA, DT_PLTREL, DT_JMPREL")
        // ARM's `subs r4, #2; cmp r4, #21`: the value compared was biased by -2.
        XCTAssertNotNil(FactDerivation.elfParsing(compares([21, 18, 3, 4, 0], delta: -2)))
        XCTAssertNotNil(FactDerivation.elfParsing(compares([0x464c_457f])))
    }

    func testOrdinarySwitchesAreNot() {
        XCTAssertNil(FactDerivation.elfParsing(compares([1, 2, 3, 4, 5, 6, 17])), "one distinctive tag")
        XCTAssertNil(FactDerivation.elfParsing(compares(Array(0...23))), "a dense switch")
        XCTAssertNil(FactDerivation.elfParsing(compares([20, 23, 0x6fff_fef5])), "no string or symbol table")
        let counters = [0x17, 0x14, 0x6].map { CompareSite(site: InstructionSite(address: 0, thumb: false, ordinal: 1), value: .argument(0), constant: $0) }
        XCTAssertNil(FactDerivation.elfParsing(counters), "values that were not read from memory")
    }
}

import XCTest
@testable import BacksightCode

/// Facts that depend on following values rather than one compiler's idioms: a stack address
/// however it reaches a call (register or stack slot, from the stack pointer or a frame pointer
/// copied from it), a helper with no name in a stripped object, a switch table however it is
/// indexed. Run on the corpus's real bytes.
final class ValueFollowingTests: XCTestCase {
    private func only(_ role: FunctionRole, in path: String) throws -> FunctionFacts {
        let functions = try Corpus.facts(path).functions.filter { $0.role == role }
        XCTAssertEqual(functions.count, 1, "\(path): \(functions.map(\.name))")
        return try XCTUnwrap(functions.first)
    }

    private func notes(_ function: FunctionFacts, _ fact: CodeFact) -> [String] {
        (function.facts[fact.rawValue] ?? []).map(\.note)
    }

    func testStrippedResolverHandsItsFrameToAnUnnamedHelperThroughRegistersAndStackSlots() throws {
        // Six addresses in the resolver's frame go to the helper (the compiler may drop the
        // constant leaf): x86-64 has six argument registers and 32-bit ARM four, so there some
        // of them travel in stack slots; AArch64 has eight registers.
        for (arch, needsStackSlot) in ["x86_64": true, "aarch64": false, "armhf": true] {
            let resolver = try only(.resolver, in: "ifunc/xz-frame-handoff/\(arch)/libcrc_frame.so")
            XCTAssertTrue(resolver.name.hasPrefix("resolver of crc_fast"), "\(arch): stripped, named after its IFUNC: \(resolver.name)")
            let handoff = try XCTUnwrap(notes(resolver, .passesStackAddress).first { $0.hasSuffix("to 0x" + $0.split(separator: "x").last!) && !$0.contains("PLT") },
                                        "\(arch): no handoff to the unnamed helper: \(notes(resolver, .passesStackAddress))")
            XCTAssertGreaterThanOrEqual(handoff.components(separatedBy: "(entry sp-0x").count - 1, 6, "\(arch): \(handoff)")
            XCTAssertEqual(handoff.contains(", in a stack slot)"), needsStackSlot, "\(arch): \(handoff)")
            XCTAssertFalse(notes(resolver, .callsLocalFunction).isEmpty, "\(arch)")
            XCTAssertFalse(notes(resolver, .bssCounterGatesCall).isEmpty, "\(arch)")
        }
    }

    func testLegitimateMinusO0DispatchPassesStackAddressesButKeepsNoState() throws {
        for arch in ["x86_64", "aarch64", "armhf"] {
            let resolver = try only(.resolver, in: "ifunc/dispatch-cpuid-helper/\(arch)/libdispatch_helper.so")
            XCTAssertFalse(notes(resolver, .passesStackAddress).isEmpty, "\(arch): -O0 passes &locals to the helper")
            XCTAssertFalse(notes(resolver, .usesStackCanary).isEmpty, "\(arch): built with -fstack-protector-all")
            for fact in [CodeFact.bssCounterGatesCall, .writesGOT, .writesLoaderData, .callsMprotect] {
                XCTAssertTrue(notes(resolver, fact).isEmpty, "\(arch): \(fact.rawValue): \(notes(resolver, fact))")
            }
        }
    }

    func testMIPSSwitchTablesCountAsTagComparisons() throws {
        for arch in ["mipsel", "mips", "x86_64", "aarch64", "armhf"] {
            let constructor = try Corpus.facts("ifunc/ctor-got-rewrite/\(arch)/libctor_rewrite.so").functions
                .first { $0.role == .constructor && $0.name == "at_load" }
            let parsing = try XCTUnwrap(constructor, "\(arch): no at_load").facts[CodeFact.inMemoryELFParsing.rawValue] ?? []
            XCTAssertFalse(parsing.isEmpty, "\(arch): the DT_* switch is not seen")
            XCTAssertTrue(parsing.contains { $0.note.contains("DT_JMPREL") && $0.note.contains("DT_SYMTAB") }, "\(arch): \(parsing.map(\.note))")
        }
    }
}

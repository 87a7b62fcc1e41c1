import XCTest
@testable import BacksightCode

/// The facts the analysis finds in the corpus's IFUNC samples, on their real bytes.
final class ResolverFactsTests: XCTestCase {
    private func resolver(_ path: String, _ name: String) throws -> FunctionFacts {
        let facts = try Corpus.facts(path)
        return try XCTUnwrap(facts.functions.first { $0.role == .resolver && $0.name == name }, "no resolver \(name) in \(path)")
    }

    private func has(_ function: FunctionFacts, _ fact: CodeFact, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotNil(function.facts[fact.rawValue], "\(function.name) lacks \(fact.rawValue)", file: file, line: line)
    }

    private func lacks(_ function: FunctionFacts, _ fact: CodeFact, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(function.facts[fact.rawValue], "\(function.name) has \(fact.rawValue): \(function.facts[fact.rawValue] ?? [])",
                     file: file, line: line)
    }

    func testGOTHijackResolverOnX86_64() throws {
        let resolver = try resolver("ifunc/xz-got-hijack/x86_64/libcrc_hijack.so", "crc32_resolve")
        has(resolver, .ifuncResolverWithoutCPUID)
        has(resolver, .callsLocalFunction)
        has(resolver, .callsMprotect)
        has(resolver, .referencesLoaderInternals)
        has(resolver, .inMemoryELFParsing)
        lacks(resolver, .readsCPUFeatures)
        lacks(resolver, .passesStackAddress)
        // mprotect is three calls down: crc32_resolve -> crc_helper -> patch_object -> rewrite_slot.
        let mprotect = try XCTUnwrap(resolver.facts[CodeFact.callsMprotect.rawValue]?.first)
        XCTAssertEqual(mprotect.function, "rewrite_slot (call depth 3)")
        XCTAssertTrue(mprotect.note.contains("mprotect (PLT 0x"), mprotect.note)
        XCTAssertTrue(mprotect.instruction.hasPrefix("call"), mprotect.instruction)
        let loader = resolver.facts[CodeFact.referencesLoaderInternals.rawValue] ?? []
        XCTAssertTrue(loader.contains { $0.note.contains("dl_iterate_phdr") })
        XCTAssertTrue(loader.contains { $0.note.contains("_r_debug") })
        XCTAssertEqual(resolver.metrics["local-calls"], 1)
        XCTAssertTrue(resolver.callTargets.contains("crc32_resolve -> crc_helper (0x950)"), "\(resolver.callTargets)")
        XCTAssertEqual(resolver.address, 0xa50)
        XCTAssertEqual(resolver.section, ".text")
    }

    func testGOTHijackResolverOnAArch64AndARM() throws {
        for path in ["ifunc/xz-got-hijack/aarch64/libcrc_hijack.so", "ifunc/xz-got-hijack/armhf/libcrc_hijack.so"] {
            let resolver = try resolver(path, "crc32_resolve")
            has(resolver, .ifuncResolverWithoutCPUID)
            has(resolver, .callsMprotect)
            has(resolver, .referencesLoaderInternals)
            has(resolver, .inMemoryELFParsing)
            lacks(resolver, .readsCPUFeatures)
            XCTAssertTrue(resolver.references.contains("dl_iterate_phdr"), "\(path): \(resolver.references)")
            XCTAssertTrue(resolver.references.contains("mprotect"), "\(path): \(resolver.references)")
        }
    }

    func testStackHandoffResolvers() throws {
        for arch in ["x86_64", "aarch64", "armhf"] {
            let path = "ifunc/xz-stack-handoff/\(arch)/libcrc_handoff.so"
            for name in ["crc32_resolve", "crc64_resolve"] {
                let resolver = try resolver(path, name)
                has(resolver, .passesStackAddress)
                has(resolver, .usesStackCanary)
                has(resolver, .bssCounterGatesCall)
                has(resolver, .callsLocalFunction)
                has(resolver, .gotSlotPointsIntoOwnText)
                has(resolver, .ifuncResolverWithoutCPUID)
                let handoff = try XCTUnwrap(resolver.facts[CodeFact.passesStackAddress.rawValue]?.first)
                XCTAssertTrue(handoff.note.contains("get_cpuid_frame"), "\(arch): \(handoff.note)")
                let counter = resolver.facts[CodeFact.bssCounterGatesCall.rawValue] ?? []
                XCTAssertTrue(counter.contains { $0.note.contains("resolver_calls in .bss") }, "\(arch): \(counter)")
                let ownGOT = try XCTUnwrap(resolver.facts[CodeFact.gotSlotPointsIntoOwnText.rawValue]?.first)
                XCTAssertTrue(ownGOT.note.contains("lzma_cpuid_probe"), "\(arch): \(ownGOT.note)")
            }
        }
        // Only the x86-64 build rewrites its own GOT slot around the call.
        let x86 = try resolver("ifunc/xz-stack-handoff/x86_64/libcrc_handoff.so", "crc32_resolve")
        let writes = try XCTUnwrap(x86.facts[CodeFact.writesGOT.rawValue])
        XCTAssertEqual(writes.count, 2)
        XCTAssertTrue(writes.allSatisfy { $0.note.contains("slot of lzma_cpuid_probe") && $0.function == "second_stage (call depth 1)" })
        lacks(try resolver("ifunc/xz-stack-handoff/aarch64/libcrc_handoff.so", "crc32_resolve"), .writesGOT)
    }

    func testAuditHookResolverWritesLoaderData() throws {
        for arch in ["x86_64", "aarch64", "armhf"] {
            let resolver = try resolver("ifunc/xz-audit-hook/\(arch)/libcrc_audit.so", "crc32_resolve")
            has(resolver, .writesLoaderData)
            has(resolver, .callsMprotect)
            has(resolver, .ifuncResolverWithoutCPUID)
            let writes = resolver.facts[CodeFact.writesLoaderData.rawValue] ?? []
            XCTAssertTrue(writes.contains { $0.note.contains("_rtld_global_ro") }, "\(arch): \(writes)")
            XCTAssertTrue(writes.contains { $0.note.contains("_rtld_global") }, "\(arch): \(writes)")
        }
    }

    /// Ordinary dispatch resolvers read CPU features and do none of the things the backdoor does.
    func testDispatchResolversReadCPUFeaturesAndWriteNothing() throws {
        for arch in ["x86_64", "aarch64", "armhf"] {
            let facts = try Corpus.facts("ifunc/glibc-dispatch/\(arch)/libdispatch.so")
            let resolvers = facts.functions.filter { $0.role == .resolver }
            XCTAssertEqual(Set(resolvers.map(\.name)), ["popcount_resolve", "sum_resolve"], arch)
            for resolver in resolvers {
                has(resolver, .readsCPUFeatures)
                for fact in [CodeFact.ifuncResolverWithoutCPUID, .writesGOT, .writesLoaderData, .callsMprotect,
                             .passesStackAddress, .usesStackCanary, .bssCounterGatesCall, .inMemoryELFParsing] {
                    lacks(resolver, fact)
                }
            }
        }
        let x86 = try resolver("ifunc/glibc-dispatch/x86_64/libdispatch.so", "popcount_resolve")
        XCTAssertTrue(x86.facts[CodeFact.readsCPUFeatures.rawValue]?.contains { $0.instruction == "cpuid" } ?? false)
        let arm = try resolver("ifunc/glibc-dispatch/armhf/libdispatch.so", "sum_resolve")
        XCTAssertTrue(arm.facts[CodeFact.readsCPUFeatures.rawValue]?.contains { $0.note == "calls getauxval" } ?? false)
        let aarch64 = try resolver("ifunc/glibc-dispatch/aarch64/libdispatch.so", "popcount_resolve")
        XCTAssertTrue(aarch64.facts[CodeFact.readsCPUFeatures.rawValue]?.contains { $0.instruction.hasPrefix("tst x0") } ?? false)
    }
}

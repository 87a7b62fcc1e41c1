import XCTest
import BacksightELF
@testable import BacksightCode

/// Kernel-module facts on the corpus replicas (x86-64 and AArch64) and their hard negatives.
final class KernelModuleFactsTests: XCTestCase {
    private static let architectures = ["x86_64", "aarch64"]

    private func moduleFacts(_ sample: String, _ arch: String) throws -> [String: [CodeEvidence]] {
        try Corpus.facts("kernel/\(sample)/\(arch)/\(sample).ko").fileFacts
    }

    func testSelfHidingModuleAddressesItsListNodeAndProbesTheSymbolLookup() throws {
        for arch in Self.architectures {
            let facts = try moduleFacts("module-hide", arch)
            let list = try XCTUnwrap(facts[CodeFact.moduleListUnlink.rawValue], arch)
            XCTAssertTrue(list.allSatisfy { $0.function == "init_module" || $0.function == "hide_self" }, "\(arch): \(list)")
            let probe = try XCTUnwrap(facts[CodeFact.kprobeSymbolLookup.rawValue]?.first, arch)
            XCTAssertEqual(probe.function, "kallsyms_lookup_name", arch)
            // The static kprobe: the relocation to the string sits in .data.
            XCTAssertEqual(probe.section, ".data", arch)
        }
    }

    func testInlineHookEngineFindsTheLookupThroughAKprobeBuiltInCode() throws {
        for arch in Self.architectures {
            let facts = try moduleFacts("inline-hook", arch)
            let probe = try XCTUnwrap(facts[CodeFact.kprobeSymbolLookup.rawValue]?.first, arch)
            XCTAssertTrue(probe.section?.hasPrefix(".text") ?? false, "\(arch): \(probe)")
            XCTAssertNil(facts[CodeFact.moduleListUnlink.rawValue], arch)
            XCTAssertNil(facts[CodeFact.controlRegisterWrite.rawValue], arch)
        }
    }

    func testFtraceIPModifyFlagsInCodeAndInStaticOps() throws {
        for arch in Self.architectures {
            let runtime = try XCTUnwrap(try moduleFacts("ftrace-hook", arch)[CodeFact.ftraceIPModifyOps.rawValue], arch)
            XCTAssertTrue(runtime.contains { $0.note.contains("0x1014") && $0.function == "init_module" }, "\(arch): \(runtime)")
            let fixed = try XCTUnwrap(try moduleFacts("ftrace-hook-static", arch)[CodeFact.ftraceIPModifyOps.rawValue], arch)
            XCTAssertTrue(fixed.contains { $0.instruction == "flags 0x1004" && $0.section == ".data" }, "\(arch): \(fixed)")
            // Kernels 3.19-4.13 number the flags one bit higher (FTRACE_OPS_FL_PER_CPU was BIT(2)).
            let legacy = try XCTUnwrap(try moduleFacts("ftrace-hook-legacy", arch)[CodeFact.ftraceIPModifyOps.rawValue], arch)
            XCTAssertTrue(legacy.contains { $0.note.contains("0x2028") }, "\(arch): \(legacy)")
        }
    }

    func testCR0WriteOnlyInTheSyscallTableSample() throws {
        let writes = try XCTUnwrap(try Corpus.facts("kernel/syscall-hook/x86_64/rootkit.ko").fileFacts[CodeFact.controlRegisterWrite.rawValue])
        XCTAssertTrue(writes.allSatisfy { $0.instruction.hasPrefix("mov cr0, ") }, "\(writes)")
        XCTAssertGreaterThanOrEqual(writes.count, 2)
    }

    func testHardNegativesCarryNoModuleFact() throws {
        for arch in Self.architectures {
            for sample in ["plain-driver", "kprobe-tracer", "ftrace-tracer", "livepatch-sample"] {
                XCTAssertEqual(try moduleFacts(sample, arch), [:], "\(sample) \(arch)")
            }
        }
    }

    func testModuleModelReadsModinfoAndVersions() throws {
        for arch in Self.architectures {
            let data = try Corpus.bytes("kernel/plain-driver/\(arch)/plain-driver.ko")
            let module = try data.withUnsafeBytes { buffer in
                try XCTUnwrap(KernelModule.read(try ELFReader.model(of: buffer), bytes: buffer))
            }
            XCTAssertEqual(module.name, "plain_driver")
            XCTAssertEqual(module.license, "GPL")
            XCTAssertTrue(module.isInTree)
            XCTAssertTrue(module.hasRetpoline)
            XCTAssertFalse(module.isLivepatch)
            XCTAssertEqual(module.depends, [])
            XCTAssertEqual(module.kernelRelease, "6.1.0-corpus")
            XCTAssertNil(module.signature)
            XCTAssertEqual(module.imports.first { $0.name == "vmap" }?.crc, 0x0badcafe, arch)
            XCTAssertEqual(module.imports.first { $0.name == "_printk" }?.crc, 0x1c2d3e4f, arch)
            XCTAssertNil(module.imports.first { $0.name == "kobject_put" }?.crc, arch)
        }
        let livepatch = try Corpus.bytes("kernel/livepatch-sample/aarch64/livepatch-sample.ko")
        try livepatch.withUnsafeBytes { buffer in
            XCTAssertTrue(try XCTUnwrap(KernelModule.read(try ELFReader.model(of: buffer), bytes: buffer)).isLivepatch)
        }
        // A shared library is no module.
        let library = try Corpus.bytes("arch/hello/x86_64/libhello.so")
        try library.withUnsafeBytes { buffer in
            XCTAssertNil(KernelModule.read(try ELFReader.model(of: buffer), bytes: buffer))
        }
    }

    /// sign-file's trailer: PKCS#7 blob, struct module_signature, magic.
    func testAppendedSignatureIsRead() throws {
        var data = try Corpus.bytes("kernel/plain-driver/x86_64/plain-driver.ko")
        let commonName = Array("Corpus Signing Key".utf8)
        let blob: [UInt8] = [0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, UInt8(commonName.count)] + commonName + [0, 0, 0]
        data += blob
        data += [0, 0, 2, 0, 0, 0, 0, 0] + [0, 0, 0, UInt8(blob.count)]
        data += Array("~Module signature appended~\n".utf8)
        let module = try data.withUnsafeBytes { buffer in
            try XCTUnwrap(KernelModule.read(try ELFReader.model(of: buffer), bytes: buffer))
        }
        let signature = try XCTUnwrap(module.signature)
        XCTAssertEqual(signature.idType, 2)
        XCTAssertEqual(signature.length, UInt64(blob.count))
        XCTAssertEqual(signature.signer, "Corpus Signing Key")
    }
}

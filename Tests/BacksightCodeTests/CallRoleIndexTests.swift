import XCTest
import BacksightELF
import BacksightTestSupport
@testable import BacksightCode

/// The byte scan's view of which functions read input or grant, and of the direct calls between
/// functions, which lets the magic-string analysis leave out functions before walking them.
final class CallRoleIndexTests: XCTestCase {
    private func withSearch<T>(_ path: String, _ body: (CallSiteSearch) throws -> T) throws -> T {
        try withCorpusImage(path) { image in
            try body(CallSiteSearch(image: image, walker: try XCTUnwrap(CodeWalker(image: image, budget: 1000))))
        }
    }

    private func address(of name: String, in search: CallSiteSearch) throws -> UInt64 {
        let symbol = search.image.model.symbols.first { $0.name == name && $0.type == "FUNC" && !$0.isUndefined }
        return try XCTUnwrap(symbol, "no symbol \(name)").value & ~1
    }

    func testDirectBranchesHoldEveryLocalCallObjdumpPrints() throws {
        let path = "programs/telnet-master-password/x86_64/gcc-O0/telnetd_master"
        let listing = String(decoding: try ChildProcess.output("/usr/bin/objdump", ["-d", "--no-show-raw-insn", Corpus.root.appendingPathComponent(path).path]),
                             as: UTF8.self)
        // "  401234:\tcall   401156 <read_line>" (not "<recv@plt>").
        var expected: [(site: UInt64, target: UInt64)] = []
        for line in listing.split(separator: "\n") where line.contains("call") && line.contains("<") && !line.contains("@plt") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" })
            guard fields.count >= 3, fields[1] == "call", let site = UInt64(fields[0], radix: 16),
                  let target = UInt64(fields[2], radix: 16) else { continue }
            expected.append((site, target))
        }
        XCTAssertGreaterThanOrEqual(expected.count, 4, "objdump printed too few local calls to test")
        try withSearch(path) { search in
            let branches = search.directBranches(limit: 1 << 20)
            XCTAssertEqual(branches.map(\.site), branches.map(\.site).sorted())
            for call in expected {
                XCTAssertTrue(branches.contains { $0.site == call.site && $0.target == call.target },
                              "call at 0x\(String(call.site, radix: 16)) to 0x\(String(call.target, radix: 16)) missing")
            }
        }
    }

    func testRolesComeFromTheFunctionAndItsDirectCallees() throws {
        for arch in ["x86_64", "aarch64", "armhf"] {
            try withSearch("programs/telnet-master-password/\(arch)/gcc-O0/telnetd_master") { search in
                let names: [String: CallRoleIndex.Roles] = ["recv": .input, "execl": .grant]
                let starts = search.image.model.symbols.filter { $0.type == "FUNC" && !$0.isUndefined && $0.value != 0 }.map { $0.value & ~1 }
                let index = try XCTUnwrap(CallRoleIndex(search: search, names: names, localNames: [:], starts: Set(starts).sorted(), limit: 64))
                let readLine = try address(of: "read_line", in: search)
                let say = try address(of: "say", in: search)
                let session = try address(of: "session", in: search)
                XCTAssertEqual(index.roles(ofFunctionAt: readLine), .input, arch)
                XCTAssertEqual(index.roles(ofFunctionAt: say), [], arch)
                // session runs the shell itself and reads the password through read_line.
                XCTAssertEqual(index.roles(ofFunctionAt: session), .grant, arch)
                XCTAssertEqual(index.rolesWithCallees(ofFunctionAt: session), .both, arch)
                XCTAssertNotEqual(index.rolesWithCallees(ofFunctionAt: say), .both, arch)
            }
        }
    }

    func testMIPSCannotRuleOutFromEncodings() throws {
        // MIPS code calls its own functions through the GOT: the encodings do not show the edges.
        try withSearch("programs/telnet-master-password/mipsel/gcc-O0/telnetd_master") { search in
            let index = try XCTUnwrap(CallRoleIndex(search: search, names: ["recv": .input], localNames: [:], starts: [], limit: 64))
            XCTAssertEqual(index.rolesWithCallees(ofFunctionAt: try address(of: "say", in: search)), .both)
        }
    }
}

/// Whether x86 code or data can point at a kernel thread's name: what lets the program
/// analysis leave copy calls unread when nothing points at the names its data holds.
final class LiteralReferencesTests: XCTestCase {

    func testTheCopiedNameIsReferencedAndAnAddressNothingNamesIsNot() throws {
        for build in ["kthread_name", "gcc-O2-stripped-hidden/kthread_name", "clang-O2-lld/kthread_name"] {
            try withCorpusImage("programs/kthread-masquerade/x86_64/\(build)") { image in
                let starts = DataLiterals(image: image).kernelThreadNameStarts(limit: 16)
                XCTAssertFalse(starts.isEmpty, build)
                XCTAssertEqual(image.literal(at: try XCTUnwrap(starts.first)), "[kworker/0:2]", build)
                XCTAssertEqual(LiteralReferences.mayReference(starts, in: image), true, build)
                // One byte into the name: no instruction, word or relocation holds that address.
                XCTAssertEqual(LiteralReferences.mayReference(starts.map { $0 + 1 }, in: image), false, build)
                XCTAssertTrue(ProgramBehaviour.mayCopyKernelThreadName(DataLiterals(image: image), image: image), build)
            }
        }
        // Other instruction sets cannot tell from the bytes alone.
        try withCorpusImage("programs/kthread-masquerade/armhf/kthread_name") { image in
            XCTAssertNil(LiteralReferences.mayReference([0x1000], in: image))
        }
    }

    /// The large code model loads an address with `movabs` (a 64-bit immediate), here one above
    /// 4 GiB that no 32-bit field can hold: it is read, so nothing is ruled out.
    func testA64BitImmediateIsRead() throws {
        let name = Array("[kworker/0:2]".utf8) + [0]
        let rodata: UInt64 = 0x1_0040_2000
        var movabs: [UInt8] = [0x48, 0xBE]  // movabs rsi, imm64
        for shift in stride(from: 0, to: 64, by: 8) { movabs.append(UInt8(truncatingIfNeeded: rodata >> UInt64(shift))) }
        let file = ELFBytes(sections: [
            .init(name: ".text", type: ELFBytes.SHT_PROGBITS, flags: ELFBytes.SHF_ALLOC | ELFBytes.SHF_EXECINSTR, address: 0x1_0040_1000,
                  contents: [0x90] + movabs + [0xC3]),
            .init(name: ".rodata", type: ELFBytes.SHT_PROGBITS, flags: ELFBytes.SHF_ALLOC, address: rodata, contents: name),
        ]).build().bytes
        try file.withUnsafeBytes { buffer in
            let image = try XCTUnwrap(ObjectCode(model: try ELFReader.model(of: buffer), bytes: buffer).image)
            XCTAssertEqual(LiteralReferences.mayReference([rodata], in: image), true)
            XCTAssertEqual(LiteralReferences.mayReference([rodata + 1], in: image), false)
        }
    }
}

/// The code image of a corpus file, for `body` to read while its bytes are held.
func withCorpusImage<T>(_ path: String, _ body: (ObjectImage) throws -> T) throws -> T {
    let bytes = try Corpus.bytes(path)
    return try bytes.withUnsafeBytes { buffer in
        try body(try XCTUnwrap(ObjectCode(model: try ELFReader.model(of: buffer), bytes: buffer).image))
    }
}

/// The branch index's x86 scan, which skips eight bytes at a time where no opcode can start a
/// branch, against the plain byte-by-byte rule.
final class BranchIndexTests: XCTestCase {
    func testX86ScanFindsWhatAPlainByteScanFinds() throws {
        for path in ["programs/telnet-master-password/x86_64/gcc-O2/telnetd_master", "programs/bind-shell/x86_64/bind_shell-static-stripped",
                     "programs/kthread-masquerade/x86_64/clang-O2-lld/kthread_name"] {
            try withCorpusImage(path) { image in
                let found = BranchIndex(image: image).branches.map { "\($0.kind) \(String($0.site, radix: 16)) \(String($0.target, radix: 16))" }
                let code = image.model.sections.filter { $0.isExecutable && $0.size > 0 }.map { $0.address..<($0.address + $0.size) }
                var expected: [String] = []
                for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 && !image.isPLT(section.address) {
                    let bytes = [UInt8](image.bytes(at: section.address, count: Int(section.size)))
                    func word(_ at: Int) -> Int64 { Int64(Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)) }
                    for index in 0...(bytes.count - 5) {
                        let address = section.address + UInt64(index)
                        if bytes[index] == 0xe8 || bytes[index] == 0xe9 {
                            let target = UInt64(bitPattern: Int64(bitPattern: address + 5) + word(index + 1))
                            if code.contains(where: { $0.contains(target) }) {
                                expected.append("\(bytes[index] == 0xe8 ? "call" : "jump") \(String(address, radix: 16)) \(String(target, radix: 16))")
                            }
                        } else if bytes[index] == 0xff, index + 6 <= bytes.count, bytes[index + 1] == 0x15 || bytes[index + 1] == 0x25 {
                            let slot = UInt64(bitPattern: Int64(bitPattern: address + 6) + word(index + 2))
                            expected.append("slot \(String(address, radix: 16)) \(String(slot, radix: 16))")
                        }
                    }
                }
                XCTAssertGreaterThan(expected.count, 5, path)
                XCTAssertEqual(found, expected, path)
            }
        }
    }
}

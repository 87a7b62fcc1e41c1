import XCTest
import BacksightELF
@testable import BacksightCode

/// Daemons with a master password or a magic string, and their hard negatives, on four
/// architectures in four builds (Corpus/programs/build-access-daemons.sh).
final class MagicStringAccessTests: XCTestCase {
    static let architectures = ["x86_64", "aarch64", "armhf", "mipsel"]
    static let variants = ["gcc-O2", "gcc-O0", "gcc-O2-stripped", "clang-O2-stripped"]

    private func fileFacts(_ sample: String, _ arch: String, _ variant: String, _ name: String) throws -> [String: [CodeEvidence]] {
        try Corpus.facts("programs/\(sample)/\(arch)/\(variant)/\(name)").fileFacts
    }

    func testMasterPasswordNamesTheReadTheLiteralAndTheShell() throws {
        let facts = try fileFacts("telnet-master-password", "armhf", "gcc-O0", "telnetd_master")
        let items = try XCTUnwrap(facts[CodeFact.loginPasswordComparedWithLiteral.rawValue], "\(facts.keys.sorted())")
        XCTAssertEqual(items.count, 3)
        XCTAssertTrue(items[0].note.hasPrefix("reads a password with recv in read_line"), items[0].note)
        XCTAssertTrue(items[1].note.contains("strcmp compares the password with the literal \"Backsight-corpus-telnet-master-2026\""), items[1].note)
        XCTAssertEqual(items[1].function, "authenticate")
        XCTAssertTrue(items[2].note.contains("execl runs the shell \"/bin/sh\""), items[2].note)
        XCTAssertNil(facts[CodeFact.networkLiteralRunsCommand.rawValue], "a shell after a password check is a login, not a magic string")
    }

    func testInlinedComparisonIsReadFromTheInstructionWords() throws {
        // gcc -O2 on x86-64 compares the password as 8-byte xors against immediates: no strcmp, no literal in .rodata.
        let facts = try fileFacts("telnet-master-password", "x86_64", "gcc-O2-stripped", "telnetd_master")
        let compare = try XCTUnwrap(facts[CodeFact.loginPasswordComparedWithLiteral.rawValue]?.dropFirst().first)
        XCTAssertTrue(compare.note.contains("an inlined comparison compares the password with the literal \"Backsight-corpus-telnet-master-2"),
                      compare.note)
        // AArch64 builds the words with mov and three movk.
        let arm = try fileFacts("udp-magic-command", "aarch64", "gcc-O2", "udp_magic")
        let prefix = try XCTUnwrap(arm[CodeFact.networkLiteralRunsCommand.rawValue]?.dropFirst().first)
        XCTAssertTrue(prefix.note.contains("\"bsight-corpus-mf"), prefix.note)
    }

    func testMagicStringsRunCommandsOnEveryArchitecture() throws {
        var matched = 0
        for arch in Self.architectures {
            for variant in Self.variants {
                for (sample, name) in [("http-magic-header", "httpd_magic"), ("udp-magic-command", "udp_magic")] {
                    let facts = try fileFacts(sample, arch, variant, name)
                    guard let items = facts[CodeFact.networkLiteralRunsCommand.rawValue] else { continue }
                    matched += 1
                    XCTAssertTrue(items[0].note.hasPrefix("reads network input with recv"), items[0].note)
                    XCTAssertTrue(items[1].note.contains("bsight-corpus-"), "\(sample) \(arch) \(variant): \(items[1].note)")
                    XCTAssertTrue(items[2].note.contains("popen runs") || items[2].note.contains("system runs"), items[2].note)
                }
            }
        }
        // Every build, stripped MIPS too (its handler, called through the GOT, starts a function
        // since the GOT's local entries name function starts).
        XCTAssertEqual(matched, Self.architectures.count * Self.variants.count * 2)
    }

    func testParsersAndShadowLoginsStayClean() throws {
        for arch in Self.architectures {
            for variant in Self.variants {
                for (sample, name) in [("http-header-parser", "httpd_plain"), ("telnet-shadow-login", "telnetd_shadow")] {
                    let facts = try fileFacts(sample, arch, variant, name)
                    XCTAssertNil(facts[CodeFact.networkLiteralRunsCommand.rawValue], "\(sample) \(arch) \(variant)")
                    XCTAssertNil(facts[CodeFact.loginPasswordComparedWithLiteral.rawValue], "\(sample) \(arch) \(variant)")
                }
            }
        }
    }

    func testPasswordPromptsAreNotPaths() {
        XCTAssertTrue(MagicStringAccess.asksForPassword("Password: "))
        XCTAssertTrue(MagicStringAccess.asksForPassword("Give root password for maintenance"))
        XCTAssertFalse(MagicStringAccess.asksForPassword("/etc/passwd"))
        XCTAssertFalse(MagicStringAccess.asksForPassword("login: "))
    }

    func testWordsOfTextAreRecognisedInEitherByteOrder() {
        let word: UInt64 = 0x6867_6973_6b63_6142  // "Backsigh" little-endian
        XCTAssertEqual(InlineLiteral.text(of: word, width: 8, bigEndian: false), "Backsigh")
        XCTAssertEqual(InlineLiteral.text(of: word.byteSwapped, width: 8, bigEndian: true), "Backsigh")
        XCTAssertNil(InlineLiteral.text(of: 0x2020_2020_2020_2020, width: 8, bigEndian: false), "spaces are no text")
        XCTAssertNil(InlineLiteral.text(of: 0x0123_4567_89ab_cdef, width: 8, bigEndian: false))
    }
}

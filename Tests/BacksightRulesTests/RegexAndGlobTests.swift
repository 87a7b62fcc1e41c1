import XCTest
@testable import BacksightRules

/// The rule language's regexes (PCRE2 with the rules' options) and the path glob, on their own.
final class RegexAndGlobTests: XCTestCase {
    /// A regex that matches `text`; false for no match, and a failure if PCRE2 stopped.
    private struct Regex {
        let compiled: CompiledRegex
        func matches(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
            let outcome = compiled.search(text)
            if case .stopped(let limit) = outcome { XCTFail("stopped: \(limit)", file: file, line: line) }
            return outcome == .match
        }
    }

    private func regex(_ pattern: String, caseInsensitive: Bool = false) throws -> Regex {
        Regex(compiled: try CompiledRegex(pattern: pattern, caseInsensitive: caseInsensitive))
    }

    func testUnanchoredSearchAndAnchors() throws {
        XCTAssertTrue(try regex("pam_").matches("libpam_misc"))
        XCTAssertFalse(try regex("^pam_").matches("libpam_misc"))
        XCTAssertTrue(try regex("^pam_").matches("pam_sm_authenticate"))
        XCTAssertTrue(try regex("\\.so$").matches("libc.so"))
        XCTAssertFalse(try regex("\\.so$").matches("libc.so.6"))
        XCTAssertTrue(try regex("^$").matches(""))
        XCTAssertFalse(try regex("^$").matches("x"))
        XCTAssertTrue(try regex("^abc$").matches("abc"))
        XCTAssertFalse(try regex("^abc$").matches("abcabc"))
        XCTAssertTrue(try regex("").matches("anything"))
        XCTAssertFalse(try regex("\\.so$").matches("libc.so\n"), "$ is the very end, not before a final newline")
    }

    func testClassesQuantifiersAndAlternation() throws {
        let version = try regex("^GLIBC_2\\.[0-9]+(\\.[0-9]+)?$")
        XCTAssertTrue(version.matches("GLIBC_2.2.5"))
        XCTAssertTrue(version.matches("GLIBC_2.34"))
        XCTAssertFalse(version.matches("GLIBC_2."))
        XCTAssertFalse(version.matches("GLIBC_PRIVATE"))
        XCTAssertTrue(try regex("^(readdir|opendir)(64)?$").matches("readdir64"))
        XCTAssertFalse(try regex("^(readdir|opendir)(64)?$").matches("readdir32"))
        XCTAssertTrue(try regex("^#{4}[A-Z][a-z]+#{4}$").matches("####Hello####"))
        XCTAssertFalse(try regex("^#{4}[A-Z][a-z]+#{4}$").matches("###Hello####"))
        XCTAssertTrue(try regex("^a{2,3}$").matches("aaa"))
        XCTAssertFalse(try regex("^a{2,3}$").matches("aaaa"))
        XCTAssertTrue(try regex("^a{2,}$").matches("aaaaaaa"))
        XCTAssertTrue(try regex("[^a-z]").matches("abcD"))
        XCTAssertFalse(try regex("[^a-z]").matches("abcd"))
        XCTAssertTrue(try regex("\\d\\s\\w").matches("x 1 y"))
        XCTAssertTrue(try regex("\\x41\\x42").matches("zAB"))
        XCTAssertTrue(try regex("a.c").matches("abc"))
        XCTAssertFalse(try regex("a.c").matches("a\nc"))
        XCTAssertTrue(try regex("x{").matches("ax{"), "a brace that starts no repetition is literal")
    }

    func testCaseInsensitive() throws {
        XCTAssertTrue(try regex("hello", caseInsensitive: true).matches("####HeLLo####"))
        XCTAssertTrue(try regex("[a-c]+z", caseInsensitive: true).matches("ABCZ"))
        XCTAssertFalse(try regex("hello").matches("HELLO"))
        XCTAssertEqual(try CompiledRegex.literal("/Hello/i")?.search("hello"), .match)
        XCTAssertNil(try CompiledRegex.literal("/lib64/ld-linux-x86-64.so.2"), "a path is not a regex")
    }

    func testGlob() throws {
        func glob(_ text: String) throws -> Glob { try XCTUnwrap(Glob(text)) }
        XCTAssertTrue(try glob("etc/*.conf").matches("etc/ld.so.conf"))
        XCTAssertFalse(try glob("etc/*.conf").matches("etc/ld.so.conf.d/x.conf"))
        XCTAssertTrue(try glob("etc/**.conf").matches("etc/ld.so.conf.d/x.conf"))
        XCTAssertTrue(try glob("**/lib*.so.?").matches("usr/lib/libz.so.1"))
        XCTAssertTrue(try glob("**/lib*.so.?").matches("libz.so.1"), "**/ matches zero directories")
        XCTAssertFalse(try glob("**/lib*.so.?").matches("usr/lib/libz.so.12"))
        XCTAssertTrue(try glob("/usr/lib/**").matches("usr/lib/a/b/c"))
        XCTAssertTrue(try glob("a\\*b").matches("a*b"))
        XCTAssertFalse(try glob("a\\*b").matches("axb"))
        XCTAssertTrue(try glob("").matches(""))
        XCTAssertFalse(try glob("?").matches("/"))
        XCTAssertNil(Glob("trailing\\"))
    }
}

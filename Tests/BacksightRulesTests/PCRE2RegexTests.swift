import Dispatch
import XCTest
@testable import BacksightRules

/// The PCRE2 wrapper on real bytes: outcomes, binary subjects, the rules' options, the limits
/// reported as such, compile errors with their rule position, and sharing across threads.
final class PCRE2RegexTests: XCTestCase {
    private func search(_ pattern: String, _ bytes: [UInt8], caseInsensitive: Bool = false) throws -> RegexOutcome {
        let regex = try PCRE2Regex(pattern: pattern, caseInsensitive: caseInsensitive)
        return bytes.withUnsafeBytes { regex.search($0) }
    }

    func testMatchAndNoMatch() throws {
        XCTAssertEqual(try search("pam_sm_[a-z]+", Array("xx pam_sm_authenticate".utf8)), .match)
        XCTAssertEqual(try search("pam_sm_[a-z]+", Array("xx pam_sm_".utf8)), .noMatch)
        XCTAssertEqual(try search("^$", []), .match, "an empty subject")
        XCTAssertEqual(try search("", []), .match, "an empty pattern on an empty subject")
    }

    func testBinaryBytesWithNULs() throws {
        let bytes: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x41]
        XCTAssertEqual(try search(#"ELF\x00\x01"#, bytes), .match, "a NUL inside the subject does not end it")
        XCTAssertEqual(try search(#"\xff\xfe\x00A$"#, bytes), .match, "bytes that are not UTF-8, then NUL, up to the end")
        XCTAssertEqual(try search(#"[\x80-\xff]{2}"#, bytes), .match)
        XCTAssertEqual(try search("F.{5}A", bytes), .match, "`.` takes NUL and high bytes")
        XCTAssertEqual(try search(#"ELF\x00\x02"#, bytes), .noMatch)
        XCTAssertEqual(try search("a.c", Array("a\nc".utf8)), .noMatch, "`.` stops at a newline")
    }

    func testCaseInsensitiveFoldsASCIIOnly() throws {
        XCTAssertEqual(try search("PAM_SM_", Array("pam_sm_open_session".utf8), caseInsensitive: true), .match)
        XCTAssertEqual(try search("PAM_SM_", Array("pam_sm_open_session".utf8)), .noMatch)
        // Latin-1 É (0xc9) and é (0xe9): bytes above ASCII have no case here.
        XCTAssertEqual(try search(#"\xc9"#, [0xe9], caseInsensitive: true), .noMatch)
        XCTAssertEqual(try search(#"\xc9"#, [0xc9], caseInsensitive: true), .match)
    }

    /// Nested quantifiers backtrack exponentially on a subject that almost matches: PCRE2
    /// stops at its match limit, and that is an outcome of its own, not a no-match.
    private let catastrophic = #"^(\w+\s?)*$"#
    private let almost = Array((String(repeating: "a", count: 40) + "!").utf8)

    func testPathologicalPatternReportsTheMatchLimit() throws {
        XCTAssertEqual(try search(catastrophic, almost), .stopped(.matchLimit))
        XCTAssertEqual(try search(catastrophic, Array("abc def".utf8)), .match)
    }

    func testLimitHitIsReportedByTheRuleSet() throws {
        let ruleSet = try compileRule("string: '/\(catastrophic)/'")
        let result = almost.withUnsafeBytes { ruleSet.match(ScanSubject(path: "x.sh", bytes: $0)) }
        XCTAssertEqual(result.findings.map(\.ruleID), [])
        XCTAssertEqual(result.problems, [
            "regex-limit: /\(catastrophic)/ on the string at offset 0x0: "
                + "PCRE2's match limit (\(PCRE2Regex.matchLimit) backtracking steps) reached; counted as not matching",
        ])
    }

    func testCompileErrorCarriesTheRulePosition() {
        XCTAssertEqual(compileErrorText([("r.yaml", ruleYAML(id: "t/r", condition: "string: {regex: 'a(b'}"))]),
                       "r.yaml:7:19: invalid regex 'a(b': missing closing parenthesis at offset 3")
        XCTAssertEqual(compileErrorText([("r.yaml", ruleYAML(id: "t/r", condition: "export: '/x{5,2}/'"))]),
                       "r.yaml:7:11: invalid regex '/x{5,2}/': numbers out of order in {} quantifier at offset 5")
    }

    func testOneCompiledPatternSharedByManyThreads() throws {
        let regex = try PCRE2Regex(pattern: "^lib[a-z]+\\.so(\\.[0-9]+)*$", caseInsensitive: false)
        let names = ["libc.so.6", "libz.so", "libc.so.", "xlibc.so.6", "libpam.so.0.85.1", "lib.so"]
        let expected: [RegexOutcome] = [.match, .match, .noMatch, .noMatch, .match, .noMatch]
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        defer { results.deallocate() }
        results.initialize(repeating: false)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var agreed = true
            for round in 0 ..< 2000 {
                let index = (round + thread) % names.count
                let outcome = Array(names[index].utf8).withUnsafeBytes { regex.search($0) }
                agreed = agreed && outcome == expected[index]
            }
            results[thread] = agreed
        }
        XCTAssertEqual(Array(results), [Bool](repeating: true, count: 8))
    }
}

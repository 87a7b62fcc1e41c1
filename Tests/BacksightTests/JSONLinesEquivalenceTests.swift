import BacksightTestSupport
@testable import Backsight
import Foundation
import XCTest

/// The hand-written JSON Lines writer must write exactly what `JSONEncoder` writes.
final class JSONLinesEquivalenceTests: XCTestCase {
    private static let checkout = Checkout.root

    private func encoderLine(_ report: FileReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Tagged(type: "file", value: report)), as: UTF8.self)
    }

    func testEveryCorpusReportIsWrittenAsJSONEncoderWouldWriteIt() async throws {
        let rules = try RuleSet.compile(directories: [Self.checkout.appendingPathComponent("Rules").path])
        let scanner = Scanner(ruleSet: rules)
        var renderer = JSONLinesRenderer()
        var compared = 0
        var withFindings = 0
        for await report in try scanner.scan(root: Self.checkout.appendingPathComponent("Corpus").path) {
            XCTAssertEqual(renderer.render(report), try encoderLine(report), report.path)
            compared += 1
            if !report.findings.isEmpty { withFindings += 1 }
        }
        XCTAssertGreaterThan(compared, 100)
        XCTAssertGreaterThan(withFindings, 10)
    }

    func testEveryOptionalFieldAndEscape() throws {
        let evidence = Evidence(feature: "string", value: "tab\there \"quoted\" back\\slash /path\u{1}\u{1f}\r\n\u{8}\u{c} é ☃",
                                location: Location(section: ".rodata", offset: 0x10, address: 0x4000, symbol: "s", line: 7, file: "usr/lib/x.so"),
                                detail: "mov rax, [rip + 0x10]")
        let finding = Finding(ruleID: "a/b", title: "T", severity: .critical, scope: "resolver", instance: "crc32_resolve", evidence: [evidence, Evidence(feature: "f", value: "v"), Evidence(feature: "g", value: "w", location: Location())])
        var report = FileReport(path: "usr/lib/\\xff\\x0a.so", kind: .elf, size: 123_456_789_012, sha256: "ab", architecture: "x86_64",
                                elfType: "DYN", linkTarget: "/x", findings: [finding], skip: Skip(reason: "malformed-elf", message: "bad \"x\""),
                                problems: ["p1", "p\n2"], container: "pkg.deb")
        var renderer = JSONLinesRenderer()
        XCTAssertEqual(renderer.render(report), try encoderLine(report))
        report = FileReport(path: "", kind: .empty)
        XCTAssertEqual(renderer.render(report), try encoderLine(report))
    }
}

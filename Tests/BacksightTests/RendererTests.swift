import Backsight
import Foundation
import XCTest

final class RendererTests: XCTestCase {
    private let finding = Finding(
        ruleID: "auth/sshd-rsa-hook", title: "Exports RSA_public_decrypt without being libcrypto", severity: .high, scope: "elf",
        evidence: [Evidence(feature: "export", value: "RSA_public_decrypt", location: Location(section: ".dynsym", address: 0x1139, symbol: "RSA_public_decrypt"))]
    )

    private var rule: RuleMetadata {
        RuleMetadata(id: "auth/sshd-rsa-hook", title: "Exports RSA_public_decrypt without being libcrypto", description: "d", severity: .high,
                     confidence: "high", attack: ["T1556"], references: [], scope: .elf, examples: [], file: "x.yaml")
    }

    func testJSONLinesOneObjectPerReportThenSummary() throws {
        var renderer = JSONLinesRenderer()
        let report = FileReport(path: "usr/lib/librsahook.so", kind: .elf, size: 10, sha256: "00", architecture: "x86_64", findings: [finding])
        let line = try XCTUnwrap(renderer.render(report))
        XCTAssertFalse(line.contains("\n"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["type"] as? String, "file")
        XCTAssertEqual(object["path"] as? String, "usr/lib/librsahook.so")
        XCTAssertEqual(object["verdict"] as? String, "malicious")
        var summary = ScanSummary()
        summary.record(report)
        let closing = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(renderer.finish(summary: summary).utf8)) as? [String: Any])
        XCTAssertEqual(closing["type"] as? String, "summary")
        XCTAssertEqual(closing["elfFiles"] as? Int, 1)
        XCTAssertEqual(closing["findings"] as? Int, 1)
    }

    func testSARIFHasRulesSeverityAndLocations() throws {
        var renderer = SARIFRenderer(rules: [rule], root: "/srv/rootfs")
        XCTAssertNil(renderer.render(FileReport(path: "usr/lib/librsahook.so", kind: .elf, sha256: "ab", findings: [finding])))
        _ = renderer.render(FileReport(path: "dev/null", kind: .characterDevice, skip: Skip(reason: "not-regular-file", message: "character-device: not a regular file, never opened")))
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(renderer.finish(summary: ScanSummary()).utf8)) as? [String: Any])
        XCTAssertEqual(document["version"] as? String, "2.1.0")
        let run = try XCTUnwrap((document["runs"] as? [[String: Any]])?.first)
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.first?["id"] as? String, "auth/sshd-rsa-hook")
        XCTAssertEqual((rules.first?["properties"] as? [String: Any])?["security-severity"] as? String, "8.0")
        let result = try XCTUnwrap((run["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(result["level"] as? String, "error")
        XCTAssertEqual(result["ruleIndex"] as? Int, 0)
        let location = try XCTUnwrap((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        XCTAssertEqual((location["artifactLocation"] as? [String: Any])?["uri"] as? String, "usr/lib/librsahook.so")
        XCTAssertEqual((location["artifactLocation"] as? [String: Any])?["uriBaseId"] as? String, "ROOT")
        XCTAssertEqual((location["region"] as? [String: Any])?["startLine"] as? Int, 1)
        XCTAssertEqual((run["originalUriBaseIds"] as? [String: Any]).flatMap { ($0["ROOT"] as? [String: Any])?["uri"] as? String }, "file:///srv/rootfs/")
        let notifications = try XCTUnwrap(((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"]) as? [[String: Any]])
        XCTAssertEqual(notifications.count, 1)
    }

    func testTextShowsFindingsAndSkipsButNotCleanFiles() throws {
        var renderer = TextRenderer()
        XCTAssertNil(renderer.render(FileReport(path: "bin/true", kind: .elf)))
        let text = try XCTUnwrap(renderer.render(FileReport(path: "usr/lib/librsahook.so", kind: .elf, architecture: "x86_64", findings: [finding])))
        XCTAssertTrue(text.hasPrefix("MALICIOUS usr/lib/librsahook.so (x86_64 elf)"), text)
        XCTAssertTrue(text.contains("high auth/sshd-rsa-hook: Exports RSA_public_decrypt without being libcrypto"))
        XCTAssertTrue(text.contains("export RSA_public_decrypt at .dynsym, address 0x1139, symbol RSA_public_decrypt"), text)
        let skipped = try XCTUnwrap(renderer.render(FileReport(path: "fifo", kind: .fifo, skip: Skip(reason: "not-regular-file", message: "fifo: not a regular file, never opened"))))
        XCTAssertEqual(skipped, "skipped fifo: fifo: not a regular file, never opened")
    }
}

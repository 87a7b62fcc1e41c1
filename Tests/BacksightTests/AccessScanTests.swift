import BacksightConfig
import BacksightTestSupport
import Backsight
import Foundation
import XCTest

/// The access checks through the engine: the facts BacksightConfig gives reach the rules under
/// their characteristic names, and the rule set decides what is computed.
final class AccessScanTests: XCTestCase {
    private static let repository = Checkout.root
    private static let rules: RuleSet = {
        do { return try RuleSet.compile(directories: [repository.appendingPathComponent("Rules").path]) } catch {
            fatalError("the shipped rules compile: \(error)")
        }
    }()

    private func scan(_ path: String, rules: RuleSet = AccessScanTests.rules) async throws -> [String: FileReport] {
        let scanner = Scanner(ruleSet: rules, options: ScanOptions(jobs: 2))
        var reports: [String: FileReport] = [:]
        for await report in try scanner.scan(root: Self.repository.appendingPathComponent("Corpus/access/" + path).path) {
            reports[report.path] = report
        }
        return reports
    }

    func testEveryAccessFactIsACharacteristic() {
        for fact in AccessFact.allCases { XCTAssertTrue(Characteristic.names.contains(fact.rawValue), fact.rawValue) }
    }

    func testAFindingNamesTheAccountTheLineAndTheEntry() async throws {
        let reports = try await scan("telnet-root-default")
        let shadow = try XCTUnwrap(reports["etc/shadow"]?.findings.first { $0.ruleID == "access/default-credential" })
        let evidence = try XCTUnwrap(shadow.evidence.first { $0.feature == "characteristic" })
        XCTAssertEqual(evidence.location?.line, 1)
        XCTAssertEqual(evidence.location?.file, "etc/shadow")
        XCTAssertTrue(evidence.detail?.contains("account root's password is the default credential root:xc3511 (DES hash)") ?? false)
        let inittab = reports["etc/inittab"]?.findings.map(\.ruleID).sorted()
        XCTAssertEqual(inittab, ["access/remote-root-login-weak-password", "access/remote-root-password-login"])
    }

    func testAFilteredRuleSetKeepsTheCredentialListForItsRule() async throws {
        let only = Self.rules.filtered(including: ["access/login-account-empty-password"], excluding: [])
        let reports = try await scan("default-password/yescrypt", rules: only)
        XCTAssertEqual(reports["etc/shadow"]?.findings, [])
        let withList = Self.rules.filtered(including: ["access/default-credential"], excluding: [])
        let matched = try await scan("default-password/yescrypt", rules: withList)
        XCTAssertEqual(matched["etc/shadow"]?.findings.map(\.ruleID), ["access/default-credential"])
    }
}

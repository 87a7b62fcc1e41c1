import Backsight
import BacksightTestSupport
import Foundation
import XCTest

/// `Scanner.explain` on corpus files: the features a scan builds, the matcher's evaluation.
final class RuleExplainingTests: XCTestCase {
    private let rule = "supply-chain/ifunc-resolver-got-hijack"

    private func explain(_ relative: String) throws -> FileRuleExplanation {
        let scanner = Scanner(ruleSet: try RuleSet.compile(directories: [Checkout.rules.path]), options: ScanOptions(jobs: 1))
        return try scanner.explain(ruleID: rule, file: Checkout.corpus.appendingPathComponent(relative).path)
    }

    func testAResolverThatHijacksTheGOTIsExplainedAsTheScanFindsIt() throws {
        let explained = try explain("ifunc/xz-got-hijack/x86_64/libcrc_hijack.so")
        let explanation = try XCTUnwrap(explained.explanation)
        XCTAssertTrue(explanation.matched)
        XCTAssertEqual(explained.report.findings.map(\.ruleID), [rule])
        let resolver = try XCTUnwrap(explanation.instances.first { $0.condition.outcome == .matched })
        XCTAssertEqual(resolver.instance, explained.report.findings.first?.instance)
        let leaves = resolver.condition.children.flatMap(\.children)
        let mprotect = try XCTUnwrap(leaves.first { $0.condition == "characteristic: resolver-calls-mprotect" })
        XCTAssertEqual(mprotect.outcome, .matched)
        XCTAssertFalse(mprotect.evidence.isEmpty)
    }

    func testADispatchResolverShowsWhichLeafFailed() throws {
        let explained = try explain("ifunc/glibc-dispatch/x86_64/libdispatch.so")
        let explanation = try XCTUnwrap(explained.explanation)
        XCTAssertFalse(explanation.matched)
        XCTAssertTrue(explained.report.findings.isEmpty)
        XCTAssertFalse(explanation.instances.isEmpty, "the library has IFUNC resolvers")
        for instance in explanation.instances {
            XCTAssertEqual(instance.condition.outcome, .notMatched)
            XCTAssertTrue(instance.condition.children.contains { $0.outcome == .notMatched })
        }
        let text = ExplanationRenderer.text(explained, ruleID: rule)
        XCTAssertTrue(text.hasPrefix("\(rule) (resolver scope) on libdispatch.so: not matched"), text)
        XCTAssertTrue(text.contains("[not matched] characteristic: resolver-writes-got"), text)
    }

    func testUnknownRulesAndFilesAreErrors() throws {
        let scanner = Scanner(ruleSet: try RuleSet.compile(directories: [Checkout.rules.path]))
        XCTAssertThrowsError(try scanner.explain(ruleID: "no/such-rule", file: Checkout.corpus.appendingPathComponent("arch/hello/x86_64/hello").path))
        XCTAssertThrowsError(try scanner.explain(ruleID: rule, file: "/nonexistent/file"))
    }
}

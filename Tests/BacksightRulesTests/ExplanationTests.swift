import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// `RuleSet.explain`: the matcher's own evaluation, node by node.
final class ExplanationTests: XCTestCase {
    private func model(exporting names: [String]) -> ELFModel {
        ModelBuilder.model(symbols: names.enumerated().map { ModelBuilder.symbol($1, index: $0 + 1) })
    }

    private func explain(_ ruleSet: RuleSet, id: String = "test/rule", exporting names: [String]) throws -> ConditionExplanation {
        let elf = model(exporting: names)
        let explanation = try XCTUnwrap([UInt8]().withUnsafeBytes { buffer in
            ruleSet.explain(ruleID: id, subject: ScanSubject(path: "usr/lib/x.so", bytes: buffer, elf: elf))
        })
        return try XCTUnwrap(explanation.instances.first).condition
    }

    func testAllStopsAtTheFirstFailingChildInEvaluationOrder() throws {
        // `type` costs least, so it is tried first; `export` (cost 1) next; the regex leaf last.
        let ruleSet = try compileRule("""
        all:
          - export: '/^never_/'
          - export: [crypt, getspnam]
          - type: DYN
        """)
        let tree = try explain(ruleSet, exporting: ["crypt"])
        XCTAssertEqual(tree.condition, "all")
        XCTAssertEqual(tree.children.map(\.condition), ["export: '/^never_/'", "export: [crypt, getspnam]", "type: DYN"])
        XCTAssertEqual(tree.children.map(\.outcome), [.notMatched, .matched, .matched])
        XCTAssertEqual(tree.outcome, .notMatched)
        XCTAssertEqual(tree.children[1].evidence.map(\.value), ["crypt"])

        let stopped = try explain(ruleSet, exporting: ["accept"])
        XCTAssertEqual(stopped.children.map(\.outcome), [.notEvaluated, .notMatched, .matched])
    }

    func testCountsNotAndNOfAndMatch() throws {
        let ruleSet = try compileRules([
            ("part.yaml", ruleYAML(id: "parts/crypt", severity: "info", condition: "export: crypt")),
            ("rule.yaml", ruleYAML(id: "test/rule", condition: """
            n-of:
              n: 2
              of:
                - count: {of: {export: [crypt, accept, connect]}, min: 2}
                - not: {export: dlsym}
                - match: parts/crypt
            """)),
        ])
        let tree = try explain(ruleSet, exporting: ["crypt", "accept"])
        XCTAssertEqual(tree.condition, "n-of 2")
        XCTAssertEqual(tree.outcome, .matched)
        let count = tree.children[0]
        XCTAssertEqual(count.condition, "count: {of: {export: [crypt, accept, connect]}, min: 2}")
        XCTAssertEqual(count.count, 2)
        XCTAssertEqual(count.outcome, .matched)
        XCTAssertEqual(Set(count.evidence.map(\.value)), ["crypt", "accept"])
        XCTAssertEqual(tree.children[1].outcome, .matched)
        XCTAssertEqual(tree.children[1].children.first?.outcome, .notMatched)
        XCTAssertEqual(tree.children[2].condition, "match: parts/crypt")
        XCTAssertEqual(tree.children[2].children.first?.condition, "export: crypt")
        XCTAssertEqual(tree.children[2].outcome, .matched)

        let one = try explain(ruleSet, exporting: ["connect", "dlsym"])
        XCTAssertEqual(one.children[0].count, 1)
        XCTAssertEqual(one.children.map(\.outcome), [.notMatched, .notMatched, .notMatched])
        XCTAssertEqual(one.outcome, .notMatched)
    }

    func testTheExplanationAgreesWithMatching() throws {
        let ruleSet = try compileRule("any:\n  - export: crypt\n  - all: [{type: DYN}, {export: '/^pam_sm_/'}]")
        for names in [["crypt"], ["pam_sm_authenticate"], ["accept"], []] {
            let matched = !matchedIDs(ruleSet, bytes: [], path: "usr/lib/x.so", elf: model(exporting: names)).isEmpty
            XCTAssertEqual(try explain(ruleSet, exporting: names).outcome == .matched, matched, "\(names)")
        }
        XCTAssertNil([UInt8]().withUnsafeBytes { ruleSet.explain(ruleID: "no/such", subject: ScanSubject(path: "x", bytes: $0)) })
    }
}

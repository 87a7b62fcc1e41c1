import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// `match: <rule id>`: a rule's condition reused inside another, for the same subject and instance.
final class CompositionTests: XCTestCase {
    private let files = [
        ("lists/auth-set.yaml", "name: auth-set\nsymbols: [pam_authenticate, getspnam, crypt]\n"),
        ("lists/network-set.yaml", "name: network-set\nsymbols: [accept, connect]\n"),
        ("parts/auth.yaml", ruleYAML(id: "parts/hooks-auth", severity: "info", condition: "export: {list: auth-set}")),
        ("parts/net.yaml", ruleYAML(id: "parts/hooks-network", severity: "info", condition: "export: {list: network-set}")),
        ("combo.yaml", ruleYAML(id: "userland/auth-and-network-hooks", condition: """
        all:
          - match: parts/hooks-auth
          - match: parts/hooks-network
        """)),
    ]

    private func model(exporting names: [String]) -> ELFModel {
        ModelBuilder.model(symbols: names.enumerated().map { ModelBuilder.symbol($1, index: $0 + 1) })
    }

    func testComposedRuleMatchesWhenBothPartsDo() throws {
        let ruleSet = try compileRules(files)
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [], elf: model(exporting: ["crypt", "accept"])),
                       ["parts/hooks-auth", "parts/hooks-network", "userland/auth-and-network-hooks"])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [], elf: model(exporting: ["crypt"])), ["parts/hooks-auth"])
    }

    func testEvidenceNamesTheSubRules() throws {
        let ruleSet = try compileRules(files).filtered(including: ["userland/auth-and-network-hooks"], excluding: [])
        let found = findings(ruleSet, bytes: [], elf: model(exporting: ["accept", "getspnam"]))
        XCTAssertEqual(found.map(\.ruleID), ["userland/auth-and-network-hooks"])
        XCTAssertEqual(found.first?.evidence.map { "\($0.feature):\($0.value)" },
                       ["match:parts/hooks-auth", "export:getspnam", "match:parts/hooks-network", "export:accept"])
    }

    func testFilteringKeepsSubRulesUsableButUnreported() throws {
        let all = try compileRules(files)
        let only = all.filtered(including: ["userland/auth-and-network-hooks"], excluding: [])
        XCTAssertEqual(only.rules.map(\.id), ["userland/auth-and-network-hooks"])
        let without = all.filtered(including: [], excluding: ["parts/hooks-auth"])
        XCTAssertEqual(without.rules.map(\.id), ["parts/hooks-network", "userland/auth-and-network-hooks"])
        XCTAssertEqual(matchedIDs(without, bytes: [], elf: model(exporting: ["crypt", "connect"])),
                       ["parts/hooks-network", "userland/auth-and-network-hooks"])
    }

    func testSubRuleIsEvaluatedForTheSameInstance() throws {
        let ruleSet = try compileRules([
            ("a.yaml", ruleYAML(id: "parts/no-cpuid", scope: "resolver", severity: "info",
                                condition: "characteristic: ifunc-resolver-without-cpuid")),
            ("b.yaml", ruleYAML(id: "t/hijack", scope: "resolver", condition: """
            all:
              - match: parts/no-cpuid
              - characteristic: resolver-writes-got
            """)),
        ])
        let instances = [
            ScopeInstance(scope: .resolver, name: "one", location: Location(), characteristics: ["ifunc-resolver-without-cpuid": []]),
            ScopeInstance(scope: .resolver, name: "two", location: Location(), characteristics: ["resolver-writes-got": []]),
        ]
        // Neither instance has both facts, so the composed rule must not match.
        let found = findings(ruleSet, bytes: [], instances: instances)
        XCTAssertEqual(found.map { "\($0.ruleID)@\($0.instance ?? "")" }, ["parts/no-cpuid@one"])
    }

    func testPatternTriggersFlowThroughComposition() throws {
        let ruleSet = try compileRules([
            ("a.yaml", ruleYAML(id: "parts/marker", severity: "info", condition: "string: '####Hello####'")),
            ("b.yaml", ruleYAML(id: "t/script", condition: "all: [{match: parts/marker}, {type: text}]")),
        ])
        XCTAssertTrue(ruleSet.program.untriggered.isEmpty)
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("echo\n####Hello####\n".utf8)), ["parts/marker", "t/script"])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("echo\n".utf8)), [])
    }
}

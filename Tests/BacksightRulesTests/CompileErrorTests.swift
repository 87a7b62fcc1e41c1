import XCTest
@testable import BacksightRules

/// The exact one-line message of each kind of compile error: part of the contract, like
/// YARA-X's golden error files.
final class CompileErrorTests: XCTestCase {
    /// The error for one file named `r.yaml` holding a rule with this condition.
    private func conditionError(_ condition: String) -> String? {
        compileErrorText([("r.yaml", ruleYAML(id: "t/r", condition: condition))])
    }

    func testUnknownFeature() {
        XCTAssertEqual(conditionError("imprt: dlsym"), "r.yaml:7:3: unknown feature 'imprt'")
    }

    func testUnknownKeyInRule() {
        let text = "id: t/r\ntitle: T\nseverty: high\ncondition: {import: dlsym}\n"
        XCTAssertEqual(compileErrorText([("r.yaml", text)]),
                       "r.yaml:3:1: unknown key 'severty' in rule (expected id, title, description, severity, confidence, attack, references, scope, examples, condition)")
    }

    func testUnknownKeyInLeaf() {
        XCTAssertEqual(conditionError("section: {name: .text, flag: wx}"),
                       "r.yaml:7:26: unknown key 'flag' in section (expected name, list, regex, type, flags, min-entropy, max-entropy)")
    }

    func testBadHex() {
        XCTAssertEqual(conditionError("bytes: \"4a 9c zz 13\""),
                       "r.yaml:7:10: invalid hex pattern: 'zz' is not a hex byte, '??' or a jump '[n-m]'")
        XCTAssertEqual(conditionError("bytes: \"4a 9c [7-3] 13 14\""),
                       "r.yaml:7:10: invalid jump '[7-3]': expected [n] or [n-m] with n <= m")
    }

    func testPatternWithoutLiteralAtom() {
        XCTAssertEqual(conditionError("bytes: \"4a ?? 9c ?? 13\""),
                       "r.yaml:7:10: pattern has no literal atom (it needs 2 or more fixed bytes in a row)")
    }

    func testUnknownList() {
        XCTAssertEqual(conditionError("export: {list: hiding-set}"), "r.yaml:7:18: unknown symbol list 'hiding-set'")
    }

    func testDuplicateID() {
        let files = [("a.yaml", ruleYAML(id: "t/same", condition: "import: dlsym")),
                     ("b.yaml", ruleYAML(id: "t/same", condition: "import: dladdr"))]
        XCTAssertEqual(compileErrorText(files), "b.yaml:1:5: duplicate rule id 't/same' (first defined in a.yaml:1:5)")
    }

    func testCycle() {
        let files = [("a.yaml", ruleYAML(id: "t/a", condition: "match: t/b")),
                     ("b.yaml", ruleYAML(id: "t/b", condition: "match: t/a"))]
        XCTAssertEqual(compileErrorText(files), "b.yaml:7:10: rule cycle: t/a -> t/b -> t/a")
        XCTAssertEqual(compileErrorText([("a.yaml", ruleYAML(id: "t/a", condition: "any: [{import: x}, {match: t/a}]"))]),
                       "a.yaml:7:30: rule cycle: t/a -> t/a")
    }

    func testUnknownRuleInMatch() {
        XCTAssertEqual(conditionError("match: t/missing"), "r.yaml:7:10: unknown rule 't/missing' in match")
    }

    func testUnknownCharacteristic() {
        XCTAssertEqual(conditionError("characteristic: resolver-writes-gotplt"),
                       "r.yaml:7:19: unknown characteristic 'resolver-writes-gotplt'")
    }

    func testBadAttackID() {
        let text = "id: t/r\ntitle: T\nseverity: high\nattack: [T1574.006, T15740]\ncondition: {import: dlsym}\n"
        XCTAssertEqual(compileErrorText([("r.yaml", text)]), "r.yaml:4:21: invalid ATT&CK id 'T15740': expected T#### or T####.###")
    }

    func testBadRuleID() {
        let text = "id: Supply-Chain\ntitle: T\nseverity: high\ncondition: {import: dlsym}\n"
        XCTAssertEqual(compileErrorText([("r.yaml", text)]),
                       "r.yaml:1:5: invalid rule id 'Supply-Chain': expected namespace/name in lowercase letters, digits and '-', such as supply-chain/ifunc-resolver-got-hijack")
    }

    func testBadSeverityScopeAndMissingKeys() {
        XCTAssertEqual(compileErrorText([("r.yaml", "id: t/r\ntitle: T\nseverity: severe\ncondition: {import: x}\n")]),
                       "r.yaml:3:11: unknown severity 'severe' (expected info, low, medium, high, critical)")
        XCTAssertEqual(compileErrorText([("r.yaml", ruleYAML(id: "t/r", scope: "kernel", condition: "import: x"))]),
                       "r.yaml:5:8: unknown scope 'kernel' (expected file, elf, resolver, function, payload)")
        XCTAssertEqual(compileErrorText([("r.yaml", "id: t/r\ntitle: T\nseverity: low\n")]), "r.yaml:1:1: missing required key 'condition'")
    }

    func testConditionShape() {
        XCTAssertEqual(conditionError("import: x\nexport: y"), "r.yaml:7:3: a condition must have exactly one key, found 2")
        XCTAssertEqual(conditionError("n-of: {n: 3, of: [{import: x}, {import: y}]}"), "r.yaml:7:9: n-of needs 1 <= n <= 2, found 3")
        XCTAssertEqual(conditionError("count: {of: {all: [{import: x}]}, min: 1}"),
                       "r.yaml:7:16: 'of' must be a leaf such as export or bytes, not 'all'")
        XCTAssertEqual(conditionError("count: {of: {import: x}}"), "r.yaml:7:10: count needs min or max")
    }

    func testBadRegex() {
        XCTAssertEqual(conditionError("export: '/^pam_(sm/'"), "r.yaml:7:11: invalid regex '/^pam_(sm/': missing closing parenthesis at offset 8")
        XCTAssertEqual(conditionError("string: {regex: 'a\\kb'}"), "r.yaml:7:19: invalid regex 'a\\kb': \\k is not followed by a braced, angle-bracketed, or quoted name at offset 3")
    }

    func testInvalidYAML() {
        let error = compileErrorText([("r.yaml", "id: t/r\ntitle: [unclosed\nseverity: high\n")])
        XCTAssertEqual(error, "r.yaml:3:9: invalid YAML: did not find expected ',' or ']'")
        XCTAssertEqual(compileErrorText([("r.yaml", "id: t/r\nid: t/s\n")]), "r.yaml:1:1: duplicate key 'id'")
    }

    func testListFileErrors() {
        XCTAssertEqual(compileErrorText([("lists/auth.yaml", "name: other\nsymbols: [crypt]\n")]),
                       "lists/auth.yaml:1:7: list name 'other' does not match its file name 'auth'")
        XCTAssertEqual(compileErrorText([("lists/auth.yaml", "name: auth\nsymbols: [crypt, crypt]\n")]),
                       "lists/auth.yaml:2:18: duplicate symbol 'crypt' in list")
    }

    func testErrorsFromDirectoriesNameTheFullPath() throws {
        let directory = try RuleDirectory()
        try directory.write("userland/hook.yaml", ruleYAML(id: "t/r", condition: "import: {list: nope}"))
        XCTAssertEqual(directory.compileError(), "\(directory.path)/userland/hook.yaml:7:18: unknown symbol list 'nope'")
        XCTAssertEqual(try? RuleSet.compile(directories: ["/nonexistent/rules"]).rules.count, nil)
    }
}

import Foundation
import XCTest
@testable import BacksightRules

final class VerdictAndLintTests: XCTestCase {
    private func finding(_ id: String, _ severity: Severity, instance: String? = nil) -> Finding {
        Finding(ruleID: id, title: id, severity: severity, scope: "file", instance: instance, evidence: [])
    }

    func testVerdictAggregation() {
        XCTAssertEqual(Verdict.aggregate([]), .clean)
        XCTAssertEqual(Verdict.aggregate([finding("a/info", .info), finding("b/info", .info), finding("c/info", .info)]), .clean)
        XCTAssertEqual(Verdict.aggregate([finding("a/low", .low)]), .clean)
        XCTAssertEqual(Verdict.aggregate([finding("a/low", .low, instance: "r1"), finding("a/low", .low, instance: "r2")]), .clean,
                       "one rule on two instances counts once")
        XCTAssertEqual(Verdict.aggregate([finding("a/low", .low), finding("b/low", .low)]), .suspicious)
        XCTAssertEqual(Verdict.aggregate([finding("a/medium", .medium)]), .suspicious)
        XCTAssertEqual(Verdict.aggregate([finding("a/low", .low), finding("b/high", .high)]), .malicious)
        XCTAssertEqual(Verdict.aggregate([finding("a/critical", .critical)]), .malicious)
        XCTAssertTrue(Verdict.clean < Verdict.suspicious && Verdict.suspicious < Verdict.malicious)
    }

    func testLinter() throws {
        let good = """
        id: userland/hook
        title: Hook
        severity: high
        attack: [T1574.006]
        examples:
          - {path: preload/rootkit/librk.so, expect: match}
          - {path: preload/fakeroot-like/libfake.so, expect: no-match}
        condition: {export: readdir}
        """
        let noNegative = """
        id: userland/no-negative
        title: Missing no-match
        severity: high
        examples:
          - {path: preload/rootkit/librk.so, expect: match}
          - {path: preload/missing.so, expect: match}
        condition: {export: readdir}
        """
        let signature = """
        id: signatures/known-sample
        title: Known sample
        severity: critical
        examples: [{path: ifunc/xz-object/crc64.o, expect: match}]
        condition: {bytes: "f3 0f 1e fa 55 48"}
        """
        let noExamples = """
        id: userland/bare
        title: Bare
        severity: low
        examples: [{path: ../outside.so, expect: no-match}]
        condition: {export: readdir}
        """
        let ruleSet = try compileRules([("good.yaml", good), ("neg.yaml", noNegative), ("sig.yaml", signature), ("bare.yaml", noExamples)])
        let existing: Set<String> = ["preload/rootkit/librk.so", "preload/fakeroot-like/libfake.so", "ifunc/xz-object/crc64.o"]
        let problems = RuleLinter().lint(ruleSet: ruleSet) { existing.contains($0) }
        XCTAssertEqual(problems.map(\.description), [
            "bare.yaml: userland/bare: example path '../outside.so' must be relative to the corpus and stay inside it",
            "bare.yaml: userland/bare: no example with 'expect: match'",
            "neg.yaml: userland/no-negative: example file 'preload/missing.so' does not exist in the corpus",
            "neg.yaml: userland/no-negative: heuristic rule has no example with 'expect: no-match'",
        ])
        XCTAssertEqual(problems.map(\.kind), [.examplePath, .noMatchingExample, .missingExampleFile, .noNegativeExample])
    }

    /// The shipped `Rules/` directory (lists, and whatever rules are there) compiles.
    func testShippedRulesCompile() throws {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules")
        let ruleSet = try RuleSet.compile(directories: [rules.path])
        let names = Set(ruleSet.lists.map(\.name))
        for expected in ["libc-hiding-set", "auth-set", "network-set", "ssh-crypto-set", "loader-set", "loader-internals"] {
            XCTAssertTrue(names.contains(expected), expected)
        }
        let hiding = try XCTUnwrap(ruleSet.lists.first { $0.name == "libc-hiding-set" })
        XCTAssertTrue(Set(hiding.symbols).isSuperset(of: ["readdir", "__xstat", "__lxstat64", "getdents64", "unlinkat"]))
    }

    func testCharacteristicNamesAreUniqueAndWellFormed() {
        XCTAssertEqual(Characteristic.names.count, Characteristic.allCases.count)
        for characteristic in Characteristic.allCases {
            XCTAssertTrue(RuleParser.isSimpleName(characteristic.rawValue), characteristic.rawValue)
        }
        XCTAssertTrue(Characteristic.names.contains("ifunc-resolver-without-cpuid"))
        XCTAssertEqual(Characteristic.resolverWritesGOT.scope, .resolver)
    }

    func testRuleSetReportsWhatTheEngineMustCompute() throws {
        let ruleSet = try compileRules([
            ("a.yaml", ruleYAML(id: "t/a", scope: "resolver", condition: "all: [{characteristic: resolver-writes-got}, {metric: {name: instructions, min: 5}}]")),
            ("b.yaml", ruleYAML(id: "t/b", scope: "payload", condition: "string: '/^####/'")),
        ])
        XCTAssertEqual(ruleSet.scopes, [.resolver, .payload])
        XCTAssertEqual(ruleSet.characteristics, ["resolver-writes-got"])
        XCTAssertEqual(ruleSet.metrics, ["instructions"])
        XCTAssertTrue(ruleSet.needsPrintableStrings)
        XCTAssertFalse(ruleSet.hasPatterns)
        XCTAssertEqual(RuleSet.empty.rules.count, 0)
        XCTAssertEqual(RuleSet.empty.match(ScanSubject(path: "x", bytes: UnsafeRawBufferPointer(start: nil, count: 0))).findings, [])
    }
}

/// `Rules/README.md` is the reference: its example rules must compile, and it must document
/// every characteristic the compiler accepts.
final class ReadmeTests: XCTestCase {
    private let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Rules")

    private func readme() throws -> String {
        try String(contentsOf: rulesDirectory.appendingPathComponent("README.md"), encoding: .utf8)
    }

    func testExampleRulesCompile() throws {
        let text = try readme()
        var blocks: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n"))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        let rules = blocks.filter { $0.hasPrefix("id: ") }
        XCTAssertGreaterThanOrEqual(rules.count, 3)
        var sources = rules.enumerated().map { RuleSource(path: "README-\($0.offset).yaml", text: $0.element) }
        let lists = rulesDirectory.appendingPathComponent("lists")
        for name in try FileManager.default.contentsOfDirectory(atPath: lists.path) where name.hasSuffix(".yaml") {
            sources.append(RuleSource(path: "lists/\(name)", text: try String(contentsOf: lists.appendingPathComponent(name), encoding: .utf8)))
        }
        let ruleSet = try RuleSet.compile(sources: sources)
        XCTAssertEqual(ruleSet.rules.count, rules.count)
        // Every leaf and operator snippet in a `condition`-less block parses as part of a rule.
        let snippets = blocks.filter { $0.hasPrefix("- ") }
        XCTAssertFalse(snippets.isEmpty)
        for (number, snippet) in snippets.enumerated() {
            let indented = snippet.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            let rule = "id: readme/snippet-\(number)\ntitle: Snippet\nseverity: info\ncondition:\n  any:\n\(indented)\n"
            XCTAssertNoThrow(try RuleSet.compile(sources: sources.filter { $0.path.hasPrefix("lists/") } + [RuleSource(path: "s.yaml", text: rule)]),
                             snippet)
        }
    }

    func testEveryCharacteristicIsDocumented() throws {
        let text = try readme()
        for characteristic in Characteristic.allCases {
            XCTAssertTrue(text.contains("| `\(characteristic.rawValue)` |"), characteristic.rawValue)
        }
    }
}

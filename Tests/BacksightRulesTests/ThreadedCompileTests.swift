import XCTest
@testable import BacksightRules

/// A compile that reads the rule files on several threads gives what a reading in order gives:
/// the same rules, conditions and pattern numbers, and the same first error.
final class ThreadedCompileTests: XCTestCase {
    private let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Rules").path

    /// What a compile decided, in comparable values: each rule's metadata, its leaves as written
    /// and the pattern numbers its condition reads (in written order), every pattern as written,
    /// and the `match:` dependencies.
    private struct CatalogSummary: Equatable {
        var rules: [RuleMetadata]
        var leaves: [[String]]
        var patternNumbers: [[Int]]
        var patterns: [String]
        var dependencies: [[Int]]

        init(_ ruleSet: RuleSet) {
            let catalog = ruleSet.program.catalog
            rules = catalog.rules.map(\.metadata)
            leaves = catalog.rules.map(\.leafSources)
            patternNumbers = catalog.rules.map { Self.patternNumbers(in: $0.condition) }
            patterns = catalog.patterns.map { "\($0.kind) \($0.section ?? "-") \($0.text)" }
            dependencies = catalog.dependencies
        }

        static func patternNumbers(in condition: Condition) -> [Int] {
            switch condition {
            case .all(let children, _), .any(let children), .atLeast(_, let children): children.flatMap(patternNumbers)
            case .not(let child): patternNumbers(in: child)
            case .leaf(.pattern(let number)), .count(.pattern(let number), _, _): [number]
            case .leaf, .count, .rule: []
            }
        }
    }

    func testTheBundledRulesCompileAlikeOnOneThreadAndOnFour() throws {
        let serial = CatalogSummary(try RuleSet.compile(directories: [rulesDirectory], threads: 1))
        let threaded = CatalogSummary(try RuleSet.compile(directories: [rulesDirectory], threads: 4))
        XCTAssertGreaterThan(Set(serial.patternNumbers.filter { !$0.isEmpty }.map(\.description)).count, 3,
                             "patterns come from several rule files")
        XCTAssertEqual(serial, threaded)
    }

    func testPatternsOfLaterFilesMatchUnderTheirOwnRules() throws {
        let files = [("a.yaml", ruleYAML(id: "t/a", condition: "string: alpha-marker")),
                     ("b.yaml", ruleYAML(id: "t/b", condition: "all: [{string: beta-marker}, {string: gamma-marker}]")),
                     ("c.yaml", ruleYAML(id: "t/c", condition: "string: gamma-marker"))]
        let ruleSet = try RuleSet.compile(sources: files.map { RuleSource(path: $0.0, text: $0.1) }, threads: 3)
        let text = Array("text with gamma-marker and beta-marker".utf8)
        XCTAssertEqual(matchedIDs(ruleSet, bytes: text, path: "etc/x.conf"), ["t/b", "t/c"])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("alpha-marker".utf8), path: "etc/x.conf"), ["t/a"])
    }

    func testTheFirstErrorInFileOrderIsTheOneReported() {
        let files = [("a.yaml", ruleYAML(id: "t/a", condition: "import: dlsym")),
                     ("b.yaml", ruleYAML(id: "t/a", condition: "import: dladdr")),
                     ("c.yaml", ruleYAML(id: "t/c", condition: "imprt: dlsym")),
                     ("d.yaml", "id: [unclosed\n")]
        let sources = files.map { RuleSource(path: $0.0, text: $0.1) }
        for threads in [1, 2, 4] {
            XCTAssertThrowsError(try RuleSet.compile(sources: sources, threads: threads)) { error in
                XCTAssertEqual((error as? RuleCompileError)?.description,
                               "b.yaml:1:5: duplicate rule id 't/a' (first defined in a.yaml:1:5)", "threads: \(threads)")
            }
            XCTAssertThrowsError(try RuleSet.compile(sources: Array(sources.dropFirst()), threads: threads)) { error in
                XCTAssertEqual((error as? RuleCompileError)?.description, "c.yaml:7:3: unknown feature 'imprt'", "threads: \(threads)")
            }
        }
    }
}

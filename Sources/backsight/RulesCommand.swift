import ArgumentParser
import Backsight
import Foundation

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rule files and prove them against the corpus.",
        subcommands: [Lint.self, Test.self]
    )

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check rule files: schema, ATT&CK ids, unique ids, examples.")

        @Argument(help: "Rule folder (default: the bundled Rules/).")
        var directory: String?

        @Option(help: "Corpus folder the examples are relative to (default: the bundled Corpus/).")
        var corpus: String?

        func run() throws {
            let ruleSet = try RuleLoading.load(extraFolders: directory.map { [$0] } ?? [], useDefault: directory == nil, only: [], excluded: [])
            let corpusRoot = corpus ?? DefaultLocations.corpus() ?? "Corpus"
            let problems = RuleLinter().lint(ruleSet: ruleSet, corpusFileExists: { path in
                FileManager.default.fileExists(atPath: URL(fileURLWithPath: corpusRoot).appendingPathComponent(path).path)
            })
            for problem in problems { print(problem.description) }
            print("\(ruleSet.rules.count) rules, \(problems.count) problems")
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every rule over its corpus examples.")

        @Argument(help: "Rule folder (default: the bundled Rules/).")
        var directory: String?

        @Option(help: "Corpus folder the examples are relative to (default: the bundled Corpus/).")
        var corpus: String?

        func run() async throws {
            let ruleSet = try RuleLoading.load(extraFolders: directory.map { [$0] } ?? [], useDefault: directory == nil, only: [], excluded: [])
            guard let corpusRoot = corpus ?? DefaultLocations.corpus() else {
                throw ValidationError("no corpus found; pass --corpus DIR")
            }
            let results = await RuleTester(ruleSet: ruleSet, corpus: corpusRoot).run()
            let width = max(4, results.map(\.ruleID.count).max() ?? 4)
            for result in results {
                let outcome = result.passed ? "pass" : "FAIL"
                let got = result.error ?? (result.matched ? "matched" : "no match")
                print("\(outcome)  \(result.ruleID.padding(toLength: width, withPad: " ", startingAt: 0))  expect \(result.expectation.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(got.padding(toLength: 8, withPad: " ", startingAt: 0))  \(result.path)")
            }
            let passed = results.filter(\.passed).count
            print("\(passed) passed, \(results.count - passed) failed")
            if passed != results.count { throw ExitCode(1) }
        }
    }
}

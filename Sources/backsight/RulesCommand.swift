import ArgumentParser
import Backsight
import Foundation

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rule files and prove them against the corpus.",
        subcommands: [Lint.self, Test.self, Explain.self]
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

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show why a rule matches a file or not: its condition tree with each node's value.",
            discussion: "Each leaf is matched, not matched, or not evaluated (an 'all' stopped at an earlier child that failed). Matched leaves show their evidence, counts their count."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Argument(help: "The rule id (such as kernel/syscall-table-hook).")
        var rule: String

        @Argument(help: "The file to evaluate it on.")
        var file: String

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Option(name: .customLong("rules"), help: "Add a rule folder (repeatable).")
        var ruleFolders: [String] = []

        @Flag(name: .customLong("no-default-rules"), help: "Use only the folders given with --rules.")
        var noDefaultRules = false

        func run() throws {
            let ruleSet = try RuleLoading.load(extraFolders: ruleFolders, useDefault: !noDefaultRules, only: [], excluded: [])
            let explained: FileRuleExplanation
            do throws(InspectionError) {
                explained = try Scanner(ruleSet: ruleSet, options: ScanOptions(jobs: 1)).explain(ruleID: rule, file: file)
            } catch {
                Output.error("backsight: \(error.description)")
                throw ExitCode(2)
            }
            switch format {
            case .text: print(ExplanationRenderer.text(explained, ruleID: rule))
            case .json: print(ExplanationRenderer.json(explained))
            }
        }
    }
}

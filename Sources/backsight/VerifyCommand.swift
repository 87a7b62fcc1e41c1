import ArgumentParser
import Backsight
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Scan a labelled sample set and check every file gets its expected verdict.",
        discussion: """
        EXPECT is a tab-separated list: path, MALICIOUS|SUSPICIOUS|CLEAN, group (more columns are ignored), \
        paths relative to ROOT (default: the folder holding EXPECT). MALICIOUS needs a finding at high or above, \
        SUSPICIOUS at medium or above, CLEAN nothing at medium or above; a member's finding counts for its container. \
        Prints a table per group and every miss and false alarm. Exit status: 0 when the outcomes agree with \
        --known-misses (every miss listed, no listed path passing), 1 when not, 2 on errors.
        """
    )

    @Argument(help: "The labelled list (path, verdict, group).")
    var expect: String

    @Argument(help: "Folder the paths are relative to (default: the folder of EXPECT).")
    var root: String?

    @Option(name: .customLong("known-misses"), help: "A path<TAB>reason list of misses allowed for now.")
    var knownMisses: String?

    @Option(name: .customLong("rules"), help: "Add a rule folder (repeatable).")
    var ruleFolders: [String] = []

    @Flag(name: .customLong("no-default-rules"), help: "Use only the folders given with --rules.")
    var noDefaultRules = false

    @Flag(name: .customLong("no-signatures"), help: "Leave out the known-sample byte signatures (rules under signatures/).")
    var noSignatures = false

    @Option(help: "Threads that read the rule files and scan (default: all cores).")
    var jobs: Int?

    func run() async throws {
        let labelled: LabelledSet
        let excused: [String: String]
        do {
            labelled = try LabelledSet(parsing: try String(contentsOfFile: expect, encoding: .utf8))
            excused = try knownMisses.map { try LabelledSet.knownMisses(parsing: try String(contentsOfFile: $0, encoding: .utf8)) } ?? [:]
        } catch let error as LabelledSet.ParseError {
            throw FatalError(description: "backsight: \(error.description)")
        } catch {
            throw FatalError(description: "backsight: cannot read \(error.localizedDescription)")
        }
        let options = ScanOptions(jobs: jobs)
        let ruleSet = try RuleLoading.load(extraFolders: ruleFolders, useDefault: !noDefaultRules, only: [], excluded: [],
                                           signatures: !noSignatures, threads: options.jobs)
        let target = root ?? URL(fileURLWithPath: expect).deletingLastPathComponent().path
        let results: ScanResults
        do { results = try Scanner(ruleSet: ruleSet, options: options).scan(root: target) } catch {
            throw FatalError(description: "backsight: \(error.description)")
        }
        var check = LabelledSetCheck(set: labelled, knownMisses: excused)
        for await report in results { check.record(report) }
        print(check.table())
        let unexpected = check.unexpected
        if !unexpected.isEmpty {
            print("")
            for line in unexpected { print("unexpected: \(line)") }
            throw ExitCode(1)
        }
    }
}

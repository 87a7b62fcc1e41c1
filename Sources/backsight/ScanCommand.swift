import ArgumentParser
import Backsight
import Foundation

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan a root filesystem directory or a single file.",
        discussion: """
        Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 on usage or fatal errors.
        Before scanning, Backsight checks the liblzma it runs with and refuses (exit 2) a backdoored release.
        With no ROOT, scans the bundled Corpus/ of known samples.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, jsonl, sarif }
    enum HashScope: String, ExpressibleByArgument, CaseIterable { case reported, all }

    @Argument(help: "Directory or file to scan (default: the bundled Corpus/).")
    var root: String?

    @Option(help: "Output format: text, jsonl or sarif.")
    var format: Format = .text

    @Option(help: "Threads that read the rule files and scan (default: all cores).")
    var jobs: Int?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding has this severity or higher: info, low, medium, high, critical.")
    var failOn: Severity = .medium

    @Option(name: .customLong("rules"), help: "Add a rule folder (repeatable).")
    var ruleFolders: [String] = []

    @Flag(name: .customLong("no-default-rules"), help: "Use only the folders given with --rules.")
    var noDefaultRules = false

    @Flag(name: .customLong("no-signatures"), help: "Leave out the known-sample byte signatures (rules under signatures/).")
    var noSignatures = false

    @Option(name: .customLong("rule"), help: "Run only this rule id (repeatable).")
    var onlyRules: [String] = []

    @Option(name: .customLong("exclude-rule"), help: "Skip this rule id (repeatable).")
    var excludedRules: [String] = []

    @Option(name: .customLong("max-file-size"), help: "Skip files larger than this many bytes.")
    var maximumFileSize: UInt64 = 256 << 20

    @Option(name: .customLong("max-decoded-size"), help: "Stop decoding after this many bytes of output per file, nested members and payloads included.")
    var maximumDecodedSize: UInt64 = UnpackLimits().fileOutput

    @Option(name: .customLong("max-decoder-memory"), help: "Memory one xz/lzma decoder may use, in bytes.")
    var maximumDecoderMemory: UInt64 = UnpackLimits().decoderMemory

    @Option(name: .customLong("hash"), help: ArgumentHelp(
        "Which reports carry a SHA-256: reported or all.",
        discussion: "reported (the default): ELF files, opened containers, and files or members with a finding, skip or problem. all: every file read (an inventory)."))
    var hash: HashScope = .reported

    @Flag(name: .customLong("no-unpack"), help: "Do not open packages, archives or compressed files, nor decode embedded streams.")
    var noUnpack = false

    @Option(name: .customLong("max-file-time"), help: "Stop analysing a file after this many seconds and report it as skipped (0: no limit).")
    var maximumFileTime: Double = 30

    @Option(name: .customLong("max-depth"), help: "Report directories nested deeper than this as skipped.")
    var maximumDepth: Int = 256

    @Flag(name: .customLong("allow-unsafe-liblzma"), help: ArgumentHelp(
        "Scan even if Backsight's own liblzma is a backdoored release or matches high-severity rules (research only).",
        discussion: "Also set by BACKSIGHT_ALLOW_UNSAFE_LIBLZMA=1."))
    var allowUnsafeLiblzma = false

    @Flag(name: .customLong("cross-filesystems"), help: "Descend into other filesystems mounted below the root.")
    var crossFilesystems = false

    @Flag(name: .shortAndLong, help: "Text format: list clean files too.")
    var verbose = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(maximumFileTime >= 0 && maximumFileTime <= 1e9) { throw ValidationError("--max-file-time must be a number of seconds, 0 or more") }
        if maximumDepth < 0 { throw ValidationError("--max-depth must be 0 or more") }
    }

    mutating func run() async throws {
        var options = ScanOptions(jobs: jobs)
        let ruleSet = try RuleLoading.load(extraFolders: ruleFolders, useDefault: !noDefaultRules, only: onlyRules,
                                           excluded: excludedRules, signatures: !noSignatures, threads: options.jobs)
        guard let target = root ?? DefaultLocations.corpus() else {
            throw ValidationError("no ROOT given and no bundled Corpus/ found; name a directory to scan")
        }
        try checkOwnLiblzma(ruleSet: ruleSet)
        options.maximumFileSize = maximumFileSize
        options.maximumFileTime = maximumFileTime > 0 ? .milliseconds(Int64((maximumFileTime * 1000).rounded(.up))) : nil
        options.maximumDepth = maximumDepth
        options.staysOnFilesystem = !crossFilesystems
        options.unpacks = !noUnpack
        options.hashesEveryFile = hash == .all
        options.unpackLimits.fileOutput = maximumDecodedSize
        options.unpackLimits.streamOutput = min(options.unpackLimits.streamOutput, maximumDecodedSize)
        options.unpackLimits.decoderMemory = maximumDecoderMemory
        let scanner = Scanner(ruleSet: ruleSet, options: options)
        let results: ScanResults
        do { results = try scanner.scan(root: target) } catch {
            Output.error("backsight: \(error.description)")
            throw ExitCode(2)
        }

        var renderer: any ReportRenderer
        switch format {
        case .text: renderer = TextRenderer(colour: Output.standardOutputIsTerminal, verbose: verbose)
        case .jsonl: renderer = JSONLinesRenderer()
        case .sarif: renderer = SARIFRenderer(rules: ruleSet.rules, root: URL(fileURLWithPath: target).standardizedFileURL.path)
        }
        let progress = Output.standardErrorIsTerminal ? Progress() : nil
        var summary = ScanSummary()
        let clock = ContinuousClock()
        let start = clock.now
        for await report in results {
            summary.record(report)
            if let text = renderer.render(report) {
                progress?.clear()
                print(text)
            }
            progress?.update(summary)
        }
        progress?.clear()
        let elapsed = clock.now - start
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(renderer.finish(summary: summary))
        if let highest = summary.highestSeverity, highest >= failOn { throw ExitCode(1) }
    }
}

extension ScanCommand {
    /// Refuses to scan (exit 2) when the liblzma this process runs with is a backdoored
    /// release or the loaded rules flag it; with the override, warns and goes on.
    func checkOwnLiblzma(ruleSet: RuleSet) throws {
        let result = LiblzmaSelfCheck.run(ruleSet: ruleSet)
        guard case .refused = result else {
            if verbose { Output.error("backsight: self-check: \(result.message)") }
            return
        }
        if allowUnsafeLiblzma || LiblzmaSelfCheck.overriddenByEnvironment {
            Output.error("backsight: warning: \(result.message); scanning anyway as asked (--allow-unsafe-liblzma)")
            return
        }
        Output.error("""
        backsight: refusing to run: \(result.message).
        Install a liblzma that is not 5.6.0 or 5.6.1 (xz-utils 5.6.2 or later, or 5.4.x). To scan anyway on a
        machine kept for research, pass --allow-unsafe-liblzma or set \(LiblzmaSelfCheck.overrideVariable)=1.
        """)
        throw ExitCode(2)
    }
}

/// A one-line progress counter on standard error, redrawn at most five times a second.
final class Progress {
    private var last = Date.distantPast

    func update(_ summary: ScanSummary) {
        let now = Date()
        guard now.timeIntervalSince(last) > 0.2 else { return }
        last = now
        FileHandle.standardError.write(Data("\r\u{1B}[K\(summary.regularFiles) files, \(summary.findings) findings".utf8))
    }

    func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Loading the rule set the options name.
enum RuleLoading {
    /// `threads`: how many threads read the rule files (a scan's job count).
    static func load(extraFolders: [String], useDefault: Bool, only: [String], excluded: [String], signatures: Bool = true,
                     threads: Int = 1) throws -> RuleSet {
        var folders = extraFolders
        if useDefault {
            guard let bundled = DefaultLocations.rules() else {
                throw ValidationError("the bundled Rules/ folder was not found; set BACKSIGHT_RULES or pass --rules DIR")
            }
            folders.insert(bundled, at: 0)
        }
        do {
            let selected = try RuleSet.compile(directories: folders, threads: threads).filtered(including: Set(only), excluding: Set(excluded))
            return signatures ? selected : selected.withoutSignatures()
        } catch {
            Output.error(error.description)
            throw ExitCode(2)
        }
    }
}

import BacksightELF
import BacksightRules
import BacksightWalk

/// Turns a configuration file that makes programs load libraries into file-level facts for the
/// rules: which libraries it names, on which lines, where they are inside the configured tree,
/// whether they exist and what the rule set found in them.
///
/// Work per file is bounded: at most ``ConfigurationParser/maximumReferences`` names, each
/// resolved with a bounded number of `lstat` calls, and each distinct library read and analysed
/// once per scan (``LibraryVerdictCache``), then only its summary kept.
struct ConfigurationAnalyzer: Sendable {
    let cache: LibraryVerdictCache
    /// Libraries larger than this are not read; their outcome says so.
    let libraryByteLimit: Int

    /// The characteristics this analyser can give.
    static let characteristics: Set<String> = [
        Characteristic.preloadListEntry, .ldPreloadAssignment, .pamModuleConfigured, .configuredLibraryFlagged,
        .configuredLibraryMissing,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// One name of the file, resolved and judged.
    struct ResolvedReference {
        var reference: LibraryReference
        var resolution: LibraryResolver.Resolution
        var outcome: LibraryOutcome?
    }

    /// The facts for `bytes`, the content of `file`. `analyzeLibrary` runs the rule set over a
    /// library's bytes (without configuration context, so nothing recurses) and gives its report
    /// and ELF model.
    func characteristics(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer,
                         analyzeLibrary: (String, UnsafeRawBufferPointer) -> FileReport) -> [String: [Evidence]] {
        let references = ConfigurationParser.references(in: bytes, kind: file.kind)
        guard !references.isEmpty else { return [:] }
        let treeRoot = file.treeRootPath
        let resolver = LibraryResolver(fileSystem: RootConfinedFileSystem(root: treeRoot))
        var facts: [String: [Evidence]] = [:]
        for reference in references {
            let resolution = resolver.resolve(reference)
            var outcome: LibraryOutcome?
            if case let .found(path) = resolution {
                outcome = self.outcome(of: path, in: resolver.fileSystem, treeRoot: treeRoot, analyzeLibrary: analyzeLibrary)
            }
            let resolved = ResolvedReference(reference: reference, resolution: resolution, outcome: outcome)
            let evidence = Self.evidence(for: resolved, in: file)
            switch reference.role {
            case .preload:
                facts[file.kind == .preloadList ? Characteristic.preloadListEntry.rawValue : Characteristic.ldPreloadAssignment.rawValue, default: []].append(evidence)
            case let .pamModule(_, _, ignoredWhenMissing):
                facts[Characteristic.pamModuleConfigured.rawValue, default: []].append(evidence)
                if case .missing = resolution, ignoredWhenMissing { continue }
            }
            if outcome?.isFlagged == true { facts[Characteristic.configuredLibraryFlagged.rawValue, default: []].append(evidence) }
            if case .missing = resolution { facts[Characteristic.configuredLibraryMissing.rawValue, default: []].append(evidence) }
        }
        return facts
    }

    private func outcome(of path: RelativePath, in fileSystem: RootConfinedFileSystem, treeRoot: String,
                         analyzeLibrary: (String, UnsafeRawBufferPointer) -> FileReport) -> LibraryOutcome {
        let key = treeRoot + "\u{0}" + path.description
        if let known = cache.outcome(forKey: key) { return known }
        let outcome: LibraryOutcome
        // One byte over the limit tells a library that is too large from one that fits exactly.
        let (readLimit, overflow) = libraryByteLimit.addingReportingOverflow(1)
        switch fileSystem.readFile(path.bytes, limit: overflow ? libraryByteLimit : readLimit) {
        case let .success(bytes) where bytes.count > libraryByteLimit:
            outcome = LibraryOutcome(flaggedBy: [], alsoMatched: [], problem: "larger than \(libraryByteLimit) bytes, not analysed")
        case let .success(bytes):
            outcome = bytes.withUnsafeBytes { buffer in
                let report = analyzeLibrary(path.description, buffer)
                let ranked = report.findings.sorted { ($0.severity, $1.ruleID) > ($1.severity, $0.ruleID) }
                return LibraryOutcome(
                    flaggedBy: ranked.filter { $0.severity >= .medium }.map { "\($0.ruleID) (\($0.severity.rawValue))" },
                    alsoMatched: ranked.filter { $0.severity < .medium }.map { "\($0.ruleID) (\($0.severity.rawValue))" },
                    problem: report.skip?.message)
            }
        case let .failure(error):
            outcome = LibraryOutcome(flaggedBy: [], alsoMatched: [], problem: error.description)
        }
        cache.store(outcome, forKey: key)
        return outcome
    }

    /// One evidence item: the library (resolved path, or the name as written), the line, and
    /// what became of it.
    static func evidence(for item: ResolvedReference, in file: ConfigurationFile) -> Evidence {
        let reference = item.reference
        var what = "\(file.pathInTreeDescription) line \(reference.line) names \(reference.written)"
        if case let .pamModule(type, control, ignored) = reference.role {
            what += " (\(ignored ? "-" : "")\(type) \(control))"
        }
        switch item.resolution {
        case let .found(path):
            var parts = [what, "resolves to /\(path.description) inside the tree"]
            if let outcome = item.outcome {
                if let problem = outcome.problem { parts.append("not analysed: \(problem)") }
                if outcome.isFlagged { parts.append("flagged by " + outcome.flaggedBy.joined(separator: ", ")) }
                if !outcome.alsoMatched.isEmpty { parts.append("also matched " + outcome.alsoMatched.joined(separator: ", ")) }
                if !outcome.isFlagged, outcome.problem == nil { parts.append("no finding at medium or above") }
            }
            return Evidence(feature: "library", value: "/" + path.description,
                            location: Location(line: reference.line, file: path.description), detail: parts.joined(separator: "; "))
        case let .missing(searched):
            let places = searched.count == 1 ? "" : " (searched \(searched.count) directories: \(searched.prefix(4).joined(separator: ", "))…)"
            return Evidence(feature: "library", value: reference.written, location: Location(line: reference.line),
                            detail: "\(what); does not exist inside the tree\(places)")
        case let .unresolvable(reason):
            return Evidence(feature: "library", value: reference.written, location: Location(line: reference.line),
                            detail: "\(what); not resolved: \(reason)")
        }
    }
}

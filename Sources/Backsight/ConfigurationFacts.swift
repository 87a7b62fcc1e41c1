import BacksightConfig
import BacksightWalk

/// Turns what the configuration feature extractor (BacksightConfig) found in a configuration
/// file into file-level facts for the rules.
struct ConfigurationFacts: Sendable {
    /// Resolves and judges the libraries configuration files name; nil when no rule reads them.
    let libraries: LibraryReferenceAnalyzer?
    /// Checks account files; nil when no rule reads their facts.
    let accounts: AccountAnalyzer?
    /// Reads start-up files and remote-login options; nil when no rule reads their facts.
    let remoteAccess: RemoteAccessAnalyzer?

    /// The rule-data list of default credentials (`user:password` entries).
    static let credentialList = "default-credentials"
    /// The characteristics that come from account files.
    static let accountCharacteristics: Set<String> = [
        AccessFact.additionalUIDZeroAccount, .loginAccountEmptyPassword, .accountDefaultPassword,
        .administrativeGroupWeakMember, .administrativeGroupLoginMember,
    ].reduce(into: []) { $0.insert($1.rawValue) }
    /// The characteristics that come from start-up files and remote-login options.
    static let remoteAccessCharacteristics: Set<String> = Set(AccessFact.allCases.map(\.rawValue)).subtracting(accountCharacteristics)

    /// The characteristics that come from library references.
    static let libraryCharacteristics: Set<String> = [
        Characteristic.preloadListEntry, .ldPreloadAssignment, .pamModuleConfigured, .configuredLibraryFlagged,
        .configuredLibraryMissing,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    init(ruleSet: RuleSet, options: ScanOptions) {
        let wanted = ruleSet.characteristics
        libraries = wanted.isDisjoint(with: Self.libraryCharacteristics) ? nil
            : LibraryReferenceAnalyzer(libraryByteLimit: Int(clamping: options.maximumFileSize))
        // Hashing is the cost: the list is handed over only when a rule reads a fact that needs it.
        let hashes = [AccessFact.accountDefaultPassword, .remoteRootLoginWeakPassword, .administrativeGroupWeakMember, .administrativeGroupLoginMember]
            .contains { wanted.contains($0.rawValue) }
        let credentials = !hashes ? [] : ruleSet.lists.filter { $0.name == Self.credentialList }.flatMap(\.symbols).compactMap(DefaultCredential.init(entry:))
        let accountAnalyzer = AccountAnalyzer(credentials: credentials)
        accounts = wanted.isDisjoint(with: Self.accountCharacteristics) ? nil : accountAnalyzer
        remoteAccess = wanted.isDisjoint(with: Self.remoteAccessCharacteristics) ? nil
            : RemoteAccessAnalyzer(accounts: accountAnalyzer, checksRootPassword: wanted.contains(AccessFact.remoteRootLoginWeakPassword.rawValue))
    }

    /// Whether any part has work to do.
    var isEmpty: Bool { libraries == nil && accounts == nil && remoteAccess == nil }

    /// The facts for `bytes`, the content of `file`, whose tree is `tree` (a directory on disk, or
    /// an image's members, whose outcomes `known` gives). `analyzeLibrary` runs the rule set over a
    /// library's bytes (without configuration context, so nothing recurses).
    /// The account check hashes under `deadline`; when it runs out, the facts are incomplete and
    /// the caller reports the file as cut short (it checks the same deadline).
    /// In a tree that is not a whole root (`isWholeRoot` false: a package), a library not found
    /// is not reported as missing.
    func characteristics(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer, tree: any TreeFiles,
                         known: (RelativePath) -> LibraryOutcome? = { _ in nil }, isWholeRoot: Bool = true, deadline: Deadline,
                         analyzeLibrary: (String, UnsafeRawBufferPointer) -> FileReport) -> [String: [Evidence]] {
        var facts: [String: [Evidence]] = [:]
        if let libraries {
            let found = libraries.libraries(in: file, bytes: bytes, tree: tree, known: known) { Self.outcome(of: analyzeLibrary($0, $1)) }
            facts.merge(Self.characteristics(of: found, in: file, isWholeRoot: isWholeRoot)) { $0 + $1 }
        }
        var access: [AccessFinding] = []
        if let accounts, file.kind == .passwd || file.kind == .shadow {
            access += accounts.findings(for: file, bytes: bytes, tree: tree, deadline: deadline).findings
        }
        if let accounts, file.kind == .group {
            access += accounts.groupFindings(for: file, bytes: bytes, tree: tree, deadline: deadline).findings
        }
        if let remoteAccess { access += remoteAccess.findings(for: file, bytes: bytes, tree: tree, deadline: deadline) }
        for finding in access {
            facts[finding.fact.rawValue, default: []].append(
                Evidence(feature: "line", value: finding.value, location: Location(line: finding.line, file: finding.file), detail: finding.detail))
        }
        return facts
    }

    /// A library's report, summarised.
    static func outcome(of report: FileReport) -> LibraryOutcome {
        let ranked = report.findings.sorted { ($0.severity, $1.ruleID) > ($1.severity, $0.ruleID) }
        return LibraryOutcome(
            flaggedBy: ranked.filter { $0.severity >= .medium }.map { "\($0.ruleID) (\($0.severity.rawValue))" },
            alsoMatched: ranked.filter { $0.severity < .medium }.map { "\($0.ruleID) (\($0.severity.rawValue))" },
            problem: report.skip?.message)
    }

    static func characteristics(of libraries: [ConfiguredLibrary], in file: ConfigurationFile, isWholeRoot: Bool = true) -> [String: [Evidence]] {
        var facts: [String: [Evidence]] = [:]
        for library in libraries {
            let evidence = Self.evidence(for: library, in: file)
            switch library.reference.role {
            case .preload:
                facts[file.kind == .preloadList ? Characteristic.preloadListEntry.rawValue : Characteristic.ldPreloadAssignment.rawValue, default: []].append(evidence)
            case let .pamModule(_, _, ignoredWhenMissing):
                facts[Characteristic.pamModuleConfigured.rawValue, default: []].append(evidence)
                if case .missing = library.resolution, ignoredWhenMissing { continue }
            }
            if library.outcome?.isFlagged == true { facts[Characteristic.configuredLibraryFlagged.rawValue, default: []].append(evidence) }
            if case .missing = library.resolution, isWholeRoot { facts[Characteristic.configuredLibraryMissing.rawValue, default: []].append(evidence) }
        }
        return facts
    }

    /// One evidence item: the library (resolved path, or the name as written), the line, and
    /// what became of it.
    static func evidence(for item: ConfiguredLibrary, in file: ConfigurationFile) -> Evidence {
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

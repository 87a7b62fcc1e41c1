import BacksightWalk

/// One library a configuration file names, resolved inside the tree the file configures and,
/// when it exists there, judged.
public struct ConfiguredLibrary: Sendable, Hashable {
    public var reference: LibraryReference
    public var resolution: LibraryResolver.Resolution
    /// What the rule set made of the library; nil when it was not found.
    public var outcome: LibraryOutcome?
}

/// Resolves the libraries a configuration file makes programs load (`ld.so.preload` entries,
/// `LD_PRELOAD` assignments, PAM modules) inside the file's own tree and has each judged.
///
/// Work per file is bounded: at most ``ConfigurationParser/maximumReferences`` names, each
/// resolved with a bounded number of `lstat` calls, and each distinct library read and judged
/// once per scan (``LibraryVerdictCache``), then only its summary kept.
public struct LibraryReferenceAnalyzer: Sendable {
    let cache: LibraryVerdictCache
    /// Libraries larger than this are not read; their outcome says so.
    let libraryByteLimit: Int

    public init(libraryByteLimit: Int, cache: LibraryVerdictCache = LibraryVerdictCache()) {
        self.cache = cache
        self.libraryByteLimit = libraryByteLimit
    }

    /// The libraries `bytes`, the content of `file`, names, resolved in `tree`. `known` gives
    /// what the rule set already made of a library (an image's members are judged as they are
    /// read); otherwise `judge` runs the rule set over a library's bytes (without configuration
    /// context, so nothing recurses) and summarises it.
    public func libraries(in file: ConfigurationFile, bytes: UnsafeRawBufferPointer, tree: any TreeFiles,
                          known: (RelativePath) -> LibraryOutcome? = { _ in nil },
                          judge: (String, UnsafeRawBufferPointer) -> LibraryOutcome) -> [ConfiguredLibrary] {
        let references = ConfigurationParser.references(in: bytes, kind: file.kind)
        guard !references.isEmpty else { return [] }
        let resolver = LibraryResolver(fileSystem: tree)
        return references.map { reference in
            let resolution = resolver.resolve(reference)
            var outcome: LibraryOutcome?
            if case let .found(path) = resolution {
                outcome = known(path) ?? self.outcome(of: path, in: tree, judge: judge)
            }
            return ConfiguredLibrary(reference: reference, resolution: resolution, outcome: outcome)
        }
    }

    private func outcome(of path: RelativePath, in fileSystem: any TreeFiles,
                         judge: (String, UnsafeRawBufferPointer) -> LibraryOutcome) -> LibraryOutcome {
        let key = fileSystem.identity + "\u{0}" + path.description
        if let known = cache.outcome(forKey: key) { return known }
        let outcome: LibraryOutcome
        // One byte over the limit tells a library that is too large from one that fits exactly.
        let (readLimit, overflow) = libraryByteLimit.addingReportingOverflow(1)
        switch fileSystem.readFile(path.bytes, limit: overflow ? libraryByteLimit : readLimit) {
        case let .success(bytes) where bytes.count > libraryByteLimit:
            outcome = LibraryOutcome(flaggedBy: [], alsoMatched: [], problem: "larger than \(libraryByteLimit) bytes, not analysed")
        case let .success(bytes):
            outcome = bytes.withUnsafeBytes { judge(path.description, $0) }
        case let .failure(error):
            outcome = LibraryOutcome(flaggedBy: [], alsoMatched: [], problem: error.description)
        }
        cache.store(outcome, forKey: key)
        return outcome
    }
}

/// The result for one entry of a scan: what it is, what was found in it, or why it was skipped.
public struct FileReport: Sendable, Codable, Hashable {
    /// The path inside the scanned root (`usr/lib/x.so`); names that are not UTF-8 or hold
    /// control characters are escaped as `\xNN`.
    public var path: String
    public var kind: FileKind
    public var size: UInt64?
    /// Hex SHA-256 of the bytes scanned, for ELF files, opened containers, and files or members
    /// with a finding, skip or problem; for every file read when ``ScanOptions/hashesEveryFile``.
    public var sha256: String?
    /// For ELF files: `x86_64`, `aarch64`, `arm`, `mipsel`, …
    public var architecture: String?
    /// For ELF files: `REL`, `EXEC`, `DYN`, `CORE`.
    public var elfType: String?
    /// For symbolic links: the target as the link states it. For hard links: the path scanned first.
    public var linkTarget: String?
    public var findings: [Finding]
    public var verdict: Verdict
    /// Set when the entry was not read or not fully analysed.
    public var skip: Skip?
    /// Parts of a file that could not be read, with offsets (a partial ELF model, a corrupt
    /// or truncated compressed stream, a decoding limit reached).
    public var problems: [String]
    /// For a member of a package, archive or compressed file (`pkg.deb!/usr/lib/x.so`): the
    /// path of the file in the scanned tree that holds it (`pkg.deb`), however deep it is nested.
    public var container: String?
    /// For a file of a container image (an OCI layout, a `docker save` tarball): the digest of
    /// the layer it comes from (`sha256:…`), whiteouts of upper layers applied.
    public var layer: String?
    /// What the file says about a Linux kernel: a module's release and signature, an image's
    /// version. Gathered per release in ``ScanSummary/kernels``.
    public var kernel: KernelFileFacts?

    public init(path: String, kind: FileKind, size: UInt64? = nil, sha256: String? = nil, architecture: String? = nil,
                elfType: String? = nil, linkTarget: String? = nil, findings: [Finding] = [], skip: Skip? = nil, problems: [String] = [], container: String? = nil) {
        self.path = path
        self.kind = kind
        self.size = size
        self.sha256 = sha256
        self.architecture = architecture
        self.elfType = elfType
        self.linkTarget = linkTarget
        self.findings = findings
        self.verdict = Verdict.aggregate(findings)
        self.skip = skip
        self.problems = problems
        self.container = container
    }

    /// The highest severity among the findings.
    public var highestSeverity: Severity? { findings.map(\.severity).max() }
}

/// Why an entry was not scanned (or not fully): a stable code and a sentence.
public struct Skip: Sendable, Codable, Hashable {
    /// `not-regular-file`, `too-large`, `unreadable`, `vanished`, `malformed-elf`, …
    public var reason: String
    public var message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }
}

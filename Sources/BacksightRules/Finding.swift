/// Where a piece of evidence sits in the scanned bytes, as precisely as the feature knows.
public struct Location: Sendable, Hashable, Codable {
    /// The section holding it, for ELF files.
    public var section: String?
    /// A file offset (into the decoded payload for payload scopes).
    public var offset: UInt64?
    /// A virtual address, for code and symbols.
    public var address: UInt64?
    /// The symbol it belongs to.
    public var symbol: String?
    /// A line number, for text (configuration files, scripts).
    public var line: Int?
    /// Another file the evidence points at, inside the scanned tree (the library a
    /// configuration line names), `/`-separated without a leading `/`.
    public var file: String?

    public init(section: String? = nil, offset: UInt64? = nil, address: UInt64? = nil, symbol: String? = nil, line: Int? = nil,
                file: String? = nil) {
        self.section = section
        self.offset = offset
        self.address = address
        self.symbol = symbol
        self.line = line
        self.file = file
    }
}

/// One leaf of a rule's condition that held, and where.
public struct Evidence: Sendable, Hashable, Codable {
    /// The leaf's feature kind: `import`, `export`, `bytes`, `string`, `characteristic`, …
    public var feature: String
    /// What matched: the symbol name, the pattern, the characteristic, the value compared.
    public var value: String
    public var location: Location?
    /// Extra detail for checking by hand (disassembly, decoded text, …).
    public var detail: String?

    public init(feature: String, value: String, location: Location? = nil, detail: String? = nil) {
        self.feature = feature
        self.value = value
        self.location = location
        self.detail = detail
    }
}

/// A rule that matched one instance of its scope.
public struct Finding: Sendable, Hashable, Codable {
    public var ruleID: String
    public var title: String
    public var severity: Severity
    /// The rule's scope (`file`, `elf`, `resolver`, `function`, `payload`).
    public var scope: String
    /// The instance the rule matched, for scopes narrower than the file (a resolver's name).
    public var instance: String?
    public var evidence: [Evidence]

    public init(ruleID: String, title: String, severity: Severity, scope: String, instance: String? = nil, evidence: [Evidence]) {
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.scope = scope
        self.instance = instance
        self.evidence = evidence
    }
}

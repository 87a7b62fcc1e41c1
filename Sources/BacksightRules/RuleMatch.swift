/// What matching the rules on one subject gave: the findings, and what could not be decided.
public struct RuleMatch: Sendable {
    /// Findings in rule-id order, subject before payloads.
    public var findings: [Finding]
    /// Regex searches PCRE2 stopped at a limit (`regex-limit: …`, one line per regex and limit);
    /// each such text counted as not matching.
    public var problems: [String]
}

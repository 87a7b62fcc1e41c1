/// The overall judgement of one file, from its findings.
///
/// - `malicious`: any finding of severity `high` or `critical`.
/// - `suspicious`: otherwise, any `medium` finding, or `low` findings from two or more
///   different rules.
/// - `clean`: otherwise. `info` findings never change the verdict, and one rule matching
///   several instances (two resolvers of one library) counts once.
public enum Verdict: String, Sendable, Codable, CaseIterable, Comparable {
    case clean, suspicious, malicious

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }

    /// The verdict for a file with these findings (see the type's documentation).
    public static func aggregate(_ findings: [Finding]) -> Verdict {
        var lowRules = Set<String>()
        var sawMedium = false
        for finding in findings {
            switch finding.severity {
            case .high, .critical: return .malicious
            case .medium: sawMedium = true
            case .low: lowRules.insert(finding.ruleID)
            case .info: break
            }
        }
        return sawMedium || lowRules.count >= 2 ? .suspicious : .clean
    }
}

/// What `rules explain` shows: one rule's condition tree evaluated on one file, beside the file's
/// report under that rule alone.
public struct FileRuleExplanation: Sendable, Hashable, Codable {
    /// The report a scan with only this rule makes for the file (its finding, if the rule matched).
    public var report: FileReport
    /// Nil when the file's rules were never matched (the analysis hit its time limit).
    public var explanation: RuleExplanation?
}

extension Scanner {
    /// Evaluates the rule `ruleID` on one buffer scanned as the file `path`, exactly as a scan
    /// would (the same features, the same matcher), recording every condition's value. Nil when
    /// the scanner's rule set does not report that rule.
    public func explain(ruleID: String, bytes: UnsafeRawBufferPointer, path: String, diskPath: String? = nil) -> FileRuleExplanation? {
        guard ruleSet.rule(id: ruleID) != nil else { return nil }
        // Only what this rule needs is computed, as in a scan with `--rule ruleID`.
        let single = ruleSet.filtered(including: [ruleID], excluding: [])
        var explanation: RuleExplanation?
        let report = FileAnalyzer(ruleSet: single, options: options)
            .analyze(path: path, bytes: bytes, diskPath: diskPath.map { Array($0.utf8) }, subjectReady: { subject in
                explanation = single.explain(ruleID: ruleID, subject: subject)
            })
        return FileRuleExplanation(report: report, explanation: explanation)
    }

    /// ``explain(ruleID:bytes:path:diskPath:)`` for a file on disk, read as a scan of it would.
    public func explain(ruleID: String, file: String) throws(InspectionError) -> FileRuleExplanation {
        guard ruleSet.rule(id: ruleID) != nil else { throw .unknownRule(ruleID) }
        let explained = try Inspection.read(file: file, maximumFileSize: options.maximumFileSize) { path, bytes in
            explain(ruleID: ruleID, bytes: bytes, path: path, diskPath: file)
        }
        guard let explained else { throw .unknownRule(ruleID) }
        return explained
    }
}

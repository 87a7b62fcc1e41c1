import Foundation

/// Writes what `rules explain` shows: the condition tree of one rule on one file, one node a
/// line, each with its value, the evidence of matched leaves and the count of counts.
public enum ExplanationRenderer {
    /// Indented text for people.
    public static func text(_ explained: FileRuleExplanation, ruleID: String) -> String {
        let report = explained.report
        var out: [String] = []
        guard let explanation = explained.explanation else {
            let reason = report.skip.map { "\($0.reason): \($0.message)" } ?? "the file's rules were not matched"
            return "\(ruleID) on \(report.path): not evaluated (\(reason))"
        }
        out.append("\(ruleID) (\(explanation.scope.rawValue) scope) on \(report.path): \(explanation.matched ? "MATCHED" : "not matched")")
        if let skip = report.skip { out.append("  note: \(skip.reason): \(skip.message)") }
        if explanation.instances.isEmpty {
            out.append("  no \(explanation.scope.rawValue) instance in this file: the rule is not evaluated")
        }
        for instance in explanation.instances {
            var indent = "  "
            if let name = instance.instance {
                out.append("  \(explanation.scope.rawValue) \(name): \(instance.condition.outcome == .matched ? "matched" : "not matched")")
                indent = "    "
            }
            render(instance.condition, indent: indent, into: &out)
        }
        return out.joined(separator: "\n")
    }

    /// One JSON document (sorted keys), the report and the explanation as their types encode.
    public static func json(_ explained: FileRuleExplanation) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        guard let data = try? encoder.encode(explained) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func render(_ node: ConditionExplanation, indent: String, into out: inout [String]) {
        let mark = switch node.outcome {
        case .matched: "[matched]    "
        case .notMatched: "[not matched]"
        case .notEvaluated: "[not evaluated]"
        }
        let count = node.count.map { "  (count \($0))" } ?? ""
        out.append("\(indent)\(mark) \(node.condition)\(count)")
        if node.outcome == .matched {
            for evidence in node.evidence {
                let place = describe(evidence.location)
                let detail = evidence.detail.map { " (\($0))" } ?? ""
                out.append("\(indent)    = \(evidence.feature) \(evidence.value)\(place.isEmpty ? "" : " at \(place)")\(detail)")
            }
        }
        for child in node.children { render(child, indent: indent + "  ", into: &out) }
    }
}

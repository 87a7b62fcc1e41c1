/// The regex searches PCRE2 stopped at a limit during one `match` call. Such a text counts as
/// not matching, and the report says so (``RuleMatch/problems``) instead of staying silent.
/// Local to one call and one thread.
final class RegexLimitLog {
    private struct Stop: Hashable {
        var regex: String
        var limit: RegexLimit
    }

    /// Per regex and limit: how many texts, and the first one.
    private var stops: [Stop: (count: Int, first: String)] = [:]
    private var order: [Stop] = []

    /// Whether `regex` matches the name `name`; a stop is logged and counts as no match.
    func matches(_ regex: CompiledRegex, name: String) -> Bool {
        record(regex.search(name), regex: regex) { "the name '\(name.prefix(80))'" }
    }

    /// Whether `regex` matches the string `text`, found at file offset `offset`.
    func matches(_ regex: CompiledRegex, text: UnsafeRawBufferPointer, offset: UInt64) -> Bool {
        record(regex.search(text), regex: regex) { Self.string(at: offset) }
    }

    /// Whether `regex` matches the string `text`, found at file offset `offset`.
    func matches(_ regex: CompiledRegex, string text: String, offset: UInt64) -> Bool {
        record(regex.search(text), regex: regex) { Self.string(at: offset) }
    }

    private static func string(at offset: UInt64) -> String { "the string at offset 0x\(String(offset, radix: 16))" }

    private func record(_ outcome: RegexOutcome, regex: CompiledRegex, what: () -> String) -> Bool {
        switch outcome {
        case .match: return true
        case .noMatch: return false
        case .stopped(let limit):
            let stop = Stop(regex: regex.source, limit: limit)
            if let known = stops[stop] {
                stops[stop] = (known.count + 1, known.first)
            } else {
                stops[stop] = (1, what())
                order.append(stop)
            }
            return false
        }
    }

    /// One `regex-limit: …` line per regex and limit, in the order they first happened.
    var problems: [String] {
        order.compactMap { stop in
            guard let seen = stops[stop] else { return nil }
            let texts = seen.count == 1 ? seen.first : "\(seen.count) texts (the first: \(seen.first))"
            return "regex-limit: \(stop.regex) on \(texts): \(stop.limit); counted as not matching"
        }
    }
}

/// Matches names (symbols, libraries, section names, relocation types, versions): exact names,
/// written in the rule or taken from named lists, and regular expressions.
struct NameMatcher: Sendable {
    /// Exact names, lists already expanded.
    var names: Set<String> = []
    var regexes: [CompiledRegex] = []
    /// The lists it uses, for display.
    var lists: [String] = []

    var isEmpty: Bool { names.isEmpty && regexes.isEmpty }

    /// Whether `name` is one of the names or matches a regex (a regex stopped at a limit is logged).
    func matches(_ name: String, log: RegexLimitLog) -> Bool {
        if names.contains(name) { return true }
        for regex in regexes where log.matches(regex, name: name) { return true }
        return false
    }
}

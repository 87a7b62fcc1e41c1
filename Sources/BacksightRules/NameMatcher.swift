/// Matches names (symbols, libraries, section names, relocation types, versions): exact names,
/// written in the rule or taken from named lists, and regular expressions.
struct NameMatcher: Sendable {
    /// Exact names, lists already expanded.
    var names: Set<String> = []
    var regexes: [CompiledRegex] = []
    /// The lists it uses, for display.
    var lists: [String] = []

    var isEmpty: Bool { names.isEmpty && regexes.isEmpty }

    func matches(_ name: String) -> Bool {
        if names.contains(name) { return true }
        for regex in regexes where regex.matches(name) { return true }
        return false
    }
}

/// A named list of symbol names, written once in `Rules/lists/<name>.yaml` and referenced from
/// rules as `list: <name>`:
///
/// ```yaml
/// name: auth-set
/// description: Functions an authentication backdoor hooks.
/// symbols: [pam_authenticate, getspnam, crypt]
/// ```
public struct SymbolList: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var symbols: [String]
    /// The file it came from.
    public var file: String

    public init(name: String, description: String, symbols: [String], file: String) {
        self.name = name
        self.description = description
        self.symbols = symbols
        self.file = file
    }

    /// Whether a path names a list file: a `.yaml`/`.yml` file in a directory named `lists`.
    static func isListFile(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        return components.count >= 2 && components[components.count - 2] == "lists"
    }

    /// Reads one list file; its `name` must be the file name without the extension.
    static func parse(_ document: SourceNode) throws(RuleCompileError) -> SymbolList {
        var name: String?
        var description = ""
        var symbols: [String]?
        for entry in try document.entries(of: "a symbol list file") {
            switch entry.key {
            case "name":
                let value = try entry.value.nonEmptyString("name")
                guard RuleParser.isSimpleName(value) else {
                    throw entry.value.error("invalid list name '\(value)': use lowercase letters, digits and '-'")
                }
                let stem = Self.fileStem(document.file)
                guard value == stem else {
                    throw entry.value.error("list name '\(value)' does not match its file name '\(stem)'")
                }
                name = value
            case "description":
                description = try entry.value.string("description")
            case "symbols":
                var seen = Set<String>()
                var values: [String] = []
                for item in try entry.value.items(of: "symbols") {
                    let symbol = try item.nonEmptyString("a symbol")
                    guard seen.insert(symbol).inserted else { throw item.error("duplicate symbol '\(symbol)' in list") }
                    values.append(symbol)
                }
                guard !values.isEmpty else { throw entry.value.error("symbols must not be empty") }
                symbols = values
            default:
                throw entry.keyNode.error("unknown key '\(entry.key)' in symbol list (expected name, description, symbols)")
            }
        }
        guard let name else { throw document.error("missing required key 'name'") }
        guard let symbols else { throw document.error("missing required key 'symbols'") }
        return SymbolList(name: name, description: description, symbols: symbols, file: document.file)
    }

    private static func fileStem(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = last.lastIndex(of: ".") else { return last }
        return String(last[..<dot])
    }
}

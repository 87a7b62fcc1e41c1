import Foundation
import Yams

/// A YAML node together with the file it came from, so every reading error can name
/// `file:line:column`.
struct SourceNode {
    let node: Node
    let file: String

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    /// A compile error pointing at this node.
    func error(_ message: String) -> RuleCompileError {
        RuleCompileError(file: file, line: line, column: column, message: message)
    }

    /// Parses the single YAML document in `text`; nil for an empty document.
    static func parse(_ text: String, file: String) throws(RuleCompileError) -> SourceNode? {
        do {
            // Every scalar is read as text, so the basic resolver (no implicit int, bool or
            // float tags, each of which costs a regular expression per scalar) is enough.
            guard let node = try Yams.compose(yaml: text, .basic) else { return nil }
            return SourceNode(node: node, file: file)
        } catch let yamlError as YamlError {
            throw Self.translate(yamlError, file: file)
        } catch {
            throw RuleCompileError(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }

    private static func translate(_ error: YamlError, file: String) -> RuleCompileError {
        func located(_ mark: Mark, _ problem: String) -> RuleCompileError {
            RuleCompileError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return located(mark, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RuleCompileError(file: file, line: context.mark.line, column: context.mark.column,
                                    message: "duplicate key '\(duplicates.first ?? "")'")
        case .reader(let problem, _, _, _):
            return RuleCompileError(file: file, line: 1, column: 1, message: "invalid YAML: \(problem)")
        default:
            return RuleCompileError(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Shapes

    /// The scalar's text, whatever YAML type it would resolve to (`yes` stays `yes`).
    var scalarText: String? { node.scalar?.string }

    var isScalar: Bool { node.scalar != nil }
    var isMapping: Bool { node.mapping != nil }
    var isSequence: Bool { node.sequence != nil }

    /// The entries of a mapping, keys as strings, in file order.
    func entries(of what: String) throws(RuleCompileError) -> [(key: String, keyNode: SourceNode, value: SourceNode)] {
        guard let mapping = node.mapping else { throw error("\(what) must be a mapping") }
        var result: [(key: String, keyNode: SourceNode, value: SourceNode)] = []
        for (key, value) in mapping {
            let keyNode = SourceNode(node: key, file: file)
            guard let name = key.scalar?.string else { throw keyNode.error("a key in \(what) must be a plain string") }
            result.append((name, keyNode, SourceNode(node: value, file: file)))
        }
        return result
    }

    /// The items of a sequence.
    func items(of what: String) throws(RuleCompileError) -> [SourceNode] {
        guard let sequence = node.sequence else { throw error("\(what) must be a list") }
        return sequence.map { SourceNode(node: $0, file: file) }
    }

    /// The items of a sequence, or the node itself when it is a single scalar.
    func scalarOrItems(of what: String) throws(RuleCompileError) -> [SourceNode] {
        isSequence ? try items(of: what) : [self]
    }

    /// A string scalar.
    func string(_ what: String) throws(RuleCompileError) -> String {
        guard let text = scalarText else { throw error("\(what) must be a string") }
        return text
    }

    /// A non-empty string scalar.
    func nonEmptyString(_ what: String) throws(RuleCompileError) -> String {
        let text = try string(what)
        guard !text.isEmpty else { throw error("\(what) must not be empty") }
        return text
    }

    /// An integer scalar, decimal or `0x` hex.
    func integer(_ what: String) throws(RuleCompileError) -> Int {
        guard let text = scalarText, let value = Self.parseInteger(text) else { throw error("\(what) must be an integer") }
        return value
    }

    /// A non-negative integer scalar.
    func count(_ what: String) throws(RuleCompileError) -> Int {
        let value = try integer(what)
        guard value >= 0 else { throw error("\(what) must not be negative") }
        return value
    }

    /// A number scalar.
    func number(_ what: String) throws(RuleCompileError) -> Double {
        guard let text = scalarText else { throw error("\(what) must be a number") }
        if let value = Self.parseInteger(text) { return Double(value) }
        guard let value = Double(text), value.isFinite else { throw error("\(what) must be a number") }
        return value
    }

    /// A boolean scalar (`true`/`false`).
    func boolean(_ what: String) throws(RuleCompileError) -> Bool {
        switch scalarText?.lowercased() {
        case "true"?: return true
        case "false"?: return false
        default: throw error("\(what) must be true or false")
        }
    }

    /// The node on one line in YAML flow style (`{list: auth-set}`, `[a, b]`), scalars quoted
    /// as they were written.
    var flowText: String { Self.flow(node) }

    private static func flow(_ node: Node) -> String {
        if let scalar = node.scalar {
            switch scalar.style {
            case .singleQuoted: return "'\(scalar.string.replacingOccurrences(of: "'", with: "''"))'"
            case .doubleQuoted: return "\"\(scalar.string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
            default: return scalar.string
            }
        }
        if let mapping = node.mapping {
            return "{" + mapping.map { "\(flow($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
        if let sequence = node.sequence { return "[" + sequence.map(flow).joined(separator: ", ") + "]" }
        return "*"
    }

    static func parseInteger(_ text: String) -> Int? {
        let trimmed = String(text.filter { $0 != "_" })
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") { return Int(trimmed.dropFirst(2), radix: 16) }
        if trimmed.hasPrefix("-0x") { return Int(trimmed.dropFirst(3), radix: 16).map { -$0 } }
        return Int(trimmed)
    }
}

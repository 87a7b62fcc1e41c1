import BacksightELF

/// A rule's regular expression: PCRE2 decides whether a text matches, and the literal runs
/// every match requires let a leaf skip buffers holding none of them without running PCRE2.
///
/// Only whether the text contains a match is computed (an unanchored search); `^` and `$`
/// anchor at the start and end of the text.
struct CompiledRegex: Sendable, CustomStringConvertible {
    /// The pattern as written, with its slashes and flags (`/^pam_/i`).
    let source: String
    private let compiled: PCRE2Regex
    private let literals: RegexLiterals

    var description: String { source }

    /// Compiles `pattern`.
    init(pattern: String, caseInsensitive: Bool = false, source: String? = nil) throws(RegexError) {
        self.source = source ?? "/\(pattern)/\(caseInsensitive ? "i" : "")"
        compiled = try PCRE2Regex(pattern: pattern, caseInsensitive: caseInsensitive)
        literals = RegexLiterals(pattern: pattern, caseInsensitive: caseInsensitive)
    }

    /// Parses the `/pattern/` or `/pattern/i` form (`i`: ASCII letters match either case). Nil
    /// when `text` is not in that form, so `/lib64/ld-linux-x86-64.so.2` stays a plain name.
    static func literal(_ text: String) throws(RegexError) -> CompiledRegex? {
        let caseInsensitive = text.hasSuffix("/i")
        let closing = caseInsensitive ? 2 : 1
        guard text.first == "/", text.hasSuffix("/") || caseInsensitive, text.count >= 1 + closing else { return nil }
        let body = String(text.dropFirst().dropLast(closing))
        return try CompiledRegex(pattern: body, caseInsensitive: caseInsensitive, source: text)
    }

    /// Byte strings every match contains, longest first.
    var requiredRuns: [[UInt8]] { literals.requiredRuns }

    /// Whether `text` (its UTF-8 bytes) contains a match.
    func search(_ text: String) -> RegexOutcome {
        if let outcome = text.utf8.withContiguousStorageIfAvailable({ search(UnsafeRawBufferPointer($0)) }) {
            return outcome
        }
        var copy = text
        return copy.withUTF8 { search(UnsafeRawBufferPointer($0)) }
    }

    /// Whether `bytes` contain a match.
    func search(_ bytes: UnsafeRawBufferPointer) -> RegexOutcome {
        compiled.search(bytes)
    }

    /// False when no text taken from `bytes` can match, because some byte string every match
    /// contains occurs nowhere in them; true when one might. With `isSeparator`, texts are the
    /// runs of `bytes` between separator bytes, so a pattern anchored with `^` can match only
    /// where its first bytes follow a separator or start `bytes`.
    func mayMatch(within bytes: UnsafeRawBufferPointer, separatedBy isSeparator: ((UInt8) -> Bool)? = nil) -> Bool {
        guard literals.requiredRuns.allSatisfy({ firstOffset(of: $0, in: bytes) != nil }) else { return false }
        let prefix = literals.anchoredPrefix
        guard let isSeparator, !prefix.isEmpty else { return true }
        return firstOffset(of: prefix, in: bytes) { start in start == 0 || isSeparator(bytes[start - 1]) } != nil
    }
}

/// Why a regular expression cannot be compiled.
struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

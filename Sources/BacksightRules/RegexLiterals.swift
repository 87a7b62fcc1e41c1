/// The literal bytes a regex requires, read from its source for the prefilter that decides
/// whether a regex needs running at all (PCRE2 itself tells only a first and a last code unit,
/// too little to skip most files).
///
/// This is not a regex parser: PCRE2 has compiled the pattern already, so the syntax is valid.
/// The scan only follows groups, alternation and quantifiers, takes plain bytes and the escapes
/// that stand for one byte, and treats everything else as "some bytes". On any construct it does
/// not model (option settings, named or atomic groups, `\Q`, `\p`, back-references, POSIX
/// classes, …) it gives up and reports nothing, which never rejects a text that matches.
struct RegexLiterals: Equatable {
    /// Byte strings every match contains, longest first: runs of literal bytes the pattern
    /// requires one after another (letters of a case-insensitive pattern end a run).
    var requiredRuns: [[UInt8]] = []
    /// The bytes every match starts with when the pattern begins with `^` (else empty).
    var anchoredPrefix: [UInt8] = []

    init(pattern: String, caseInsensitive: Bool) {
        var scanner = Scanner(bytes: Array(pattern.utf8), caseInsensitive: caseInsensitive)
        guard let pieces = try? scanner.alternatives(), scanner.index == scanner.bytes.count else { return }
        requiredRuns = Self.runs(of: pieces).sorted { $0.count > $1.count }
        if case .start? = pieces.first {
            for piece in pieces.dropFirst() {
                guard case .byte(let byte) = piece else { break }
                anchoredPrefix.append(byte)
            }
        }
    }

    /// One element of a sequence.
    private enum Piece: Equatable {
        /// A byte that must come right here.
        case byte(UInt8)
        /// `^` and `$`: zero width, so the bytes on either side stay adjacent.
        case start, end
        /// Something else: some or no bytes.
        case gap
        /// Runs required somewhere in here, not adjacent to anything outside (a repeated group).
        case runs([[UInt8]])
    }

    private static func runs(of pieces: [Piece]) -> [[UInt8]] {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        for piece in pieces {
            switch piece {
            case .byte(let byte): current.append(byte)
            case .start, .end: break
            case .gap: endRun()
            case .runs(let inner):
                endRun()
                runs += inner
            }
        }
        endRun()
        return runs
    }

    /// Thrown for any construct the scan does not model.
    private struct Unmodelled: Error {}

    private struct Scanner {
        let bytes: [UInt8]
        let caseInsensitive: Bool
        var index = 0

        private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        private func peek(_ ahead: Int) -> UInt8? { index + ahead < bytes.count ? bytes[index + ahead] : nil }

        /// Branches separated by `|`, up to a `)` or the end: the pieces of the one branch, or
        /// a gap when there are several.
        mutating func alternatives() throws(Unmodelled) -> [Piece] {
            var branches = [try sequence()]
            while current == UInt8(ascii: "|") {
                index += 1
                branches.append(try sequence())
            }
            return branches.count == 1 ? branches[0] : [.gap]
        }

        private mutating func sequence() throws(Unmodelled) -> [Piece] {
            var pieces: [Piece] = []
            while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                let atom = try self.atom()
                guard let minimum = try quantifier() else {
                    pieces += atom
                    continue
                }
                // A repeated atom is required only when it must occur; its runs stand alone.
                pieces.append(minimum > 0 ? .runs(RegexLiterals.runs(of: atom)) : .gap)
            }
            return pieces
        }

        /// The least count of a quantifier after an atom, nil when none follows.
        private mutating func quantifier() throws(Unmodelled) -> Int? {
            let minimum: Int
            switch current {
            case UInt8(ascii: "*"), UInt8(ascii: "?"):
                minimum = 0
                index += 1
            case UInt8(ascii: "+"):
                minimum = 1
                index += 1
            case UInt8(ascii: "{"):
                guard let count = try braces() else { return nil }
                minimum = count
            default:
                return nil
            }
            // Lazy `?` and possessive `+` change how, not whether, the atom occurs.
            if current == UInt8(ascii: "?") || current == UInt8(ascii: "+") { index += 1 }
            return minimum
        }

        /// `{n}`, `{n,}` or `{n,m}`; nil (nothing consumed) when the brace is a literal. Other
        /// spellings that newer PCRE2 releases read as quantifiers (`{,m}`, spaces) are not modelled.
        private mutating func braces() throws(Unmodelled) -> Int? {
            var cursor = index + 1
            func digits() -> Int? {
                let begin = cursor
                var value = 0
                while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) {
                    value = min(value * 10 + Int(bytes[cursor] - UInt8(ascii: "0")), 1_000_000)
                    cursor += 1
                }
                return cursor > begin ? value : nil
            }
            guard let low = digits() else {
                if let next = peek(1), next == UInt8(ascii: ",") || next == UInt8(ascii: " ") { throw Unmodelled() }
                return nil
            }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") {
                cursor += 1
                _ = digits()
            }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "}") else { throw Unmodelled() }
            index = cursor + 1
            return low
        }

        private mutating func atom() throws(Unmodelled) -> [Piece] {
            guard let byte = current else { throw Unmodelled() }
            index += 1
            switch byte {
            case UInt8(ascii: "("):
                var lookaround = false
                if current == UInt8(ascii: "?") {
                    // `(?:` groups; look-arounds (skipped whole); nothing else.
                    switch (peek(1), peek(2)) {
                    case (UInt8(ascii: ":")?, _): index += 2
                    case (UInt8(ascii: "=")?, _), (UInt8(ascii: "!")?, _): index += 2; lookaround = true
                    case (UInt8(ascii: "<")?, UInt8(ascii: "=")?), (UInt8(ascii: "<")?, UInt8(ascii: "!")?): index += 3; lookaround = true
                    default: throw Unmodelled()
                    }
                } else if current == UInt8(ascii: "*") {
                    throw Unmodelled() // (*VERB)
                }
                let inner = try alternatives()
                guard current == UInt8(ascii: ")") else { throw Unmodelled() }
                index += 1
                return lookaround ? [.gap] : inner
            case UInt8(ascii: "["):
                try skipClass()
                return [.gap]
            case UInt8(ascii: "."):
                return [.gap]
            case UInt8(ascii: "^"):
                return [.start]
            case UInt8(ascii: "$"):
                return [.end]
            case UInt8(ascii: "\\"):
                return [try escape()]
            default:
                return [literal(byte)]
            }
        }

        private func literal(_ byte: UInt8) -> Piece {
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            return caseInsensitive && isLetter ? .gap : .byte(byte)
        }

        private mutating func escape() throws(Unmodelled) -> Piece {
            guard let byte = current else { throw Unmodelled() }
            index += 1
            switch byte {
            case UInt8(ascii: "t"): return .byte(0x09)
            case UInt8(ascii: "n"): return .byte(0x0a)
            case UInt8(ascii: "r"): return .byte(0x0d)
            case UInt8(ascii: "f"): return .byte(0x0c)
            case UInt8(ascii: "e"): return .byte(0x1b)
            case UInt8(ascii: "a"): return .byte(0x07)
            case UInt8(ascii: "0"):
                // `\0` takes up to two more octal digits.
                if let next = current, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(next) { throw Unmodelled() }
                return .byte(0)
            case UInt8(ascii: "x"):
                guard let high = current.flatMap(Self.hexValue), let low = peek(1).flatMap(Self.hexValue) else { throw Unmodelled() }
                index += 2
                return literal(high << 4 | low)
            default:
                // Classes and assertions of one letter (`\N{…}` is a character, not modelled).
                if Array("dDwWsShHvVRNXCbBAzZGK".utf8).contains(byte) {
                    guard byte != UInt8(ascii: "N") || current != UInt8(ascii: "{") else { throw Unmodelled() }
                    return .gap
                }
                let isAlphanumeric = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                guard !isAlphanumeric else { throw Unmodelled() }
                return literal(byte) // escaped punctuation stands for itself
            }
        }

        /// Moves past a `[…]` class (its opening bracket already read).
        private mutating func skipClass() throws(Unmodelled) {
            if current == UInt8(ascii: "^") { index += 1 }
            if current == UInt8(ascii: "]") { index += 1 } // a leading `]` is a member
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "]"):
                    return
                case UInt8(ascii: "\\"):
                    guard let escaped = current, escaped != UInt8(ascii: "Q") else { throw Unmodelled() }
                    index += 1
                case UInt8(ascii: "["):
                    // POSIX classes `[:alpha:]` and their kin hold a `]` of their own.
                    if let next = current, Array(":.=".utf8).contains(next) { throw Unmodelled() }
                default:
                    break
                }
            }
            throw Unmodelled()
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
    }
}

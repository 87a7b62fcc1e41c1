/// A set of byte values, as one 256-bit mask.
struct ByteSet: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (lhs: ByteSet, rhs: ByteSet) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    init() {}

    init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { insert(byte) }
    }

    init(range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    static let all: ByteSet = ByteSet(range: 0...255)

    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    var inverted: ByteSet {
        var copy = self
        copy.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return copy
    }

    var isEmpty: Bool { words.0 == 0 && words.1 == 0 && words.2 == 0 && words.3 == 0 }

    /// The one byte in the set, if it holds exactly one.
    var single: UInt8? {
        var found: UInt8?
        for (index, word) in [words.0, words.1, words.2, words.3].enumerated() where word != 0 {
            guard found == nil, word.nonzeroBitCount == 1 else { return nil }
            found = UInt8(index * 64 + word.trailingZeroBitCount)
        }
        return found
    }

    /// The set with both cases of every ASCII letter in it.
    var caseFolded: ByteSet {
        var copy = self
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(byte) || contains(byte | 0x20) {
            copy.insert(byte)
            copy.insert(byte | 0x20)
        }
        return copy
    }
}

/// A parsed regular expression over bytes.
indirect enum RegexNode: Sendable, Hashable {
    /// One byte from the set.
    case bytes(ByteSet)
    case sequence([RegexNode])
    case choice([RegexNode])
    /// `max` nil is unbounded.
    case repeated(RegexNode, min: Int, max: Int?)
    /// `^`: the start of the text.
    case start
    /// `$`: the end of the text.
    case end
}

extension RegexNode {
    /// Byte strings that every match contains: runs of single bytes the pattern requires one
    /// after another (letters of a case-insensitive pattern are two-byte sets, so they end a
    /// run). A text holding one of them nowhere cannot match, which lets a search skip texts
    /// without running the automaton.
    var requiredRuns: [[UInt8]] {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        func walk(_ node: RegexNode) {
            switch node {
            case .bytes(let set):
                if let byte = set.single { current.append(byte) } else { endRun() }
            case .sequence(let items):
                for item in items { walk(item) }
            case .start, .end:
                break // zero width: the bytes either side stay adjacent
            case .repeated(let inner, let low, _):
                endRun()
                if low >= 1 { runs += inner.requiredRuns }
            case .choice:
                endRun()
            }
        }
        walk(self)
        endRun()
        return runs
    }
}

extension RegexNode {
    /// The single bytes a match must start with right after a leading `^` (empty when the
    /// pattern is not anchored or starts with a choice, class or repetition).
    var anchoredPrefix: [UInt8] {
        var items: [RegexNode] = [self]
        // Flatten leading sequences: `^` must come first.
        while case .sequence(let inner)? = items.first { items = inner + items.dropFirst() }
        guard case .start? = items.first else { return [] }
        var prefix: [UInt8] = []
        var rest = Array(items.dropFirst())
        while let next = rest.first {
            if case .sequence(let inner) = next {
                rest = inner + rest.dropFirst()
                continue
            }
            guard case .bytes(let set) = next, let byte = set.single else { break }
            prefix.append(byte)
            rest.removeFirst()
        }
        return prefix
    }
}

/// Why a regular expression cannot be compiled.
struct RegexError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Parses the regular-expression syntax the rule language supports: literals, `.`, classes
/// `[a-z_]` and `[^…]`, escapes (`\d \w \s \D \W \S \t \n \r \xHH` and escaped punctuation),
/// groups `(…)` and `(?:…)`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (a trailing
/// `?` for laziness is accepted and changes nothing, since only whether it matches counts),
/// and the anchors `^` and `$` (start and end of the text). Back-references, look-around and
/// `\b` are rejected.
struct RegexParser {
    static let maximumRepeat = 1000

    private let bytes: [UInt8]
    private let caseInsensitive: Bool
    private var index = 0

    /// Parses `pattern`; with `caseInsensitive`, ASCII letters match either case.
    static func parse(_ pattern: String, caseInsensitive: Bool) throws(RegexError) -> RegexNode {
        var parser = RegexParser(bytes: Array(pattern.utf8), caseInsensitive: caseInsensitive)
        let node = try parser.parseChoice()
        if parser.index < parser.bytes.count {
            throw RegexError(message: "unbalanced ')' at position \(parser.index + 1)")
        }
        return node
    }

    private init(bytes: [UInt8], caseInsensitive: Bool) {
        self.bytes = bytes
        self.caseInsensitive = caseInsensitive
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func parseChoice() throws(RegexError) -> RegexNode {
        var branches = [try parseSequence()]
        while current == UInt8(ascii: "|") {
            index += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .choice(branches)
    }

    private mutating func parseSequence() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            var item = try parseAtom()
            item = try parseQuantifiers(on: item)
            items.append(item)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parseQuantifiers(on atom: RegexNode) throws(RegexError) -> RegexNode {
        var node = atom
        while let byte = current {
            let bounds: (Int, Int?)
            switch byte {
            case UInt8(ascii: "*"): bounds = (0, nil); index += 1
            case UInt8(ascii: "+"): bounds = (1, nil); index += 1
            case UInt8(ascii: "?"): bounds = (0, 1); index += 1
            case UInt8(ascii: "{"):
                guard let parsed = try parseBraces() else { return node }
                bounds = parsed
            default:
                return node
            }
            if node == .start || node == .end { throw RegexError(message: "nothing to repeat before position \(index)") }
            if current == UInt8(ascii: "?") { index += 1 }
            node = .repeated(node, min: bounds.0, max: bounds.1)
        }
        return node
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil (nothing consumed) when the brace does not start one, so it
    /// is taken literally as most engines do.
    private mutating func parseBraces() throws(RegexError) -> (Int, Int?)? {
        var cursor = index + 1
        func number() -> Int? {
            let begin = cursor
            var value = 0
            while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(bytes[cursor] - UInt8(ascii: "0")), 1_000_000)
                cursor += 1
            }
            return cursor > begin ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ",") {
            cursor += 1
            high = number()
        }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "}") else { return nil }
        if let high, high < low { throw RegexError(message: "repetition {\(low),\(high)} has max below min") }
        if max(low, high ?? 0) > Self.maximumRepeat {
            throw RegexError(message: "repetition count above \(Self.maximumRepeat)")
        }
        index = cursor + 1
        return (low, high)
    }

    private mutating func parseAtom() throws(RegexError) -> RegexNode {
        guard let byte = current else { throw RegexError(message: "unexpected end of pattern") }
        index += 1
        switch byte {
        case UInt8(ascii: "("):
            if current == UInt8(ascii: "?") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ":") else {
                    throw RegexError(message: "unsupported group '(?' (only '(?:' is supported)")
                }
                index += 2
            }
            let inner = try parseChoice()
            guard current == UInt8(ascii: ")") else { throw RegexError(message: "missing ')'") }
            index += 1
            return inner
        case UInt8(ascii: "["):
            return .bytes(fold(try parseClass()))
        case UInt8(ascii: "."):
            return .bytes(ByteSet([0x0a]).inverted)
        case UInt8(ascii: "^"):
            return .start
        case UInt8(ascii: "$"):
            return .end
        case UInt8(ascii: "\\"):
            return .bytes(fold(try parseEscape(inClass: false)))
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"):
            throw RegexError(message: "nothing to repeat before position \(index)")
        default:
            return .bytes(fold(ByteSet([byte])))
        }
    }

    private func fold(_ set: ByteSet) -> ByteSet { caseInsensitive ? set.caseFolded : set }

    private mutating func parseClass() throws(RegexError) -> ByteSet {
        var set = ByteSet()
        var negated = false
        if current == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var first = true
        while true {
            guard let byte = current else { throw RegexError(message: "missing ']'") }
            if byte == UInt8(ascii: "]"), !first {
                index += 1
                break
            }
            first = false
            index += 1
            let low: UInt8
            if byte == UInt8(ascii: "\\") {
                let escaped = try parseEscape(inClass: true)
                guard let single = escaped.single else {
                    set.formUnion(escaped)
                    continue
                }
                low = single
            } else {
                low = byte
            }
            if current == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] != UInt8(ascii: "]") {
                index += 1
                guard let next = current else { throw RegexError(message: "missing ']'") }
                index += 1
                var high = next
                if next == UInt8(ascii: "\\") {
                    guard let single = try parseEscape(inClass: true).single else {
                        throw RegexError(message: "invalid range in character class")
                    }
                    high = single
                }
                guard low <= high else { throw RegexError(message: "invalid range in character class") }
                set.formUnion(ByteSet(range: low...high))
            } else {
                set.insert(low)
            }
        }
        return negated ? set.inverted : set
    }

    private mutating func parseEscape(inClass: Bool) throws(RegexError) -> ByteSet {
        guard let byte = current else { throw RegexError(message: "pattern ends with '\\'") }
        index += 1
        let digits = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))
        var word = ByteSet(range: UInt8(ascii: "a")...UInt8(ascii: "z"))
        word.formUnion(ByteSet(range: UInt8(ascii: "A")...UInt8(ascii: "Z")))
        word.formUnion(digits)
        word.insert(UInt8(ascii: "_"))
        let space = ByteSet([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d])
        switch byte {
        case UInt8(ascii: "d"): return digits
        case UInt8(ascii: "D"): return digits.inverted
        case UInt8(ascii: "w"): return word
        case UInt8(ascii: "W"): return word.inverted
        case UInt8(ascii: "s"): return space
        case UInt8(ascii: "S"): return space.inverted
        case UInt8(ascii: "t"): return ByteSet([0x09])
        case UInt8(ascii: "n"): return ByteSet([0x0a])
        case UInt8(ascii: "r"): return ByteSet([0x0d])
        case UInt8(ascii: "f"): return ByteSet([0x0c])
        case UInt8(ascii: "v"): return ByteSet([0x0b])
        case UInt8(ascii: "0"): return ByteSet([0x00])
        case UInt8(ascii: "x"):
            guard index + 1 < bytes.count, let high = Self.hexValue(bytes[index]), let low = Self.hexValue(bytes[index + 1]) else {
                throw RegexError(message: "'\\x' needs two hex digits")
            }
            index += 2
            return ByteSet([high << 4 | low])
        case UInt8(ascii: "b") where inClass:
            return ByteSet([0x08])
        default:
            let isLetterOrDigit = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if isLetterOrDigit {
                throw RegexError(message: "unsupported escape '\\\(String(UnicodeScalar(byte)))'")
            }
            return ByteSet([byte])
        }
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

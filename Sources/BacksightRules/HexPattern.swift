/// One position of a byte pattern: the bits under `mask` must equal `value`
/// (`4a` is mask `ff`, `4?` is mask `f0`, `??` is mask `00`).
struct PatternByte: Sendable, Hashable {
    var value: UInt8
    var mask: UInt8

    var isFixed: Bool { mask == 0xff }

    @inline(__always)
    func accepts(_ byte: UInt8) -> Bool { byte & mask == value }
}

/// A gap of `min...max` bytes between two parts of a pattern (`[2-8]`, `[4]`).
struct PatternJump: Sendable, Hashable {
    var min: Int
    var max: Int
}

/// Why hex text is not a pattern.
enum HexPatternError: Error, Sendable, Equatable {
    case empty
    case badToken(String)
    case badJump(String)
    case jumpAtEdge
    case jumpTooWide(Int)
    case noAtom
}

extension HexPatternError: CustomStringConvertible {
    var description: String {
        switch self {
        case .empty: "empty pattern"
        case .badToken(let token): "invalid hex pattern: '\(token)' is not a hex byte, '??' or a jump '[n-m]'"
        case .badJump(let token): "invalid jump '\(token)': expected [n] or [n-m] with n <= m"
        case .jumpAtEdge: "a pattern cannot start or end with a jump"
        case .jumpTooWide(let width): "jump of up to \(width) bytes is wider than \(BytePattern.maximumJump)"
        case .noAtom: "pattern has no literal atom (it needs 2 or more fixed bytes in a row)"
        }
    }
}

/// A compiled byte pattern: fixed-length parts separated by jumps, plus the literal run (the
/// atom) the multi-pattern automaton looks for. Every automaton hit on the atom is verified
/// against the whole pattern around it.
struct BytePattern: Sendable, Hashable {
    /// The widest jump allowed, to bound verification work.
    static let maximumJump = 65_536
    /// Atoms longer than this are cut: the rest is checked when a hit is verified.
    static let maximumAtomLength = 64

    /// The parts between jumps; none is empty.
    let parts: [[PatternByte]]
    /// `jumps[i]` lies between `parts[i]` and `parts[i + 1]`.
    let jumps: [PatternJump]
    /// Whether a match must be a whole printable string: no printable byte right before or after
    /// (the `exact:` form of a `string` leaf).
    let wholeString: Bool
    /// Which part holds the atom, and where in it the atom starts.
    let atomPart: Int
    let atomOffset: Int
    let atom: [UInt8]

    /// The pattern for the literal bytes of `text`.
    init(literal text: [UInt8], wholeString: Bool = false) throws(HexPatternError) {
        guard !text.isEmpty else { throw .empty }
        try self.init(parts: [text.map { PatternByte(value: $0, mask: 0xff) }], jumps: [], wholeString: wholeString)
    }

    /// Parses hex text such as `4a 9c ?? 1? [2-4] e0`: bytes as two hex digits (either may be
    /// `?`), jumps as `[n]` or `[n-m]`; whitespace between tokens is optional.
    init(hex text: String) throws(HexPatternError) {
        let characters = Array(text.unicodeScalars)
        var parts: [[PatternByte]] = []
        var jumps: [PatternJump] = []
        var current: [PatternByte] = []
        var pendingJump: PatternJump?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.properties.isWhitespace {
                index += 1
                continue
            }
            if character == "[" {
                var end = index + 1
                while end < characters.count, characters[end] != "]" { end += 1 }
                let token = String(String.UnicodeScalarView(characters[index..<min(end + 1, characters.count)]))
                guard end < characters.count else { throw .badJump(token) }
                let jump = try Self.parseJump(String(String.UnicodeScalarView(characters[(index + 1)..<end])), token: token)
                guard !current.isEmpty || !parts.isEmpty else { throw .jumpAtEdge }
                if !current.isEmpty {
                    parts.append(current)
                    current = []
                }
                if let previous = pendingJump {
                    pendingJump = PatternJump(min: previous.min + jump.min, max: previous.max + jump.max)
                } else {
                    pendingJump = jump
                }
                if let pending = pendingJump, pending.max > Self.maximumJump { throw .jumpTooWide(pending.max) }
                index = end + 1
                continue
            }
            guard index + 1 < characters.count,
                  let high = Self.nibble(character), let low = Self.nibble(characters[index + 1]) else {
                var end = index
                while end < characters.count, !characters[end].properties.isWhitespace, end - index < 8 { end += 1 }
                throw .badToken(String(String.UnicodeScalarView(characters[index..<max(end, index + 1)])))
            }
            if let jump = pendingJump {
                jumps.append(jump)
                pendingJump = nil
            }
            current.append(PatternByte(value: (high.value << 4) | low.value, mask: (high.mask << 4) | low.mask))
            index += 2
        }
        if pendingJump != nil { throw .jumpAtEdge }
        if !current.isEmpty { parts.append(current) }
        guard !parts.isEmpty else { throw .empty }
        try self.init(parts: parts, jumps: jumps, wholeString: false)
    }

    private init(parts: [[PatternByte]], jumps: [PatternJump], wholeString: Bool) throws(HexPatternError) {
        self.parts = parts
        self.jumps = jumps
        self.wholeString = wholeString
        guard let best = Self.chooseAtom(parts) else { throw .noAtom }
        atomPart = best.part
        atomOffset = best.offset
        atom = parts[best.part][best.offset ..< best.offset + best.length].map(\.value)
    }

    private static func nibble(_ character: Unicode.Scalar) -> (value: UInt8, mask: UInt8)? {
        switch character {
        case "?": return (0, 0)
        case "0"..."9": return (UInt8(character.value - 48), 0xf)
        case "a"..."f": return (UInt8(character.value - 87), 0xf)
        case "A"..."F": return (UInt8(character.value - 55), 0xf)
        default: return nil
        }
    }

    private static func parseJump(_ inside: String, token: String) throws(HexPatternError) -> PatternJump {
        let bounds = inside.split(separator: "-", omittingEmptySubsequences: false)
            .map { String($0.filter { $0 != " " }) }
        guard bounds.count == 1 || bounds.count == 2,
              let low = Int(bounds[0]), low >= 0,
              let high = bounds.count == 2 ? Int(bounds[1]) : low, high >= low else {
            throw .badJump(token)
        }
        return PatternJump(min: low, max: high)
    }

    /// The longest run of fully fixed bytes (at least 2), preferring runs of rarer bytes when
    /// lengths tie; cut to ``maximumAtomLength``.
    private static func chooseAtom(_ parts: [[PatternByte]]) -> (part: Int, offset: Int, length: Int)? {
        var best: (part: Int, offset: Int, length: Int, score: Int)?
        for (partIndex, part) in parts.enumerated() {
            var start = 0
            while start < part.count {
                guard part[start].isFixed else { start += 1; continue }
                var end = start
                while end < part.count, part[end].isFixed { end += 1 }
                let length = min(end - start, maximumAtomLength)
                if length >= 2 {
                    let bytes = part[start ..< start + length].map(\.value)
                    let score = length * 16 + Set(bytes).count - bytes.filter { [0x00, 0xff, 0x90, 0xcc, 0x20].contains($0) }.count
                    if best.map({ score > $0.score }) ?? true {
                        best = (partIndex, start, length, score)
                    }
                }
                start = end
            }
        }
        return best.map { ($0.part, $0.offset, $0.length) }
    }

    /// The shortest number of bytes a match covers.
    var minimumLength: Int {
        parts.reduce(0) { $0 + $1.count } + jumps.reduce(0) { $0 + $1.min }
    }

    /// Whether `part` matches `buffer` at `start`, all of it inside the buffer.
    @inline(__always)
    private func partMatches(_ part: [PatternByte], in buffer: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard start >= 0, start <= buffer.count - part.count else { return false }
        for (index, element) in part.enumerated() where !element.accepts(buffer[start + index]) { return false }
        return true
    }

    /// Verifies a hit of the atom starting at `atomStart` in `buffer`; returns where the whole
    /// match starts (the earliest start when jumps allow several), or nil.
    ///
    /// Each position tried across a jump costs one unit of `budget`; once it is spent, verification
    /// fails, so a pattern with wide jumps and a common atom cannot make one buffer take
    /// unbounded time.
    func verify(in buffer: UnsafeRawBufferPointer, atomStart: Int, budget: inout Int) -> Int? {
        let partStart = atomStart - atomOffset
        guard partMatches(parts[atomPart], in: buffer, at: partStart) else { return nil }
        if parts.count == 1 { return checkedStringBoundaries(in: buffer, start: partStart) }

        // Parts to the right: the set of possible starts of each next part, as merged intervals.
        var ends = [partStart + parts[atomPart].count]
        var partIndex = atomPart + 1
        while partIndex < parts.count {
            let jump = jumps[partIndex - 1]
            let part = parts[partIndex]
            var nextEnds: [Int] = []
            guard budget > 0 else { return nil }
            forEachCandidate(ends, low: jump.min, high: jump.max, limit: buffer.count - part.count, budget: &budget) { start in
                if partMatches(part, in: buffer, at: start) { nextEnds.append(start + part.count) }
            }
            guard !nextEnds.isEmpty else { return nil }
            ends = nextEnds
            partIndex += 1
        }

        // Parts to the left: possible starts of each previous part.
        var starts = [partStart]
        partIndex = atomPart - 1
        while partIndex >= 0 {
            let jump = jumps[partIndex]
            let part = parts[partIndex]
            // A previous part starting at s ends at s + count; s + count + gap = a later start.
            let shifted = starts.map { $0 - part.count }
            var nextStarts: [Int] = []
            guard budget > 0 else { return nil }
            forEachCandidate(shifted, low: -jump.max, high: -jump.min, limit: buffer.count - part.count, budget: &budget) { start in
                if partMatches(part, in: buffer, at: start) { nextStarts.append(start) }
            }
            guard !nextStarts.isEmpty else { return nil }
            starts = nextStarts
            partIndex -= 1
        }
        guard let matchStart = starts.min() else { return nil }
        return checkedStringBoundaries(in: buffer, start: matchStart)
    }

    /// `start`, unless the pattern must be a whole string and a printable byte touches the match.
    @inline(__always)
    private func checkedStringBoundaries(in buffer: UnsafeRawBufferPointer, start: Int) -> Int? {
        guard wholeString else { return start }
        let end = start + minimumLength
        if start > 0, Self.isPrintable(buffer[start - 1]) { return nil }
        if end < buffer.count, Self.isPrintable(buffer[end]) { return nil }
        return start
    }

    /// Calls `body` once for every position in the union of `[p + low, p + high]` over `points`
    /// (sorted or not), clipped to `0...limit`, in increasing order, while `budget` lasts.
    private func forEachCandidate(_ points: [Int], low: Int, high: Int, limit: Int, budget: inout Int, _ body: (Int) -> Void) {
        guard limit >= 0 else { return }
        var cursor = Int.min
        for point in points.sorted() {
            let from = max(point + low, cursor, 0)
            let to = min(point + high, limit, from + budget - 1)
            guard from <= to else { continue }
            budget -= to - from + 1
            for position in from...to { body(position) }
            cursor = to + 1
            if budget <= 0 { return }
        }
    }

    /// Printable as `PrintableStrings` counts it: space to `~`, and tab.
    @inline(__always)
    static func isPrintable(_ byte: UInt8) -> Bool { (byte >= 0x20 && byte < 0x7f) || byte == 0x09 }
}

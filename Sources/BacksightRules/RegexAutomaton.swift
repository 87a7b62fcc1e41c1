import BacksightELF

/// A regular expression compiled once, at rule-compile time, to a deterministic automaton over
/// bytes: a search costs one table lookup per byte, never backtracks, allocates nothing and
/// needs no lock, so one value is shared by every scanning thread.
///
/// Only whether the text contains a match is computed (an unanchored search); `^` and `$`
/// anchor at the start and end of the text.
struct CompiledRegex: Sendable, CustomStringConvertible {
    static let maximumNFAStates = 20_000
    static let maximumDFAStates = 5_000

    /// The pattern as written, with its slashes and flags (`/^pam_/i`).
    let source: String
    private let byteClass: [Int32]
    private let classCount: Int32
    /// `transitions[state + class]` with states premultiplied by `classCount`.
    private let transitions: [Int32]
    private let startState: Int32
    /// Premultiplied: the absorbing state reached once a match is certain.
    private let acceptState: Int32
    /// Premultiplied: the state from which no match is possible; `acceptState` and `deadState`
    /// are the last two, so one comparison spots either.
    private let deadState: Int32
    /// Per state (not premultiplied): whether the text ending here matches (patterns with `$`).
    private let acceptsAtEnd: [Bool]
    /// The bytes a matching text can start with (all of them unless the pattern is anchored
    /// with `^`), so most names are rejected on their first byte without a call into the table.
    private let viableFirstBytes: ByteSet
    /// Byte strings every match contains, longest first (see `RegexNode.requiredRuns`).
    private let requiredRuns: [[UInt8]]
    /// The bytes every matching text starts with, for patterns anchored with `^`.
    private let anchoredPrefix: [UInt8]

    var description: String { source }

    /// Compiles `pattern`.
    init(pattern: String, caseInsensitive: Bool = false, source: String? = nil) throws(RegexError) {
        self.source = source ?? "/\(pattern)/\(caseInsensitive ? "i" : "")"
        let tree = try RegexParser.parse(pattern, caseInsensitive: caseInsensitive)
        requiredRuns = tree.requiredRuns.sorted { $0.count > $1.count }
        anchoredPrefix = tree.anchoredPrefix
        var nfa = NFA()
        let entry = try nfa.emit(tree, next: nfa.add(.match))
        let dfa = try DFABuilder(nfa: nfa, entry: entry).build()
        byteClass = dfa.byteClass
        classCount = dfa.classCount
        transitions = dfa.transitions
        startState = dfa.startState
        acceptState = dfa.acceptState
        deadState = dfa.deadState
        acceptsAtEnd = dfa.acceptsAtEnd
        var viable = ByteSet()
        for byte in 0...255 {
            let index = Int(dfa.startState) + Int(dfa.byteClass[byte])
            let next = dfa.startState >= dfa.acceptState ? dfa.startState : dfa.transitions[index]
            if next != dfa.deadState { viable.insert(UInt8(byte)) }
        }
        viableFirstBytes = viable
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

    /// Whether `text` contains a match.
    func matches(_ text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ matches(UnsafeRawBufferPointer($0)) }) {
            return found
        }
        var copy = text
        return copy.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    /// False when no text taken from `bytes` can match, because some byte string every match
    /// contains occurs nowhere in them; true when one might. With `isSeparator`, texts are the
    /// runs of `bytes` between separator bytes, so a pattern anchored with `^` can match only
    /// where its first bytes follow a separator or start `bytes`.
    func mayMatch(within bytes: UnsafeRawBufferPointer, separatedBy isSeparator: ((UInt8) -> Bool)? = nil) -> Bool {
        guard requiredRuns.allSatisfy({ firstOffset(of: $0, in: bytes) != nil }) else { return false }
        guard let isSeparator, !anchoredPrefix.isEmpty else { return true }
        return firstOffset(of: anchoredPrefix, in: bytes) { start in start == 0 || isSeparator(bytes[start - 1]) } != nil
    }

    /// Whether `bytes` contain a match.
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let first = bytes.first, !viableFirstBytes.contains(first) { return false }
        return transitions.withUnsafeBufferPointer { table in
            byteClass.withUnsafeBufferPointer { classes in
                var state = startState
                if state >= acceptState { return state == acceptState }
                for byte in bytes {
                    state = table[Int(state &+ classes[Int(byte)])]
                    if state >= acceptState { return state == acceptState }
                }
                return acceptsAtEnd[Int(state / classCount)]
            }
        }
    }
}

/// A Thompson automaton, built back to front: each node is emitted knowing the state that
/// follows it.
private struct NFA {
    enum State {
        case bytes(ByteSet, next: Int)
        case split(Int, Int)
        case jump(Int)
        case atStart(next: Int)
        case atEnd(next: Int)
        case match
    }

    var states: [State] = []

    mutating func add(_ state: State) -> Int {
        states.append(state)
        return states.count - 1
    }

    private mutating func checkedAdd(_ state: State) throws(RegexError) -> Int {
        guard states.count < CompiledRegex.maximumNFAStates else {
            throw RegexError(message: "regex is too large (more than \(CompiledRegex.maximumNFAStates) automaton states)")
        }
        return add(state)
    }

    /// Emits `node` so that, once it has matched, the automaton goes on at `next`; returns its entry.
    mutating func emit(_ node: RegexNode, next: Int) throws(RegexError) -> Int {
        switch node {
        case .bytes(let set):
            return try checkedAdd(.bytes(set, next: next))
        case .sequence(let items):
            var entry = next
            for item in items.reversed() { entry = try emit(item, next: entry) }
            return entry
        case .choice(let branches):
            guard let last = branches.last else { return next }
            var entry = try emit(last, next: next)
            for branch in branches.dropLast().reversed() {
                entry = try checkedAdd(.split(try emit(branch, next: next), entry))
            }
            return entry
        case .start:
            return try checkedAdd(.atStart(next: next))
        case .end:
            return try checkedAdd(.atEnd(next: next))
        case .repeated(let inner, let low, let high):
            var entry = next
            if let high {
                for _ in 0 ..< (high - low) {
                    entry = try checkedAdd(.split(try emit(inner, next: entry), next))
                }
            } else {
                let loop = try checkedAdd(.jump(next))
                let body = try emit(inner, next: loop)
                states[loop] = .split(body, next)
                entry = loop
            }
            for _ in 0 ..< low { entry = try emit(inner, next: entry) }
            return entry
        }
    }
}

/// Subset construction of an unanchored search automaton, over byte classes.
private struct DFABuilder {
    struct Result {
        var byteClass: [Int32]
        var classCount: Int32
        var transitions: [Int32]
        var startState: Int32
        var acceptState: Int32
        var deadState: Int32
        var acceptsAtEnd: [Bool]
    }

    let nfa: NFA
    let entry: Int

    /// The states reachable from `seeds` without reading a byte: byte-reading states and `$`
    /// assertions are kept (sorted), and whether `match` was reached.
    private func closure(_ seeds: [Int], atStart: Bool, atEnd: Bool) -> (states: [Int32], matched: Bool) {
        var seen = Set<Int>()
        var stack = seeds
        var kept: [Int32] = []
        var matched = false
        while let state = stack.popLast() {
            guard seen.insert(state).inserted else { continue }
            switch nfa.states[state] {
            case .bytes:
                kept.append(Int32(state))
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .jump(let next):
                stack.append(next)
            case .atStart(let next):
                if atStart { stack.append(next) }
            case .atEnd(let next):
                if atEnd { stack.append(next) } else { kept.append(Int32(state)) }
            case .match:
                matched = true
            }
        }
        return (kept.sorted(), matched)
    }

    func build() throws(RegexError) -> Result {
        // Byte classes: bytes that every byte set treats alike share a class.
        var sets: [ByteSet] = []
        var seenSets = Set<ByteSet>()
        for state in nfa.states {
            if case .bytes(let set, _) = state, seenSets.insert(set).inserted { sets.append(set) }
        }
        var classOfSignature: [[Bool]: Int32] = [:]
        var byteClass = [Int32](repeating: 0, count: 256)
        var representative: [UInt8] = []
        for byte in 0...255 {
            let signature = sets.map { $0.contains(UInt8(byte)) }
            if let known = classOfSignature[signature] {
                byteClass[byte] = known
            } else {
                let number = Int32(representative.count)
                classOfSignature[signature] = number
                byteClass[byte] = number
                representative.append(UInt8(byte))
            }
        }
        let width = representative.count

        // DFA states are keyed by their kept NFA states; the start state also by being at offset 0.
        let restart = closure([entry], atStart: false, atEnd: false)
        let initial = closure([entry], atStart: true, atEnd: false)
        var keys: [[Int32]] = []
        var isInitial: [Bool] = []
        var numberOfKey: [[Int32]: Int] = [:]
        var rows: [[Int]] = []
        let acceptMarker = -1
        let deadMarker = -2

        func stateNumber(for states: [Int32], matched: Bool) throws(RegexError) -> Int {
            if matched { return acceptMarker }
            if states.isEmpty { return deadMarker }
            if let known = numberOfKey[states] { return known }
            guard keys.count < CompiledRegex.maximumDFAStates else {
                throw RegexError(message: "regex is too complex (more than \(CompiledRegex.maximumDFAStates) automaton states)")
            }
            keys.append(states)
            isInitial.append(false)
            numberOfKey[states] = keys.count - 1
            return keys.count - 1
        }

        let start: Int
        if initial.matched {
            start = acceptMarker
        } else if initial.states.isEmpty {
            start = deadMarker
        } else {
            keys.append(initial.states)
            isInitial.append(true)
            start = 0
        }
        var cursor = 0
        while cursor < keys.count {
            let current = keys[cursor]
            var row: [Int] = []
            row.reserveCapacity(width)
            for symbol in 0 ..< width {
                let byte = representative[symbol]
                var targets: [Int] = []
                for state in current {
                    if case .bytes(let set, let next) = nfa.states[Int(state)], set.contains(byte) { targets.append(next) }
                }
                let moved = closure(targets, atStart: false, atEnd: false)
                let merged = Array(Set(moved.states).union(restart.states)).sorted()
                row.append(try stateNumber(for: merged, matched: moved.matched || restart.matched))
            }
            rows.append(row)
            cursor += 1
        }

        // Lay out: ordinary states, then accept, then dead; all premultiplied by the width.
        let ordinary = keys.count
        let accept = ordinary
        let dead = ordinary + 1
        func slot(_ number: Int) -> Int32 {
            let resolved = number == acceptMarker ? accept : (number == deadMarker ? dead : number)
            return Int32(resolved * width)
        }
        var transitions = [Int32](repeating: 0, count: (ordinary + 2) * width)
        for (number, row) in rows.enumerated() {
            for symbol in 0 ..< width { transitions[number * width + symbol] = slot(row[symbol]) }
        }
        for symbol in 0 ..< width {
            transitions[accept * width + symbol] = Int32(accept * width)
            transitions[dead * width + symbol] = Int32(dead * width)
        }
        var acceptsAtEnd = [Bool](repeating: false, count: ordinary + 2)
        for (number, key) in keys.enumerated() {
            let pending = key.compactMap { state -> Int? in
                if case .atEnd = nfa.states[Int(state)] { return Int(state) }
                return nil
            }
            if !pending.isEmpty {
                acceptsAtEnd[number] = closure(pending, atStart: isInitial[number], atEnd: true).matched
            }
        }
        acceptsAtEnd[accept] = true
        return Result(
            byteClass: byteClass, classCount: Int32(width), transitions: transitions,
            startState: slot(start), acceptState: Int32(accept * width), deadState: Int32(dead * width),
            acceptsAtEnd: acceptsAtEnd
        )
    }
}

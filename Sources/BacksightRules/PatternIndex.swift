import BacksightELF

/// Where one pattern matched: a file offset in the scanned buffer.
struct PatternHit: Sendable, Hashable, Comparable {
    var pattern: Int32
    var offset: UInt64

    static func < (lhs: PatternHit, rhs: PatternHit) -> Bool {
        (lhs.pattern, lhs.offset) < (rhs.pattern, rhs.offset)
    }
}

/// The verified hits of one buffer, sorted by pattern then offset.
struct PatternHits: Sendable {
    static let empty = PatternHits(sorted: [])

    /// Each pattern keeps at most this many hits; counts of more saturate here.
    static let limitPerPattern = 1000
    /// Positions each pattern with jumps may try per buffer while verifying (see `BytePattern.verify`).
    static let verificationBudget = 1 << 20

    private let hits: [PatternHit]

    init(sorted hits: [PatternHit]) { self.hits = hits }

    var isEmpty: Bool { hits.isEmpty }

    /// The patterns with at least one hit, ascending.
    var patterns: [Int] {
        var result: [Int] = []
        for hit in hits where result.last != Int(hit.pattern) { result.append(Int(hit.pattern)) }
        return result
    }

    /// The offsets where `pattern` matched, ascending.
    func offsets(of pattern: Int) -> [UInt64] {
        guard !hits.isEmpty else { return [] }
        let wanted = Int32(truncatingIfNeeded: pattern)
        var low = 0
        var high = hits.count
        while low < high {
            let middle = (low + high) / 2
            if hits[middle].pattern < wanted { low = middle + 1 } else { high = middle }
        }
        var result: [UInt64] = []
        var index = low
        while index < hits.count, hits[index].pattern == wanted {
            result.append(hits[index].offset)
            index += 1
        }
        return result
    }

    func contains(_ pattern: Int) -> Bool {
        !offsets(of: pattern).isEmpty
    }
}

/// One automaton and the patterns its atoms belong to.
final class PatternGroup: Sendable {
    let automaton: PatternAutomaton
    /// For atom `a`, the patterns using it are `atomPatterns[atomStart[a] ..< atomStart[a + 1]]`.
    private let atomStart: [Int32]
    private let atomPatterns: [Int32]

    /// Builds the automaton over the atoms of `members` (pattern numbers into `patterns`);
    /// patterns sharing an atom share one automaton entry.
    init(members: [Int], patterns: [PatternSpec]) {
        var atomNumber: [[UInt8]: Int] = [:]
        var atoms: [[UInt8]] = []
        var users: [[Int32]] = []
        for member in members {
            let atom = patterns[member].pattern.atom
            if let known = atomNumber[atom] {
                users[known].append(Int32(member))
            } else {
                atomNumber[atom] = atoms.count
                atoms.append(atom)
                users.append([Int32(member)])
            }
        }
        automaton = PatternAutomaton(atoms: atoms)
        var starts: [Int32] = []
        var flat: [Int32] = []
        for list in users {
            starts.append(Int32(flat.count))
            flat.append(contentsOf: list)
        }
        starts.append(Int32(flat.count))
        atomStart = starts
        atomPatterns = flat
    }

    /// Scans `bytes` (which start at file offset `base`) once, verifies each atom hit against
    /// its patterns and appends the matches to `hits`.
    func scan(_ bytes: UnsafeRawBufferPointer, base: UInt64, patterns: [PatternSpec],
              state: inout PatternScanState, hits: inout [PatternHit]) {
        automaton.scan(bytes) { atom, start in
            for slot in Int(atomStart[atom]) ..< Int(atomStart[atom + 1]) {
                let pattern = Int(atomPatterns[slot])
                if state.counts.isEmpty { state.start(patternCount: patterns.count) }
                guard state.counts[pattern] < PatternHits.limitPerPattern,
                      let matchStart = patterns[pattern].pattern.verify(in: bytes, atomStart: start, budget: &state.budgets[pattern])
                else { continue }
                state.counts[pattern] += 1
                hits.append(PatternHit(pattern: Int32(pattern), offset: base + UInt64(matchStart)))
            }
        }
    }
}

/// Per-buffer bookkeeping of one scan, allocated on the first atom hit only.
struct PatternScanState {
    /// Hits kept per pattern.
    var counts: [Int32] = []
    /// Verification work left per pattern.
    var budgets: [Int] = []

    mutating func start(patternCount: Int) {
        counts = [Int32](repeating: 0, count: patternCount)
        budgets = [Int](repeating: PatternHits.verificationBudget, count: patternCount)
    }
}

/// Every literal pattern a rule set searches for, grouped so that one automaton pass per
/// buffer finds them all: one group for whole-buffer patterns and one per section name for
/// section-limited ones.
struct PatternIndex: Sendable {
    let patterns: [PatternSpec]
    let whole: PatternGroup?
    let bySection: [(name: String, group: PatternGroup)]

    var isEmpty: Bool { whole == nil && bySection.isEmpty }

    /// Indexes the patterns numbered in `members` (numbers into `patterns`).
    init(members: [Int], patterns: [PatternSpec]) {
        self.patterns = patterns
        let unlimited = members.filter { patterns[$0].section == nil }
        whole = unlimited.isEmpty ? nil : PatternGroup(members: unlimited, patterns: patterns)
        var sections: [String: [Int]] = [:]
        for member in members {
            if let section = patterns[member].section { sections[section, default: []].append(member) }
        }
        bySection = sections.keys.sorted().map { ($0, PatternGroup(members: sections[$0] ?? [], patterns: patterns)) }
    }

    /// Finds every pattern in `bytes`: whole-buffer patterns in one pass over all bytes, each
    /// section group in one pass over the file bytes of the sections with that name.
    func scan(_ bytes: UnsafeRawBufferPointer, elf: ELFModel?) -> PatternHits {
        var state = PatternScanState()
        var hits: [PatternHit] = []
        whole?.scan(bytes, base: 0, patterns: patterns, state: &state, hits: &hits)
        if let elf, !bySection.isEmpty {
            for (name, group) in bySection {
                for section in elf.sections where section.name == name && section.hasFileBytes && section.size > 0 {
                    guard let start = Int(exactly: section.offset), start < bytes.count else { continue }
                    let length = Int(exactly: section.size).map { min($0, bytes.count - start) } ?? (bytes.count - start)
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[start ..< start + length])
                    group.scan(slice, base: section.offset, patterns: patterns, state: &state, hits: &hits)
                }
            }
        }
        guard !hits.isEmpty else { return .empty }
        hits.sort()
        var unique: [PatternHit] = []
        unique.reserveCapacity(hits.count)
        for hit in hits where unique.last != hit { unique.append(hit) }
        return PatternHits(sorted: unique)
    }
}

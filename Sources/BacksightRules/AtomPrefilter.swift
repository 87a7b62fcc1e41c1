import CAtomPrefilter
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A vector prefilter for a few dozen atoms (the "Teddy" idea of Hyperscan): the atoms are
/// sorted into eight buckets, and the processor's byte shuffle looks up the nibbles of the first
/// one to three bytes of many positions at once. The few positions that pass are compared with
/// the atoms of their buckets. On a buffer that matches no atom it reads each byte a couple of
/// times with vector instructions, instead of one dependent table load per byte.
struct AtomPrefilter: Sendable {
    static let maximumAtoms = 48
    static let bucketCount = 8
    /// When candidates come more often than one in this many bytes, after the first
    /// `trialBytes`, the automaton is the cheaper search for the rest of a buffer (every
    /// candidate costs a comparison).
    static let candidateSpacing = 8
    static let trialBytes = 16384

    /// Whether this processor has the vector byte shuffle the prefilter needs (SSSE3 or NEON).
    static var isAvailable: Bool { bs_atom_prefilter_level() > 0 }
    /// The vector units this processor offers, narrowest first, each with the number
    /// ``init(atoms:level:)`` takes; 0 is the byte-at-a-time search.
    static var levels: ClosedRange<Int32> { 0 ... bs_atom_prefilter_level() }

    private let fingerprints: bs_atom_fingerprints
    /// The vector unit the search uses (``bs_atom_prefilter_level()`` unless a test asks for less).
    private let level: Int32
    /// The atoms one after another; atom `n` is `atomBytes[atomStart[n] ..< atomStart[n + 1]]`.
    private let atomBytes: [UInt8]
    private let atomStart: [Int]
    /// The atoms of bucket `b` are `bucketAtoms[bucketStart[b] ..< bucketStart[b + 1]]`.
    private let bucketStart: [Int]
    private let bucketAtoms: [Int]

    /// Nil when the processor has no vector shuffle, or the atoms are too many or one is empty.
    /// `level` picks a narrower vector unit than the best (tests run every path with it).
    init?(atoms: [[UInt8]], level: Int32 = bs_atom_prefilter_level()) {
        self.level = level
        guard Self.isAvailable, !atoms.isEmpty, atoms.count <= Self.maximumAtoms,
              let shortest = atoms.map(\.count).min(), shortest >= 1 else { return nil }
        let width = min(3, shortest)
        // Atoms with like fingerprints share a bucket, so that their nibbles add few false ones.
        let order = atoms.indices.sorted { atoms[$0].prefix(width).lexicographicallyPrecedes(atoms[$1].prefix(width)) }
        var buckets = [[Int]](repeating: [], count: Self.bucketCount)
        for (rank, atom) in order.enumerated() {
            buckets[rank * Self.bucketCount / order.count].append(atom)
        }
        var low = [[UInt8]](repeating: [UInt8](repeating: 0, count: 16), count: 3)
        var high = low
        for (bucket, members) in buckets.enumerated() {
            for atom in members {
                for position in 0 ..< width {
                    let byte = atoms[atom][position]
                    low[position][Int(byte & 15)] |= 1 << UInt8(bucket)
                    high[position][Int(byte >> 4)] |= 1 << UInt8(bucket)
                }
            }
        }
        var table = bs_atom_fingerprints()
        table.width = Int32(width)
        withUnsafeMutableBytes(of: &table.low) { raw in
            for position in 0 ..< 3 { raw.baseAddress?.advanced(by: position * 16).copyMemory(from: low[position], byteCount: 16) }
        }
        withUnsafeMutableBytes(of: &table.high) { raw in
            for position in 0 ..< 3 { raw.baseAddress?.advanced(by: position * 16).copyMemory(from: high[position], byteCount: 16) }
        }
        fingerprints = table
        (atomBytes, atomStart) = Self.flatten(atoms)
        (bucketAtoms, bucketStart) = Self.flatten(buckets)
    }

    /// The lists one after another, and where each starts (list `n` is
    /// `flat[starts[n] ..< starts[n + 1]]`).
    private static func flatten<Element>(_ lists: [[Element]]) -> (flat: [Element], starts: [Int]) {
        var flat: [Element] = []
        var starts: [Int] = []
        for list in lists {
            starts.append(flat.count)
            flat += list
        }
        starts.append(flat.count)
        return (flat, starts)
    }

    /// Calls `onHit(atom, start)` for every occurrence of every atom that starts before the
    /// returned position, in ascending order of start. The search stops early, returning where,
    /// when candidates come too thick for comparing them to pay; the caller finishes from there
    /// with a search that finds atoms starting at or after that position. Returns `bytes.count`
    /// when the whole buffer was searched.
    func scan(_ bytes: UnsafeRawBufferPointer, _ onHit: (_ atom: Int, _ start: Int) -> Void) -> Int {
        let count = bytes.count
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return count }
        let capacity = 512
        var positions = [Int](repeating: 0, count: capacity)
        var buckets = [UInt8](repeating: 0, count: capacity)
        var filter = fingerprints
        var from = 0
        return atomBytes.withUnsafeBytes { atomBytes -> Int in
            guard let atomBase = atomBytes.baseAddress else { return count }
            var candidates = 0
            while from < count {
                var resume = count
                let found = bs_atom_candidates(&filter, level, base, count, from, &positions, &buckets, capacity, &resume)
                for index in 0 ..< found {
                    let start = positions[index]
                    var bits = buckets[index]
                    while bits != 0 {
                        let bucket = bits.trailingZeroBitCount
                        bits &= bits &- 1
                        for slot in bucketStart[bucket] ..< bucketStart[bucket + 1] {
                            let atom = bucketAtoms[slot]
                            let atomOffset = atomStart[atom]
                            let length = atomStart[atom + 1] - atomOffset
                            if length <= count - start, memcmp(base + start, atomBase + atomOffset, length) == 0 {
                                onHit(atom, start)
                            }
                        }
                    }
                }
                candidates += found
                from = resume
                if from < count, from >= Self.trialBytes, candidates > from / Self.candidateSpacing { return from }
            }
            return count
        }
    }
}

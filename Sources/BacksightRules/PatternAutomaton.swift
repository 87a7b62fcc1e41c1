/// An Aho–Corasick automaton over a set of literal atoms, compiled to a dense table so a scan
/// costs one class lookup and one transition per byte however many atoms there are.
///
/// Bytes that occur in no atom share one class, which keeps the table narrow for text atoms.
/// States are numbered so that every state where some atom ends comes last: the scan loop
/// needs a single comparison per byte to know whether anything ended here. Up to a few dozen
/// atoms, a vector prefilter (`AtomPrefilter`) searches instead where the processor has one.
final class PatternAutomaton: Sendable {
    /// The class of each byte value.
    private let byteClass: [Int32]
    private let classCount: Int
    /// `transitions[state * classCount + class]`, with states stored premultiplied by `classCount`.
    private let transitions: [Int32]
    /// Premultiplied: states at or above this one end at least one atom.
    private let firstOutputState: Int32
    /// The atoms ending in state `s` are `outputAtoms[outputStart[s] ..< outputStart[s + 1]]`.
    private let outputStart: [Int32]
    private let outputAtoms: [Int32]
    /// The length of each atom, by atom number.
    let atomLengths: [Int]
    private let longestAtom: Int

    /// For up to a few dozen atoms, a vector prefilter that proposes the few positions where an
    /// atom may start, when the processor has one.
    private let prefilter: AtomPrefilter?
    /// For up to ``maximumGroups`` times as many, the atoms in groups of that size, each searched
    /// by an automaton (and prefilter) of its own: a few vector passes cost less than one walk
    /// of the table. Empty otherwise.
    private let groups: [Group]
    static let maximumGroups = 8

    private struct Group: Sendable {
        let automaton: PatternAutomaton
        /// The group's atom numbers in the whole set.
        let atoms: [Int]
    }

    /// The number of states, for tests and diagnostics.
    var stateCount: Int { classCount == 0 ? 0 : transitions.count / classCount }

    /// Builds the automaton; atom numbers are indexes into `atoms`. Empty atoms are ignored.
    init(atoms: [[UInt8]]) {
        atomLengths = atoms.map(\.count)
        longestAtom = atomLengths.max() ?? 0
        prefilter = AtomPrefilter(atoms: atoms)
        groups = prefilter == nil ? Self.groups(of: atoms) : []

        // Byte classes: class 0 for bytes in no atom, one class for each byte that is in one.
        var classes = [Int32](repeating: 0, count: 256)
        var used = [Bool](repeating: false, count: 256)
        for atom in atoms { for byte in atom { used[Int(byte)] = true } }
        var nextClass: Int32 = 1
        for byte in 0..<256 where used[byte] {
            classes[byte] = nextClass
            nextClass += 1
        }
        let width = Int(nextClass)
        byteClass = classes
        classCount = width

        // The trie, with each atom's number on the state where it ends.
        var children: [[Int32: Int32]] = [[:]]
        var ends: [[Int32]] = [[]]
        for (number, atom) in atoms.enumerated() where !atom.isEmpty {
            var state = 0
            for byte in atom {
                let symbol = classes[Int(byte)]
                if let child = children[state][symbol] {
                    state = Int(child)
                } else {
                    children.append([:])
                    ends.append([])
                    let child = Int32(children.count - 1)
                    children[state][symbol] = child
                    state = Int(child)
                }
            }
            ends[state].append(Int32(number))
        }

        // Breadth-first: failure links, full transitions, and outputs inherited along failures.
        let count = children.count
        var delta = [Int32](repeating: 0, count: count * width)
        var failure = [Int32](repeating: 0, count: count)
        var outputs = ends
        var order: [Int] = [0]
        var head = 0
        for symbol in 0..<width {
            if let child = children[0][Int32(symbol)] {
                delta[symbol] = child
                failure[Int(child)] = 0
                order.append(Int(child))
            }
        }
        head = 1
        while head < order.count {
            let state = order[head]
            head += 1
            let fallback = Int(failure[state])
            outputs[state].append(contentsOf: outputs[fallback])
            for symbol in 0..<width {
                if let child = children[state][Int32(symbol)] {
                    delta[state * width + symbol] = child
                    failure[Int(child)] = delta[fallback * width + symbol]
                    order.append(Int(child))
                } else {
                    delta[state * width + symbol] = delta[fallback * width + symbol]
                }
            }
        }

        // Renumber: states without outputs first (the root stays 0), then states with outputs.
        let silent = order.filter { outputs[$0].isEmpty }
        let loud = order.filter { !outputs[$0].isEmpty }
        var newNumber = [Int](repeating: 0, count: count)
        for (index, state) in (silent + loud).enumerated() { newNumber[state] = index }
        var table = [Int32](repeating: 0, count: count * width)
        var starts: [Int32] = []
        var atomsOut: [Int32] = []
        starts.reserveCapacity(count + 1)
        for state in silent + loud {
            let row = newNumber[state] * width
            for symbol in 0..<width {
                table[row + symbol] = Int32(newNumber[Int(delta[state * width + symbol])] * width)
            }
            starts.append(Int32(atomsOut.count))
            atomsOut.append(contentsOf: outputs[state])
        }
        starts.append(Int32(atomsOut.count))
        transitions = table
        firstOutputState = Int32(silent.count * width)
        outputStart = starts
        outputAtoms = atomsOut
    }

    /// Calls `onHit(atom, start)` for every occurrence of every atom in `bytes`, overlapping
    /// ones included. Hits come in no particular order.
    ///
    /// A scan is bound by the latency of one table load per byte, so large buffers are cut into
    /// four lanes walked side by side (independent load chains the processor overlaps). Each
    /// lane after the first starts `longest atom - 1` bytes early from the root state and reports
    /// only atoms ending inside its own part, so every occurrence is reported exactly once.
    func scan(_ bytes: UnsafeRawBufferPointer, _ onHit: (_ atom: Int, _ start: Int) -> Void) {
        guard !bytes.isEmpty, !outputAtoms.isEmpty else { return }
        for group in groups {
            group.automaton.scan(bytes) { atom, start in onHit(group.atoms[atom], start) }
        }
        if !groups.isEmpty { return }
        if let prefilter {
            let stop = prefilter.scan(bytes, onHit)
            guard stop < bytes.count else { return }
            // Candidates came too thick: the automaton, from the root, finds the atoms that
            // start at or after where the prefilter stopped.
            scanWithTable(UnsafeRawBufferPointer(rebasing: bytes[stop...])) { atom, start in onHit(atom, stop + start) }
            return
        }
        scanWithTable(bytes, onHit)
    }

    /// Atoms too many for one prefilter and few enough for a handful, in groups of like first
    /// bytes (they share the prefilter's buckets best); none otherwise.
    private static func groups(of atoms: [[UInt8]]) -> [Group] {
        let size = AtomPrefilter.maximumAtoms
        guard AtomPrefilter.isAvailable, atoms.count > size, atoms.count <= size * maximumGroups, !atoms.contains(where: \.isEmpty) else { return [] }
        let order = atoms.indices.sorted { atoms[$0].lexicographicallyPrecedes(atoms[$1]) }
        let count = (order.count + size - 1) / size
        return (0 ..< count).map { group in
            let members = Array(order[group * order.count / count ..< (group + 1) * order.count / count])
            return Group(automaton: PatternAutomaton(atoms: members.map { atoms[$0] }), atoms: members)
        }
    }

    /// The automaton's own search: one transition per byte, in four lanes on large buffers.
    func scanWithTable(_ bytes: UnsafeRawBufferPointer, _ onHit: (_ atom: Int, _ start: Int) -> Void) {
        let count = bytes.count
        let overlap = max(0, longestAtom - 1)
        let lanes = 4
        let part = count / lanes
        guard part >= 1024, part > overlap else {
            walk(bytes, from: 0, to: count, reportFrom: 0, state: 0, onHit)
            return
        }
        transitions.withUnsafeBufferPointer { table in
            byteClass.withUnsafeBufferPointer { classes in
                let threshold = firstOutputState
                // Lane k covers ends in [k * part, (k + 1) * part) (the last lane up to count) and
                // starts reading at k * part - overlap.
                let start1 = part - overlap, start2 = 2 * part - overlap, start3 = 3 * part - overlap
                var state0: Int32 = 0, state1: Int32 = 0, state2: Int32 = 0, state3: Int32 = 0
                // Lane 0 reads [0, part); lanes 1...3 read [k*part - overlap, (k+1)*part), part +
                // overlap bytes. Walk the first `part` steps of every lane together.
                let steps = part
                for step in 0 ..< steps {
                    state0 = table[Int(state0 &+ classes[Int(bytes[step])])]
                    state1 = table[Int(state1 &+ classes[Int(bytes[start1 + step])])]
                    state2 = table[Int(state2 &+ classes[Int(bytes[start2 + step])])]
                    state3 = table[Int(state3 &+ classes[Int(bytes[start3 + step])])]
                    if max(max(state0, state1), max(state2, state3)) >= threshold {
                        if state0 >= threshold { report(state0, end: step, reportFrom: 0, onHit) }
                        if state1 >= threshold { report(state1, end: start1 + step, reportFrom: part, onHit) }
                        if state2 >= threshold { report(state2, end: start2 + step, reportFrom: 2 * part, onHit) }
                        if state3 >= threshold { report(state3, end: start3 + step, reportFrom: 3 * part, onHit) }
                    }
                }
                // Finish lanes 1...3 on their own: each has `overlap` bytes left, the last lane
                // also the remainder of the division.
                walk(bytes, from: start1 + steps, to: 2 * part, reportFrom: part, state: state1, onHit)
                walk(bytes, from: start2 + steps, to: 3 * part, reportFrom: 2 * part, state: state2, onHit)
                walk(bytes, from: start3 + steps, to: count, reportFrom: 3 * part, state: state3, onHit)
            }
        }
    }

    /// One lane on its own: reads `from ..< to` starting in `state`, reports atoms ending at or
    /// after `reportFrom`.
    private func walk(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, reportFrom: Int, state initial: Int32,
                      _ onHit: (_ atom: Int, _ start: Int) -> Void) {
        guard from < to else { return }
        transitions.withUnsafeBufferPointer { table in
            byteClass.withUnsafeBufferPointer { classes in
                let threshold = firstOutputState
                var state = initial
                for position in from ..< to {
                    state = table[Int(state &+ classes[Int(bytes[position])])]
                    if state >= threshold { report(state, end: position, reportFrom: reportFrom, onHit) }
                }
            }
        }
    }

    /// Reports the atoms that end in `state` at byte `end`, if `end` is at or after `reportFrom`.
    @inline(never)
    private func report(_ state: Int32, end: Int, reportFrom: Int, _ onHit: (_ atom: Int, _ start: Int) -> Void) {
        guard end >= reportFrom else { return }
        let number = Int(state) / classCount
        for slot in Int(outputStart[number]) ..< Int(outputStart[number + 1]) {
            let atom = Int(outputAtoms[slot])
            onHit(atom, end + 1 - atomLengths[atom])
        }
    }
}

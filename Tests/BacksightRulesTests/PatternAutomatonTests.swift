import XCTest
@testable import BacksightRules

/// The Aho–Corasick automaton against a naive search, and many rules served by one pass.
final class PatternAutomatonTests: XCTestCase {
    private func naiveOccurrences(of atom: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard !atom.isEmpty, atom.count <= bytes.count else { return [] }
        return (0...(bytes.count - atom.count)).filter { Array(bytes[$0 ..< $0 + atom.count]) == atom }
    }

    /// Checks that `search` over `haystack` reports, for every atom, exactly the starts a naive
    /// search finds (in any order).
    private func assertAgreesWithNaiveSearch(_ atoms: [[UInt8]], _ haystack: [UInt8], _ label: String,
                                             file: StaticString = #filePath, line: UInt = #line,
                                             search: (UnsafeRawBufferPointer, (_ atom: Int, _ start: Int) -> Void) -> Void) {
        var found: [[Int]] = Array(repeating: [], count: atoms.count)
        haystack.withUnsafeBytes { buffer in search(buffer) { atom, start in found[atom].append(start) } }
        for (number, atom) in atoms.enumerated() {
            XCTAssertEqual(found[number].sorted(), naiveOccurrences(of: atom, in: haystack), "\(label), atom \(number)", file: file, line: line)
        }
    }

    func testAgreesWithNaiveSearchOnRandomData() {
        var random = SeededBytes(seed: 42)
        // A small alphabet makes overlaps, shared prefixes and suffix-of-another atoms common.
        let alphabet: [UInt8] = [0x61, 0x62, 0x63, 0x00]
        let atoms = (0..<40).map { index in random.bytes(2 + index % 5, alphabet: alphabet) } + [[0x61, 0x61], [0x61, 0x61, 0x61]]
        let haystack = random.bytes(5000, alphabet: alphabet)
        let automaton = PatternAutomaton(atoms: atoms)
        assertAgreesWithNaiveSearch(atoms, haystack, "scan") { automaton.scan($0, $1) }
        assertAgreesWithNaiveSearch(atoms, haystack, "table") { automaton.scanWithTable($0, $1) }
    }

    /// Up to a few dozen atoms take the vector prefilter; it must report exactly what a naive
    /// search finds, overlaps, atoms that start or end another, one-byte atoms, and matches at
    /// both ends of buffers around the vector widths included.
    func testPrefilterAgreesWithNaiveSearch() throws {
        try XCTSkipIf(!AtomPrefilter.isAvailable, "this processor has no vector byte shuffle: the automaton searches alone")
        var random = SeededBytes(seed: 7)
        let alphabet: [UInt8] = [0x61, 0x62, 0x63, 0xe1]
        // Every vector unit of this processor, and the byte-at-a-time search, on every round.
        for round in 0..<(90 * AtomPrefilter.levels.count) {
            let level = AtomPrefilter.levels.lowerBound + Int32(round % AtomPrefilter.levels.count)
            var atoms = (0..<(1 + round % AtomPrefilter.maximumAtoms)).map { index in random.bytes(1 + (index + round) % 9, alphabet: alphabet) }
            if round % 3 == 0, let first = atoms.first { atoms.append(first + [0x61]) }  // one atom starts another
            if round % 5 == 0, let first = atoms.first { atoms.append([0x62] + first) }  // one atom ends another
            atoms = Array(atoms.prefix(AtomPrefilter.maximumAtoms))
            let prefilter = try XCTUnwrap(AtomPrefilter(atoms: atoms, level: level))
            var haystack = random.bytes([0, 1, 2, 3, 31, 32, 33, 47, 64, 300, 5000][round % 11], alphabet: alphabet)
            if haystack.count > 20, let atom = atoms.last {
                haystack.replaceSubrange(0 ..< atom.count, with: atom)
                haystack.replaceSubrange(haystack.count - atom.count ..< haystack.count, with: atom)
            }
            var found: [[Int]] = Array(repeating: [], count: atoms.count)
            let stop = haystack.withUnsafeBytes { buffer in
                prefilter.scan(buffer) { atom, start in found[atom].append(start) }
            }
            XCTAssertEqual(stop, haystack.count, "buffers shorter than the trial are searched to the end")
            for (number, atom) in atoms.enumerated() {
                XCTAssertEqual(found[number], naiveOccurrences(of: atom, in: haystack), "round \(round), level \(level), atom \(atom)")
            }
        }
        XCTAssertNil(AtomPrefilter(atoms: Array(repeating: [1, 2, 3, 4], count: AtomPrefilter.maximumAtoms + 1)))
        XCTAssertNil(AtomPrefilter(atoms: [[1, 2], []]), "an empty atom keeps the automaton")
    }

    /// Where nearly every position is a candidate the prefilter gives up after its trial and the
    /// automaton finishes the buffer: together they still find every occurrence exactly once.
    func testDenseCandidatesHandOverToTheTable() throws {
        try XCTSkipIf(!AtomPrefilter.isAvailable, "this processor has no vector byte shuffle: the automaton searches alone")
        let atoms: [[UInt8]] = [Array("ab".utf8), Array("bab".utf8), Array("abc".utf8)]
        var haystack: [UInt8] = []
        while haystack.count < 100_000 { haystack += Array("ab".utf8) }
        haystack += Array("abc".utf8)
        let prefilter = try XCTUnwrap(AtomPrefilter(atoms: atoms))
        let stop = haystack.withUnsafeBytes { prefilter.scan($0) { _, _ in } }
        XCTAssertGreaterThanOrEqual(stop, AtomPrefilter.trialBytes)
        XCTAssertLessThan(stop, haystack.count, "the prefilter stops where candidates are this thick")
        let automaton = PatternAutomaton(atoms: atoms)
        assertAgreesWithNaiveSearch(atoms, haystack, "handed over") { automaton.scan($0, $1) }
    }

    /// More atoms than one prefilter takes are searched in groups, each with its own prefilter
    /// and table: together they report exactly what a naive search finds, on text-like bytes
    /// where the prefilters stay and on a small alphabet where they hand over to their tables.
    func testGroupsOfAtomsAgreeWithNaiveSearch() {
        var random = SeededBytes(seed: 11)
        for alphabet in [Array("abcdefghijklmnopqrstuvwxyz0123456789_ ".utf8), [0x61, 0x62, 0x63, 0x00]] {
            let atoms = (0..<150).map { index in random.bytes(2 + index % 6, alphabet: alphabet) }
            var haystack = random.bytes(40_000, alphabet: alphabet)
            for (index, atom) in atoms.enumerated() where index % 7 == 0 {
                let at = (index * 263) % (haystack.count - atom.count)
                haystack.replaceSubrange(at ..< at + atom.count, with: atom)
            }
            let automaton = PatternAutomaton(atoms: atoms)
            assertAgreesWithNaiveSearch(atoms, haystack, "groups, alphabet of \(alphabet.count)") { automaton.scan($0, $1) }
        }
    }

    /// Large buffers are walked in four interleaved lanes; occurrences that straddle a lane
    /// boundary must be reported exactly once.
    func testLaneBoundariesLoseAndDuplicateNothing() {
        var random = SeededBytes(seed: 99)
        let alphabet: [UInt8] = [0x30, 0x31]
        let atoms = [random.bytes(9, alphabet: alphabet), random.bytes(5, alphabet: alphabet), [0x30, 0x31], random.bytes(16, alphabet: alphabet)]
        for size in [4096, 4097, 4099, 40_003] {
            let haystack = random.bytes(size, alphabet: alphabet)
            let automaton = PatternAutomaton(atoms: atoms)
            assertAgreesWithNaiveSearch(atoms, haystack, "size \(size)") { automaton.scanWithTable($0, $1) }
        }
    }

    func testAtomSharedByTwoPatternsAndSuffixAtoms() {
        let automaton = PatternAutomaton(atoms: [[0x62, 0x63], [0x61, 0x62, 0x63], [0x63]])
        var hits: [String] = []
        Array("xabcx".utf8).withUnsafeBytes { buffer in
            automaton.scan(buffer) { atom, start in hits.append("\(atom)@\(start)") }
        }
        XCTAssertEqual(hits.sorted(), ["0@2", "1@1", "2@3"])
    }

    func testEmptyAutomatonAndEmptyBuffer() {
        let empty = PatternAutomaton(atoms: [])
        var calls = 0
        [UInt8](repeating: 0x41, count: 64).withUnsafeBytes { empty.scan($0) { _, _ in calls += 1 } }
        XCTAssertEqual(calls, 0)
        let automaton = PatternAutomaton(atoms: [[0x41, 0x42]])
        [UInt8]().withUnsafeBytes { automaton.scan($0) { _, _ in calls += 1 } }
        XCTAssertEqual(calls, 0)
    }

    /// 200 rules, each with its own pattern planted once in a random buffer: all found, by one
    /// automaton over every atom (one pass), each at the offset where it was planted.
    func testTwoHundredRulesAreAllFoundInOnePass() throws {
        var random = SeededBytes(seed: 7)
        var files: [(String, String)] = []
        var planted: [(id: String, bytes: [UInt8])] = []
        for number in 1...200 {
            var pattern = random.bytes(8)
            pattern[0] = UInt8(number % 200 + 1)
            pattern[1] = 0xa5
            let id = String(format: "bench/pattern-%03d", number)
            var hex = pattern.map { String(format: "%02x", $0) }
            if number % 3 == 0 { hex[4] = "??" }
            files.append(("pattern-\(number).yaml", ruleYAML(id: id, severity: "info", condition: "bytes: \"\(hex.joined(separator: " "))\"")))
            planted.append((id, pattern))
        }
        let ruleSet = try compileRules(files)
        XCTAssertEqual(ruleSet.rules.count, 200)
        XCTAssertNotNil(ruleSet.program.subjectPatterns.whole)
        XCTAssertTrue(ruleSet.program.subjectPatterns.bySection.isEmpty, "no section groups: one automaton for everything")
        XCTAssertTrue(ruleSet.program.untriggered.isEmpty, "every rule waits for its pattern")

        // Plant every pattern at a known offset, separated by 0xff filler.
        var buffer: [UInt8] = []
        var offsets: [String: UInt64] = [:]
        for entry in planted {
            buffer.append(contentsOf: [UInt8](repeating: 0xff, count: 13))
            offsets[entry.id] = UInt64(buffer.count)
            buffer.append(contentsOf: entry.bytes)
        }
        let found = findings(ruleSet, bytes: buffer)
        XCTAssertEqual(Set(found.map(\.ruleID)), Set(planted.map(\.id)))
        for finding in found {
            XCTAssertTrue(finding.evidence.contains { $0.location?.offset == offsets[finding.ruleID] }, finding.ruleID)
        }
        // And none of them in filler alone.
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [UInt8](repeating: 0xff, count: 4096)), [])
    }
}

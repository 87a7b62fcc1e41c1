/// A word found in a data section stored XOR-ed with a short repeating key.
public struct XORHiddenString: Sendable, Hashable, Codable {
    /// The section holding the encoded bytes.
    public var section: String
    /// The file offset of the word's first encoded byte.
    public var offset: UInt64
    /// The key, starting with the byte applied at `offset` (1 to 4 bytes).
    public var key: [UInt8]
    /// The word that was searched for and found.
    public var word: String
    /// The printable run around the word, decoded with the same key (at most 96 bytes).
    public var decoded: String

    public init(section: String, offset: UInt64, key: [UInt8], word: String, decoded: String) {
        self.section = section
        self.offset = offset
        self.key = key
        self.word = word
        self.decoded = decoded
    }

    /// The key as hex bytes: `0x42` or `0x13 0x37`.
    public var keyDescription: String {
        key.map { byte in "0x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16) }.joined(separator: " ")
    }
}

/// Finds words stored XOR-ed with a 1-byte key, or a 2- to 4-byte repeating key, in the
/// read-only and writable data sections of an ELF file.
///
/// XOR with a repeating key of length `k` leaves `b[i] ^ b[i + k]` unchanged, so the search runs
/// over that difference stream: one pass per key length, a 4-byte window compared against the
/// words' own differences, and a full check (which yields the key) only where the window fits.
/// Plain text (key 0, or a key that only changes the case of letters) is never reported. The
/// cost is linear in the section bytes and bounded by `byteBudget`.
public enum XORHiddenStrings {
    /// Words that hooking libraries and rootkits hide: paths they read or filter, the loader
    /// files they use, and the names of the functions they look up with `dlsym`.
    public static let defaultWords: [String] = [
        "/proc", "ld.so.preload", "libc.so", "LD_PRELOAD", "readdir", "getdents", "opendir", "cmdline",
        "/etc/", "/dev/", "/tmp/", "/bin/sh", "fopen", "accept", "dlsym", "passwd", "shadow",
        "pam_sm_", "pam_authenticate", "libpam", "sys_call_table",
    ]

    /// Searches the data sections of `model` (over `bytes`, the file it was built from).
    ///
    /// - Parameters:
    ///   - words: the words to look for; words too short for a key length (fewer than key
    ///     length + 4 bytes) are only looked for with shorter keys.
    ///   - maximumKeyLength: the longest repeating key tried (1 to 4).
    ///   - byteBudget: how many section bytes are searched at most.
    ///   - limit: how many words are reported at most.
    public static func find(in bytes: UnsafeRawBufferPointer, model: ELFModel, words: [String] = defaultWords,
                            maximumKeyLength: Int = 4, byteBudget: Int = 16 << 20, limit: Int = 64) -> [XORHiddenString] {
        let regions = dataRegions(of: model, fileSize: bytes.count, byteBudget: byteBudget)
        guard !regions.isEmpty else { return [] }
        let encodedWords = words.map { Array($0.utf8) }
        var found: [XORHiddenString] = []
        var seen = Set<FoundKey>()
        for keyLength in 1...max(1, min(4, maximumKeyLength)) {
            let table = WindowTable(words: encodedWords, keyLength: keyLength)
            guard !table.isEmpty else { continue }
            for region in regions {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[region.range])
                search(slice, region: region, keyLength: keyLength, table: table, words: encodedWords) { hit in
                    if found.count < limit, seen.insert(FoundKey(offset: hit.offset, word: hit.word)).inserted {
                        found.append(hit)
                    }
                }
                if found.count >= limit { return found }
            }
        }
        return found
    }

    /// A section's bytes to search.
    struct Region {
        var name: String
        var range: Range<Int>
        var fileOffset: UInt64
    }

    private struct FoundKey: Hashable {
        var offset: UInt64
        var word: String
    }

    /// Sections that hold program data: allocated, not executable, with bytes in the file, and
    /// not one of the loader's or unwinder's own tables.
    static func dataRegions(of model: ELFModel, fileSize: Int, byteBudget: Int) -> [Region] {
        let tables: Set<String> = [".eh_frame", ".eh_frame_hdr", ".gcc_except_table", ".got", ".got.plt", ".interp"]
        var regions: [Region] = []
        var budget = byteBudget
        for section in model.sections where section.typeNumber == 1 && section.isAllocated && !section.isExecutable {
            guard !tables.contains(section.name), !section.name.hasPrefix(".note"), budget > 0,
                  let start = Int(exactly: section.offset), let size = Int(exactly: section.size), size > 0 else { continue }
            let (end, overflow) = start.addingReportingOverflow(min(size, budget))
            guard !overflow, start < fileSize else { continue }
            let clipped = min(end, fileSize)
            regions.append(Region(name: section.name, range: start..<clipped, fileOffset: section.offset))
            budget -= clipped - start
        }
        return regions
    }

    /// The first four difference bytes of every word long enough for one key length.
    struct WindowTable {
        var keyLength: Int
        /// Word indexes by their first difference window.
        var wordsByWindow: [UInt32: [Int]] = [:]
        /// A filter over the low 16 bits of the windows, to skip the dictionary almost always.
        var filter = [Bool](repeating: false, count: 1 << 16)

        init(words: [[UInt8]], keyLength: Int) {
            self.keyLength = keyLength
            for (index, word) in words.enumerated() where word.count >= keyLength + 4 {
                var window: UInt32 = 0
                for position in 0..<4 { window |= UInt32(word[position] ^ word[position + keyLength]) << (8 * position) }
                guard window != 0 else { continue }
                wordsByWindow[window, default: []].append(index)
                filter[Int(window & 0xffff)] = true
            }
        }

        var isEmpty: Bool { wordsByWindow.isEmpty }
    }

    private static func search(_ data: UnsafeRawBufferPointer, region: Region, keyLength: Int, table: WindowTable,
                               words: [[UInt8]], report: (XORHiddenString) -> Void) {
        let count = data.count
        guard count >= keyLength + 4 else { return }
        var window: UInt32 = 0
        // window holds the differences d[p ..< p+4], d[i] = data[i] ^ data[i + keyLength].
        for index in 0..<(count - keyLength) {
            window = (window >> 8) | (UInt32(data[index] ^ data[index + keyLength]) << 24)
            guard index >= 3 else { continue }
            guard window != 0, table.filter[Int(window & 0xffff)], let candidates = table.wordsByWindow[window] else { continue }
            let start = index - 3
            for wordIndex in candidates {
                if let hit = verify(data, at: start, word: words[wordIndex], keyLength: keyLength, region: region) { report(hit) }
            }
        }
    }

    /// Checks the whole word at `start` and derives the key; nil for plain text, for keys that
    /// repeat with a shorter period (found with that length), and for mismatches.
    private static func verify(_ data: UnsafeRawBufferPointer, at start: Int, word: [UInt8], keyLength: Int, region: Region) -> XORHiddenString? {
        guard start + word.count <= data.count else { return nil }
        var key = [UInt8](repeating: 0, count: keyLength)
        for position in 0..<keyLength { key[position] = data[start + position] ^ word[position] }
        guard key.contains(where: { $0 != 0 }), shortestPeriod(of: key) == keyLength else { return nil }
        for position in 0..<word.count where data[start + position] ^ key[position % keyLength] != word[position] { return nil }
        // A key that only flips the case of letters finds the word written in other case
        // (`SHADOW`, `KDSIGACCEPT`): plain text, not hidden.
        let caseChangeOnly = (0..<word.count).allSatisfy { position in
            let applied = key[position % keyLength]
            return applied == 0 || (applied == 0x20 && isASCIILetter(word[position]))
        }
        guard !caseChangeOnly else { return nil }
        let decoded = decodeRun(data, around: start, wordLength: word.count, key: key)
        return XORHiddenString(section: region.name, offset: region.fileOffset + UInt64(start), key: key,
                               word: String(decoding: word, as: UTF8.self), decoded: decoded)
    }

    /// The printable run around the word, decoded: up to 32 bytes on either side.
    private static func decodeRun(_ data: UnsafeRawBufferPointer, around start: Int, wordLength: Int, key: [UInt8]) -> String {
        let keyLength = key.count
        func plain(_ index: Int) -> UInt8 {
            let phase = ((index - start) % keyLength + keyLength) % keyLength
            return data[index] ^ key[phase]
        }
        func printable(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7f }
        var lower = start
        while lower > 0, start - lower < 32, printable(plain(lower - 1)) { lower -= 1 }
        var upper = start + wordLength
        while upper < data.count, upper - start - wordLength < 32, printable(plain(upper)) { upper += 1 }
        return String(decoding: (lower..<upper).map(plain), as: UTF8.self)
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    }

    private static func shortestPeriod(of key: [UInt8]) -> Int {
        for period in 1...key.count where key.count % period == 0 {
            if (0..<key.count).allSatisfy({ key[$0] == key[$0 % period] }) { return period }
        }
        return key.count
    }
}

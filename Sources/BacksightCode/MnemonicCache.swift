import CCapstone

/// Capstone's mnemonics as Swift strings, each with what a lowering reads from it, made once per
/// instruction id and spelling instead of once per decoded instruction (a string built from C
/// bytes, then compared with every case of a `switch`).
///
/// Entries are keyed by capstone's instruction id and checked against the mnemonic's bytes: one
/// id may print several ways (`lock add`, `rep stosb`), and the last spelling seen is kept.
/// Mnemonics of 16 bytes or more are interpreted anew each time. Not thread-safe, like the
/// ``Disassembler`` that owns it.
final class MnemonicCache<Meaning> {
    private struct Entry {
        var low: UInt64
        var high: UInt64
        var mnemonic: String
        /// Nil in the entries of ids not seen yet.
        var meaning: Meaning?
    }

    @exclusivity(unchecked) private var entries: [Entry] = []
    private let interpret: (String) -> Meaning

    /// `idCount`: how many instruction ids the instruction set has (`X86_INS_ENDING`).
    init(idCount: UInt32, _ interpret: @escaping (String) -> Meaning) {
        self.interpret = interpret
        entries = Array(repeating: Entry(low: 0, high: 0, mnemonic: "", meaning: nil), count: Int(min(idCount, 1 << 16)))
    }

    /// The mnemonic of `instruction` and its meaning.
    func look(_ instruction: UnsafePointer<cs_insn>) -> (mnemonic: String, meaning: Meaning) {
        let id = Int(instruction.pointee.id)
        // The first 16 bytes up to the NUL, as two words (zero after the NUL), when a NUL is there.
        // Read in place: copying the field out of `pointee` copies the whole instruction.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var terminated = false
        if let offset = mnemonicOffset {
            let bytes = UnsafeRawPointer(instruction).advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            for index in 0..<16 {
                let byte = UInt64(bytes[index])
                if byte == 0 { terminated = true; break }
                if index < 8 { low |= byte << UInt64(8 * index) } else { high |= byte << UInt64(8 * (index - 8)) }
            }
        }
        guard terminated, id < 1 << 16 else {
            let mnemonic = Disassembler.mnemonic(of: instruction)
            return (mnemonic, interpret(mnemonic))
        }
        if id < entries.count, entries[id].low == low, entries[id].high == high, let meaning = entries[id].meaning {
            return (entries[id].mnemonic, meaning)
        }
        let mnemonic = Disassembler.mnemonic(of: instruction)
        let meaning = interpret(mnemonic)
        if id >= entries.count {
            entries.append(contentsOf: repeatElement(Entry(low: 0, high: 0, mnemonic: "", meaning: nil), count: id + 1 - entries.count))
        }
        entries[id] = Entry(low: low, high: high, mnemonic: mnemonic, meaning: meaning)
        return (mnemonic, meaning)
    }
}

/// Where `cs_insn` keeps the mnemonic's bytes (32 of them; 16 are read).
private let mnemonicOffset: Int? = MemoryLayout.size(ofValue: cs_insn().mnemonic) >= 16
    ? MemoryLayout<cs_insn>.offset(of: \cs_insn.mnemonic) : nil

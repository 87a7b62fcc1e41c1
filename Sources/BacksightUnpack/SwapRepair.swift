/// Looks for one or two swapped byte pairs that turn an xz file that does not decode into
/// valid xz streams, the way `tr "\t \-_" " \t_\-"` repaired the xz-utils backdoor's
/// `bad-3-corrupt_lzma2.xz`. Only the streams' own integrity checks (the CRC32 of headers,
/// index and footer and the CRC64/CRC32/SHA-256 of each block) decide that a swap repaired the
/// file, so a hit is proof rather than a guess.
struct SwapRepair {
    /// The bytes a text tool swaps without anyone noticing in a script: tab, space, `-`, `_`,
    /// `.`, `/`, `#`, newline.
    static let alphabet: [UInt8] = [0x09, 0x20, 0x2D, 0x5F, 0x2E, 0x2F, 0x23, 0x0A]

    struct Found {
        /// The swapped pairs, each `(a, b)` meaning every `a` becomes `b` and every `b` becomes `a`.
        var pairs: [(UInt8, UInt8)]
        /// Decoding the swapped bytes.
        var summary: DecodeSummary
        /// Swaps tried, this one included.
        var attempts: Int
    }

    /// Tries single pairs, then two disjoint pairs, from ``alphabet``. A swap that changes no
    /// byte before `failureOffset` (where decoding the original failed) would fail the same way,
    /// so it is not tried; nor is a pair neither of whose bytes occurs. At most 238 decodes of
    /// the input, all of them together producing at most `limits.output` bytes (so a file whose
    /// swapped forms all decode hugely before failing cannot make the search long).
    static func search(_ bytes: UnsafeRawBufferPointer, failureOffset: Int, limits: DecodeLimits) -> Found? {
        guard !bytes.isEmpty else { return nil }
        let early = min(bytes.count, max(0, failureOffset) + 1)
        var anywhere = Set<UInt8>()
        var beforeFailure = Set<UInt8>()
        let interesting = Set(alphabet)
        for index in 0..<bytes.count where interesting.contains(bytes[index]) {
            anywhere.insert(bytes[index])
            if index < early { beforeFailure.insert(bytes[index]) }
        }
        var pairs: [(UInt8, UInt8)] = []
        for first in 0..<alphabet.count {
            for second in (first + 1)..<alphabet.count {
                let a = alphabet[first], b = alphabet[second]
                if anywhere.contains(a) || anywhere.contains(b) { pairs.append((a, b)) }
            }
        }
        func touchesEarly(_ pair: (UInt8, UInt8)) -> Bool { beforeFailure.contains(pair.0) || beforeFailure.contains(pair.1) }

        var candidates: [[(UInt8, UInt8)]] = pairs.filter(touchesEarly).map { [$0] }
        for first in pairs.indices {
            for second in (first + 1)..<pairs.count {
                let p = pairs[first], q = pairs[second]
                guard p.0 != q.0, p.0 != q.1, p.1 != q.0, p.1 != q.1, touchesEarly(p) || touchesEarly(q) else { continue }
                candidates.append([p, q])
            }
        }

        let swapped = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { swapped.deallocate() }
        var attempts = 0
        var remaining = limits.output
        for candidate in candidates where remaining > 0 {
            attempts += 1
            var table = (0...255).map { UInt8($0) }
            for (a, b) in candidate {
                table[Int(a)] = b
                table[Int(b)] = a
            }
            for index in 0..<bytes.count { swapped[index] = table[Int(bytes[index])] }
            let attemptLimits = DecodeLimits(memory: limits.memory, output: remaining)
            let summary = Decompressor.decode(UnsafeRawBufferPointer(swapped), format: .xz, limits: attemptLimits) { _ in true }
            remaining -= min(remaining, summary.produced)
            if summary.integrityVerified, summary.consumed == UInt64(bytes.count) {
                return Found(pairs: candidate, summary: summary, attempts: attempts)
            }
        }
        return nil
    }

    /// `bytes` with the pairs swapped.
    static func apply(_ pairs: [(UInt8, UInt8)], to bytes: UnsafeRawBufferPointer) -> DecodedBytes {
        var table = (0...255).map { UInt8($0) }
        for (a, b) in pairs {
            table[Int(a)] = b
            table[Int(b)] = a
        }
        let accumulator = ByteAccumulator(limit: bytes.count)
        let mapped = bytes.map { table[Int($0)] }
        mapped.withUnsafeBytes { _ = accumulator.append($0) }
        return DecodedBytes(taking: accumulator)
    }

    /// `tab<->space, '-'<->'_'`: the pairs as a person would write them.
    static func describe(_ pairs: [(UInt8, UInt8)]) -> String {
        pairs.map { "\(name($0.0))<->\(name($0.1))" }.joined(separator: ", ")
    }

    static func name(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: return "tab"
        case 0x20: return "space"
        case 0x0A: return "newline"
        default: return "'\(Character(Unicode.Scalar(byte)))'"
        }
    }
}

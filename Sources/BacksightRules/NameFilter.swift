/// A cheap first test for "could this be one of the exact names some rule looks up?", on the
/// name's length and first byte. Per-file symbol indexes keep only names that pass, so a
/// library with thousands of symbols costs a bit test per symbol rather than a hash.
struct NameFilter: Sendable {
    /// One bit per (length capped at 63, first byte).
    private let bits: [UInt64]

    init(_ names: some Sequence<String>) {
        var bits = [UInt64](repeating: 0, count: 64 * 256 / 64)
        for name in names {
            let slot = Self.slot(name)
            bits[slot >> 6] |= UInt64(1) << UInt64(slot & 63)
        }
        self.bits = bits
    }

    @inline(__always)
    private static func slot(_ name: String) -> Int {
        let utf8 = name.utf8
        return min(utf8.count, 63) << 8 | Int(utf8.first ?? 0)
    }

    /// False when no rule's exact name can equal `name`.
    @inline(__always)
    func mayContain(_ name: String) -> Bool {
        let slot = Self.slot(name)
        return bits[slot >> 6] & (UInt64(1) << UInt64(slot & 63)) != 0
    }
}

/// A set of address ranges, merged into sorted disjoint spans, for `log n` lookups where a
/// per-address search through every section would make hostile files quadratic.
struct AddressRanges {
    private(set) var spans: [(start: UInt64, end: UInt64)] = []

    /// `ranges` may overlap and come in any order; empty ones are dropped.
    init(_ ranges: [(start: UInt64, end: UInt64)]) {
        for range in ranges.filter({ $0.start < $0.end }).sorted(by: { $0.start < $1.start }) {
            if let last = spans.last, range.start <= last.end {
                spans[spans.count - 1].end = max(last.end, range.end)
            } else {
                spans.append(range)
            }
        }
    }

    /// Whether `address` lies in one of the ranges.
    func contains(_ address: UInt64) -> Bool {
        let index = firstSpan(startingAfter: address)
        return index > 0 && address < spans[index - 1].end
    }

    /// The start of the first range that begins after `address`, if any.
    func start(after address: UInt64) -> UInt64? {
        let index = firstSpan(startingAfter: address)
        return index < spans.count ? spans[index].start : nil
    }

    /// The index of the first span whose start is greater than `address` (binary search).
    private func firstSpan(startingAfter address: UInt64) -> Int {
        var low = 0
        var high = spans.count
        while low < high {
            let middle = low + (high - low) / 2
            if spans[middle].start <= address { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

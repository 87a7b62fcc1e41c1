import BacksightELF

/// Finds the layout of a test blob built to hide data: runs of one repeated byte (filler)
/// alternating at a fixed period with high-entropy blocks, like `good-large_compressed.lzma` in
/// the xz-utils backdoor, whose script kept the high-entropy parts with a chain of `head -c`.
struct FillerLayout {
    /// The shortest run of one byte taken as filler.
    static let minimumFiller = 256
    /// The shortest block of data between fillers.
    static let minimumBlock = 256
    /// Bits per byte a block between fillers must reach.
    static let minimumEntropy = 7.0
    /// Filler/block pairs that must repeat at the same period.
    static let minimumRepeats = 3

    var firstOffset: Int
    var repeats: Int
    var period: Int
    var fillerLength: Int
    var fillerBytes: [UInt8]
    var blockLength: Int
    var lowestEntropy: Double

    /// The longest periodic filler/high-entropy sequence in `bytes`, if one repeats often enough.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> FillerLayout? {
        guard bytes.count >= (minimumFiller + minimumBlock) * minimumRepeats else { return nil }
        let runs = Self.runs(in: bytes)
        guard runs.count >= minimumRepeats else { return nil }
        var best: FillerLayout?
        var start = 0
        while start + 1 < runs.count {
            let filler = runs[start].length
            let period = runs[start + 1].offset - runs[start].offset
            var count = 0
            var lowest = 8.0
            var fillers: [UInt8] = []
            var position = start
            while period - filler >= minimumBlock, runs[position].length == filler {
                let blockStart = runs[position].offset + filler
                let blockEnd = runs[position].offset + period
                guard blockEnd <= bytes.count else { break }
                if position + 1 < runs.count, runs[position + 1].offset < blockEnd { break }
                let entropy = shannonEntropy(UnsafeRawBufferPointer(rebasing: bytes[blockStart..<blockEnd]))
                guard entropy >= minimumEntropy else { break }
                lowest = min(lowest, entropy)
                fillers.append(runs[position].byte)
                count += 1
                guard position + 1 < runs.count, runs[position + 1].offset == blockEnd else { break }
                position += 1
            }
            if count >= minimumRepeats, count > (best?.repeats ?? 0) {
                best = FillerLayout(firstOffset: runs[start].offset, repeats: count, period: period, fillerLength: filler,
                                    fillerBytes: fillers, blockLength: period - filler, lowestEntropy: lowest)
            }
            start += max(1, count)
        }
        return best
    }

    /// Runs of one byte at least ``minimumFiller`` long, in order. Such a run holds two
    /// consecutive checkpoints `stride` bytes apart, so only checkpoints are compared until two
    /// agree; the run is then measured around them. Random data costs one comparison per
    /// `stride` bytes.
    static func runs(in bytes: UnsafeRawBufferPointer) -> [(offset: Int, length: Int, byte: UInt8)] {
        let stride = minimumFiller / 2
        var runs: [(offset: Int, length: Int, byte: UInt8)] = []
        var checkpoint = 0
        while checkpoint + stride < bytes.count, runs.count < 100_000 {
            let byte = bytes[checkpoint]
            guard bytes[checkpoint + stride] == byte else {
                checkpoint += stride
                continue
            }
            var start = checkpoint
            let floor = runs.last.map { $0.offset + $0.length } ?? 0
            while start > floor, bytes[start - 1] == byte { start -= 1 }
            var end = checkpoint + 1
            while end < bytes.count, bytes[end] == byte { end += 1 }
            if end - start >= minimumFiller { runs.append((start, end - start, byte)) }
            // The next checkpoint lies past this run: a new run starts after it.
            checkpoint = max(checkpoint + stride, end)
        }
        return runs
    }

    /// `8 x [1024 bytes of 'A'.. + 2048 high-entropy bytes], period 3072`.
    var summary: String {
        let first = fillerBytes.first.map(Self.show) ?? "?"
        let fillers = Set(fillerBytes).count == 1 ? first : "\(first).."
        return "\(repeats) x [\(fillerLength) bytes of \(fillers) + \(blockLength) high-entropy bytes], period \(period)"
    }

    /// The lowest block entropy with two decimals: `7.91`.
    var entropyText: String {
        let hundredths = Int((lowestEntropy * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func show(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }
}

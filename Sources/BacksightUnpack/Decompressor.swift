/// Decodes compressed data held in memory, streaming the output to a consumer in chunks, under
/// a memory and an output limit. Nothing is written to disk and the output is not kept here.
public enum Decompressor {
    /// Output chunk size handed to the consumer.
    static let chunkSize = 64 << 10

    /// Decodes `format` data starting at `start` in `input`: for xz, every stream that follows
    /// (with stream padding between); for the LZMA formats one stream.
    /// Decoding stops at the first byte that does not continue the data (the caller decides
    /// whether that is trailing garbage), at an error, at the output limit, or when `consumer`
    /// returns false.
    public static func decode(_ input: UnsafeRawBufferPointer, from start: Int = 0, format: CompressionFormat,
                              limits: DecodeLimits, into consumer: (UnsafeRawBufferPointer) -> Bool) -> DecodeSummary {
        var summary = DecodeSummary(format: format, start: UInt64(max(0, start)))
        guard start >= 0, start <= input.count else {
            summary.error = .truncated(format: format, start: UInt64(max(0, start)), offset: UInt64(input.count))
            return summary
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { output.deallocate() }
        return withoutActuallyEscaping(consumer) { consumer in
            var run = Run(input: input, output: output, limits: limits, consumer: consumer, summary: summary)
            switch format {
            case .xz: run.decodeXZStreams(from: start)
            case .lzmaAlone, .rawLZMA1, .rawLZMA2: run.decodeSingleLZMAStream(from: start)
            }
            return run.summary
        }
    }

    /// Decodes into memory, keeping at most `keep` bytes (the output limit still applies to
    /// decoding; output past `keep` stops decoding as the consumer refusing more would).
    /// `declaredSize`, the decoded size the stream declares, sizes the output at once (capped
    /// by `keep` and the output limit); output past it still grows the buffer.
    public static func decode(_ input: UnsafeRawBufferPointer, from start: Int = 0, format: CompressionFormat,
                              limits: DecodeLimits, keep: Int, declaredSize: UInt64? = nil) -> (bytes: DecodedBytes, summary: DecodeSummary, overflowed: Bool) {
        let accumulator = ByteAccumulator(limit: keep)
        if let declaredSize { accumulator.reserveCapacity(Int(clamping: min(declaredSize, limits.output))) }
        var overflowed = false
        let summary = decode(input, from: start, format: format, limits: limits) { chunk in
            if accumulator.append(chunk) { return true }
            overflowed = true
            return false
        }
        return (DecodedBytes(taking: accumulator), summary, overflowed)
    }
}

/// One decoding run: the input, a reused output chunk, the limits and the running summary.
private struct Run {
    let input: UnsafeRawBufferPointer
    let output: UnsafeMutableRawBufferPointer
    let limits: DecodeLimits
    let consumer: (UnsafeRawBufferPointer) -> Bool
    var summary: DecodeSummary

    /// xz: streams back to back, each optionally followed by zero padding in multiples of four.
    mutating func decodeXZStreams(from start: Int) {
        var position = start
        while true {
            guard let check = StreamHeaders.xzCheck(at: position, in: input) else {
                if summary.completeStreams == 0 {
                    summary.error = .corrupt(format: .xz, start: UInt64(start), offset: UInt64(position), reason: "no valid xz stream header")
                }
                return
            }
            guard let decoder = makeLZMA(.xz, at: position) else { return }
            guard let end = decodeStream(from: position, format: .xz, run: decoder.run) else { return }
            summary.completeStreams += 1
            summary.checks.append(check)
            position = end
            summary.consumed = UInt64(position - start)
            var zeros = 0
            while position + zeros < input.count, input[position + zeros] == 0 { zeros += 1 }
            guard zeros > 0 else { continue }
            if zeros % 4 != 0 {
                // Padding must come in multiples of four; what remains is left to the caller.
                position += zeros - zeros % 4
            } else {
                position += zeros
            }
            summary.consumed = UInt64(position - start)
            if position >= input.count || zeros % 4 != 0 { return }
        }
    }

    mutating func decodeSingleLZMAStream(from start: Int) {
        guard let decoder = makeLZMA(summary.format, at: start) else { return }
        guard let end = decodeStream(from: start, format: summary.format, run: decoder.run) else { return }
        summary.completeStreams = 1
        summary.consumed = UInt64(end - start)
    }

    mutating func makeLZMA(_ format: CompressionFormat, at position: Int) -> LZMAStream? {
        var failure: UnpackError?
        let decoder = LZMAStream(format: format, memoryLimit: limits.memory, failure: &failure, start: UInt64(position))
        if decoder == nil { summary.error = failure ?? .unsupportedOptions(format: format, start: UInt64(position), offset: UInt64(position)) }
        return decoder
    }

    /// Decodes one stream from `position`; returns where it ended, or nil after recording why
    /// decoding stopped (error, limit, consumer).
    mutating func decodeStream(from position: Int, format: CompressionFormat,
                               run: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> DecoderStep) -> Int? {
        let streamStart = UInt64(position)
        var at = position
        while true {
            let remaining = limits.output - min(summary.produced, limits.output)
            // One byte more than the limit allows, so reaching past it is noticed.
            let room = remaining >= UInt64(output.count) ? output.count : Int(remaining) + 1
            let step = run(UnsafeRawBufferPointer(rebasing: input[at...]), UnsafeMutableRawBufferPointer(rebasing: output[0..<room]))
            at += step.read
            summary.consumed = UInt64(at) - summary.start
            if step.written > 0 {
                let allowed = Int(min(UInt64(step.written), remaining))
                if allowed > 0 {
                    summary.produced += UInt64(allowed)
                    if !consumer(UnsafeRawBufferPointer(rebasing: output[0..<allowed])) {
                        summary.stoppedByConsumer = true
                        return nil
                    }
                }
                if step.written > allowed {
                    summary.error = .outputLimit(format: format, start: streamStart, limit: limits.output, consumed: UInt64(at) - streamStart)
                    return nil
                }
            }
            switch step.state {
            case .progress:
                if step.read == 0, step.written == 0 {
                    summary.error = .truncated(format: format, start: streamStart, offset: UInt64(at))
                    return nil
                }
            case .end:
                return at
            case .truncated:
                summary.error = .truncated(format: format, start: streamStart, offset: UInt64(at))
                return nil
            case let .memoryLimit(needed):
                summary.error = .memoryLimit(format: format, start: streamStart, needed: needed, limit: limits.memory)
                return nil
            case .unsupported:
                summary.error = .unsupportedOptions(format: format, start: streamStart, offset: UInt64(at))
                return nil
            case let .corrupt(reason):
                summary.error = .corrupt(format: format, start: streamStart, offset: UInt64(at), reason: reason)
                return nil
            }
        }
    }
}

import CZlib

/// One zlib inflater for gzip members: owns the `z_stream` and ends it when released.
final class GzipStream {
    private var stream = z_stream()
    private var started = false

    init?() {
        guard backsight_inflate_init_gzip(&stream) == Z_OK else { return nil }
        started = true
    }

    deinit { if started { inflateEnd(&stream) } }

    /// Inflates from `input` into `output`; returns how much of each was used.
    func run(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> DecoderStep {
        let inputCount = min(input.count, Int(UInt32.max))
        let outputCount = min(output.count, Int(UInt32.max))
        stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.avail_in = uInt(inputCount)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(outputCount)
        let result = inflate(&stream, Z_NO_FLUSH)
        let read = inputCount - Int(stream.avail_in)
        let written = outputCount - Int(stream.avail_out)
        switch result {
        case Z_OK: return DecoderStep(read: read, written: written, state: .progress)
        case Z_STREAM_END: return DecoderStep(read: read, written: written, state: .end)
        case Z_BUF_ERROR where read == inputCount && written == 0:
            return DecoderStep(read: read, written: written, state: .truncated)
        case Z_BUF_ERROR: return DecoderStep(read: read, written: written, state: .progress)
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(result)"
            return DecoderStep(read: read, written: written, state: .corrupt(message))
        }
    }

    /// Starts over for the next gzip member.
    func reset() -> Bool { inflateReset(&stream) == Z_OK }
}

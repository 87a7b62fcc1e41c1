import CLzma

/// One liblzma decoder: owns the `lzma_stream` and ends it when released.
final class LZMAStream {
    private var stream = backsight_lzma_stream_init()

    /// Sets up a decoder for `format`, or says why it cannot.
    init?(format: CompressionFormat, memoryLimit: UInt64, failure: inout UnpackError?, start: UInt64) {
        let result: lzma_ret
        switch format {
        case .xz:
            result = lzma_stream_decoder(&stream, memoryLimit, 0)
        case .lzmaAlone:
            result = lzma_alone_decoder(&stream, memoryLimit)
        case let .rawLZMA1(properties, dictionarySize):
            guard let parameters = LZMAProperties(byte: properties) else {
                failure = .unsupportedOptions(format: format, start: start, offset: start)
                return nil
            }
            result = Self.rawDecoder(&stream, filter: backsight_lzma_filter_lzma1(), dictionarySize: dictionarySize,
                                     parameters: parameters, memoryLimit: memoryLimit, format: format, start: start, failure: &failure)
        case let .rawLZMA2(dictionarySize):
            result = Self.rawDecoder(&stream, filter: backsight_lzma_filter_lzma2(), dictionarySize: dictionarySize,
                                     parameters: nil, memoryLimit: memoryLimit, format: format, start: start, failure: &failure)
        }
        guard result == LZMA_OK else {
            if failure == nil { failure = .unsupportedOptions(format: format, start: start, offset: start) }
            return nil
        }
    }

    deinit { lzma_end(&stream) }

    /// liblzma's raw decoders take no memory limit, so the usage is checked before starting.
    private static func rawDecoder(_ stream: inout lzma_stream, filter: lzma_vli, dictionarySize: UInt32,
                                   parameters: LZMAProperties?, memoryLimit: UInt64, format: CompressionFormat,
                                   start: UInt64, failure: inout UnpackError?) -> lzma_ret {
        var options = lzma_options_lzma()
        guard lzma_lzma_preset(&options, 6) == 0 else { return LZMA_OPTIONS_ERROR }
        options.dict_size = dictionarySize
        if let parameters {
            options.lc = parameters.literalContextBits
            options.lp = parameters.literalPositionBits
            options.pb = parameters.positionBits
        }
        return withUnsafeMutablePointer(to: &options) { pointer in
            var filters = [lzma_filter(id: filter, options: UnsafeMutableRawPointer(pointer)),
                           lzma_filter(id: backsight_lzma_vli_unknown(), options: nil)]
            let needed = lzma_raw_decoder_memusage(&filters)
            if needed == UInt64.max { return LZMA_OPTIONS_ERROR }
            if needed > memoryLimit {
                failure = .memoryLimit(format: format, start: start, needed: needed, limit: memoryLimit)
                return LZMA_MEMLIMIT_ERROR
            }
            return lzma_raw_decoder(&stream, &filters)
        }
    }

    /// Decodes from `input` into `output`; returns how much of each was used.
    func run(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> DecoderStep {
        stream.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_in = input.count
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = output.count
        let result = lzma_code(&stream, LZMA_FINISH)
        let read = input.count - stream.avail_in
        let written = output.count - stream.avail_out
        switch result {
        case LZMA_OK: return DecoderStep(read: read, written: written, state: .progress)
        case LZMA_STREAM_END: return DecoderStep(read: read, written: written, state: .end)
        case LZMA_BUF_ERROR: return DecoderStep(read: read, written: written, state: .truncated)
        case LZMA_MEMLIMIT_ERROR: return DecoderStep(read: read, written: written, state: .memoryLimit(needed: lzma_memusage(&stream)))
        case LZMA_OPTIONS_ERROR: return DecoderStep(read: read, written: written, state: .unsupported)
        default: return DecoderStep(read: read, written: written, state: .corrupt(Self.reason(result)))
        }
    }

    /// A sentence for a liblzma error code.
    static func reason(_ code: lzma_ret) -> String {
        switch code {
        case LZMA_FORMAT_ERROR: return "not a stream of this format"
        case LZMA_OPTIONS_ERROR: return "unsupported options"
        case LZMA_DATA_ERROR: return "compressed data or an integrity check is corrupt"
        case LZMA_MEM_ERROR: return "out of memory"
        case LZMA_BUF_ERROR: return "input ended early"
        default: return "liblzma error \(code.rawValue)"
        }
    }
}

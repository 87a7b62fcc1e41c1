/// What one call into a decoder library did: input read, output written, and its state after.
struct DecoderStep {
    enum State {
        /// Made progress; call again.
        case progress
        /// The stream ended.
        case end
        /// The input ended before the stream did.
        case truncated
        /// The stream needs more memory than the limit.
        case memoryLimit(needed: UInt64)
        /// Options the library does not support.
        case unsupported
        /// Corrupt data, with the library's reason.
        case corrupt(String)
    }

    var read: Int
    var written: Int
    var state: State
}

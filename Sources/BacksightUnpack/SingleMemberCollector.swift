/// Collects the content of a file compressed as a whole (`x.ko.xz`) as it is decoded, and
/// hands it on as one member. Memory stays within the member limit: content past it stops
/// decoding and the member is reported as too large.
final class SingleMemberCollector {
    private let name: [UInt8]
    private let content: ByteAccumulator
    private var tooLarge = false

    /// `declaredSize`, the decoded size the stream declares, sizes the content at once
    /// (capped by the member limit).
    init(name: [UInt8], memberLimit: UInt64, declaredSize: UInt64? = nil) {
        self.name = name
        content = ByteAccumulator(limit: Int(clamping: memberLimit))
        if let declaredSize { content.reserveCapacity(Int(clamping: declaredSize)) }
    }

    /// Takes the next decoded chunk; false asks the decoder to stop.
    func take(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard !tooLarge else { return false }
        if !content.append(chunk) { tooLarge = true }
        return !tooLarge
    }

    /// Hands the member to `sink` after decoding stopped: its content, or why it was not read.
    func finish(_ decoding: DecodeSummary, sink: MemberSink) {
        if tooLarge {
            let ratio = decoding.produced / max(1, decoding.consumed)
            sink.send(path: name, content: .skipped(reason: "too-large", message: "decoded content exceeds the member limit of \(content.limit) bytes"
                + " after \(decoding.consumed) bytes of input (\(ratio):1); decoding stopped there"), size: nil)
        } else if let error = decoding.error, case .outputLimit = error {
            sink.send(path: name, content: .skipped(reason: error.code, message: error.description), size: UInt64(content.count))
        } else if decoding.error == nil {
            sink.send(path: name, content: .file(content.bytes), size: UInt64(content.count))
        }
    }
}

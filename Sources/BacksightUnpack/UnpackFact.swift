/// A named fact the unpacker's heuristics found, keyed by the characteristic name rules use
/// (`swap-repairs-stream`, …), with the evidence that shows it.
public struct UnpackFact: Sendable, Hashable {
    public var name: String
    public var evidence: [FactEvidence]

    public init(name: String, evidence: [FactEvidence]) {
        self.name = name
        self.evidence = evidence
    }

    // The names, equal to the raw values of the rule engine's `Characteristic` cases.

    /// A test file whose name says bad or corrupt decodes with its integrity check passing.
    public static let corruptNameDecodesCleanly = "corrupt-name-decodes-cleanly"
    /// Swapping one or two byte pairs turns an undecodable xz file into valid streams.
    public static let swapRepairsStream = "swap-repairs-stream"
    /// Runs of one byte alternate periodically with high-entropy blocks.
    public static let fillerEntropyLayout = "filler-entropy-layout"
    /// An xz or LZMA header appears after undoing a one-byte XOR or addition.
    public static let substitutedCompressionMagic = "substituted-compression-magic"
    /// Decoded bytes are a shell script (markers such as `eval`, `head -c`, `xz -d`).
    public static let shellScriptPayload = "shell-script-payload"
    /// A compressed stream was carved from inside other data.
    public static let embeddedCompressedStream = "embedded-compressed-stream"

    /// Every name the unpacker may report.
    public static let allNames: [String] = [
        corruptNameDecodesCleanly, swapRepairsStream, fillerEntropyLayout,
        substitutedCompressionMagic, shellScriptPayload, embeddedCompressedStream,
    ]
}

/// One piece of evidence for a fact: what was seen, where, and detail for checking by hand.
public struct FactEvidence: Sendable, Hashable {
    public var value: String
    /// An offset in the bytes the fact is about (the file's, or the payload's).
    public var offset: UInt64?
    public var detail: String?

    public init(value: String, offset: UInt64? = nil, detail: String? = nil) {
        self.value = value
        self.offset = offset
        self.detail = detail
    }
}

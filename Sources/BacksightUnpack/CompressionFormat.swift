/// A compressed-stream format the unpacker knows.
public enum CompressionFormat: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `.xz`: one or more streams, each with its own integrity check, with stream padding between.
    case xz
    /// `.lzma` (LZMA_Alone): a 13-byte header (properties, dictionary size, size) then LZMA1 data.
    case lzmaAlone
    /// LZMA1 data with no header, as `xz -F raw --lzma1` reads it; the caller supplies the
    /// properties byte (`lc + lp * 9 + pb * 45`) and the dictionary size.
    case rawLZMA1(properties: UInt8, dictionarySize: UInt32)
    /// LZMA2 data with no header, as `xz -F raw --lzma2` reads it.
    case rawLZMA2(dictionarySize: UInt32)

    public var description: String {
        switch self {
        case .xz: return "xz"
        case .lzmaAlone: return "lzma"
        case .rawLZMA1: return "raw-lzma1"
        case .rawLZMA2: return "raw-lzma2"
        }
    }
}

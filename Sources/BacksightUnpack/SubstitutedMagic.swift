/// Recognises an xz or LZMA_Alone header at the start of data that was disguised with a
/// one-byte substitution applied to every byte: XOR with a key, or addition of a key (mod 256).
/// The key is read off a header byte that is always zero, then the rest of the header must
/// agree (for xz that includes the CRC32 of the stream flags).
struct SubstitutedMagic {
    enum Substitution: Hashable, CustomStringConvertible {
        case xor(UInt8)
        case add(UInt8)

        /// The original byte of a disguised one.
        func undo(_ byte: UInt8) -> UInt8 {
            switch self {
            case let .xor(key): return byte ^ key
            case let .add(key): return byte &- key
            }
        }

        var description: String {
            switch self {
            case let .xor(key): return "XOR 0x\(String(key, radix: 16))"
            case let .add(key): return "addition of 0x\(String(key, radix: 16))"
            }
        }
    }

    var substitution: Substitution
    var format: CompressionFormat

    /// The substitution and format whose header the first bytes of `bytes` hold, if any.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> SubstitutedMagic? {
        guard bytes.count >= 32 else { return nil }
        // xz: the sixth magic byte and the first flag byte are zero.
        let xzKey = bytes[5]
        if xzKey != 0 {
            for substitution in [Substitution.xor(xzKey), .add(xzKey)] where headerHolds(bytes, substitution, .xz) {
                return SubstitutedMagic(substitution: substitution, format: .xz)
            }
        }
        // LZMA_Alone with the common properties: the dictionary size's lowest byte is zero.
        let lzmaKey = bytes[1]
        if lzmaKey != 0 {
            for substitution in [Substitution.xor(lzmaKey), .add(lzmaKey)] where headerHolds(bytes, substitution, .lzmaAlone) {
                return SubstitutedMagic(substitution: substitution, format: .lzmaAlone)
            }
        }
        return nil
    }

    private static func headerHolds(_ bytes: UnsafeRawBufferPointer, _ substitution: Substitution, _ format: CompressionFormat) -> Bool {
        let header = (0..<14).map { substitution.undo(bytes[$0]) }
        return header.withUnsafeBytes { undone in
            switch format {
            case .xz: return StreamHeaders.xzCheck(at: 0, in: undone) != nil
            default: return undone[0] == 0x5D && StreamHeaders.isLZMAAloneHeader(at: 0, in: undone)
            }
        }
    }

    /// `bytes` with the substitution undone.
    func undo(_ bytes: UnsafeRawBufferPointer) -> DecodedBytes {
        var table = [UInt8](repeating: 0, count: 256)
        for value in 0...255 { table[value] = substitution.undo(UInt8(value)) }
        let mapped = bytes.map { table[Int($0)] }
        return mapped.withUnsafeBytes { DecodedBytes(copying: $0) }
    }
}

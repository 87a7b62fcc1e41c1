import CLzma

/// The fixed headers of xz and LZMA_Alone streams, checked without decoding anything.
public enum StreamHeaders {
    /// `FD 37 7A 58 5A 00`: the first six bytes of every xz stream.
    public static let xzMagic: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
    /// An xz stream header: magic, two flag bytes, CRC32 of the flags.
    public static let xzHeaderSize = 12

    /// The integrity check an xz stream header names, if the header is valid: magic, a first
    /// flag byte of zero, no reserved bits in the second, and a CRC32 over the flags that agrees.
    public static func xzCheck(at offset: Int, in bytes: UnsafeRawBufferPointer) -> XZCheck? {
        guard offset >= 0, offset <= bytes.count - xzHeaderSize else { return nil }
        for index in 0..<6 where bytes[offset + index] != xzMagic[index] { return nil }
        return xzCheckOfFlags(bytes[offset + 6], bytes[offset + 7],
                              crc: readUInt32(bytes, at: offset + 8))
    }

    /// The check named by xz stream flags, if the flags are well formed and `crc` is their CRC32.
    static func xzCheckOfFlags(_ first: UInt8, _ second: UInt8, crc: UInt32) -> XZCheck? {
        guard first == 0, second & 0xF0 == 0 else { return nil }
        let flags: [UInt8] = [first, second]
        let computed = flags.withUnsafeBufferPointer { lzma_crc32($0.baseAddress, 2, 0) }
        guard computed == crc else { return nil }
        return XZCheck(rawValue: second)
    }

    /// Whether `offset` starts a plausible LZMA_Alone header: properties `lc + lp * 9 + pb * 45`
    /// with `lc + lp <= 4` (what liblzma accepts), a dictionary size of `2^n` or `2^n + 2^(n-1)`
    /// between 4 KiB and 1.5 GiB, an uncompressed size that is unknown (all ones) or under
    /// 256 GiB, and a first range-coder byte of zero (the encoder always writes one).
    public static func isLZMAAloneHeader(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard offset >= 0, offset <= bytes.count - 14 else { return false }
        guard let properties = LZMAProperties(byte: bytes[offset]), properties.literalContextBits + properties.literalPositionBits <= 4 else {
            return false
        }
        let dictionary = readUInt32(bytes, at: offset + 1)
        guard isPlausibleDictionarySize(dictionary) else { return false }
        let size = readUInt64(bytes, at: offset + 5)
        guard size == UInt64.max || size < (1 << 38) else { return false }
        return bytes[offset + 13] == 0
    }

    /// `2^n` or `2^n + 2^(n-1)` between 4 KiB and 1.5 GiB: what encoders write.
    static func isPlausibleDictionarySize(_ size: UInt32) -> Bool {
        guard size >= 4096, size <= 3 << 29 else { return false }
        let highest = UInt32(1) << (31 - UInt32(size.leadingZeroBitCount))
        let rest = size - highest
        return rest == 0 || rest == highest >> 1
    }

    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + index]) }
        return value
    }

    static func readUInt64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }
}

/// The integrity check an xz stream carries for each block.
public enum XZCheck: UInt8, Sendable, Hashable, Codable, CustomStringConvertible {
    case none = 0x00
    case crc32 = 0x01
    case crc64 = 0x04
    case sha256 = 0x0A

    public var description: String {
        switch self {
        case .none: return "none"
        case .crc32: return "CRC32"
        case .crc64: return "CRC64"
        case .sha256: return "SHA-256"
        }
    }
}

/// LZMA1 literal/position parameters, from the properties byte `lc + lp * 9 + pb * 45`.
public struct LZMAProperties: Sendable, Hashable {
    public var literalContextBits: UInt32
    public var literalPositionBits: UInt32
    public var positionBits: UInt32

    public init?(byte: UInt8) {
        guard byte < 9 * 5 * 5 else { return nil }
        let value = UInt32(byte)
        literalContextBits = value % 9
        literalPositionBits = (value / 9) % 5
        positionBits = value / 45
    }
}

/// The decoder memory a compressed stream at the start of some bytes will ask for, read from
/// its header before anything is decoded, for the formats where the encoder chooses it: xz
/// (the first block's LZMA2 dictionary), LZMA_Alone (its dictionary) and zstd (the frame's
/// window). gzip, bzip2 and lz4 decoders use a few MiB at most.
enum DecoderMemory {
    /// What decoding needs beyond the dictionary or window (liblzma's estimate is about 1 MiB).
    static let overhead: UInt64 = 1 << 20

    static func required(_ bytes: UnsafeRawBufferPointer) -> (format: String, bytes: UInt64)? {
        if StreamHeaders.xzCheck(at: 0, in: bytes) != nil {
            return xzDictionary(bytes).map { ("xz", withOverhead($0)) }
        }
        if StreamHeaders.isLZMAAloneHeader(at: 0, in: bytes) {
            return ("lzma", withOverhead(UInt64(StreamHeaders.readUInt32(bytes, at: 1))))
        }
        if bytes.count >= 6, bytes[0] == 0x28, bytes[1] == 0xB5, bytes[2] == 0x2F, bytes[3] == 0xFD {
            return zstdWindow(bytes).map { ("zstd", withOverhead($0)) }
        }
        return nil
    }

    /// The need with the decoder's overhead, saturating: a single-segment zstd frame states its
    /// content size in 8 bytes, up to 2^64 - 1.
    private static func withOverhead(_ need: UInt64) -> UInt64 {
        let (sum, overflow) = need.addingReportingOverflow(overhead)
        return overflow ? .max : sum
    }

    /// The LZMA2 dictionary of the first block: its header's filter flags (id 0x21, one
    /// property byte) after the optional sizes.
    static func xzDictionary(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let start = StreamHeaders.xzHeaderSize
        guard bytes.count > start + 2, bytes[start] != 0 else { return nil }
        let end = start + (Int(bytes[start]) + 1) * 4
        guard end <= bytes.count else { return nil }
        let flags = bytes[start + 1]
        var position = start + 2
        func vli() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 63, by: 7) {
                guard position < end else { return nil }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }
        if flags & 0x40 != 0 { guard vli() != nil else { return nil } }
        if flags & 0x80 != 0 { guard vli() != nil else { return nil } }
        for _ in 0...Int(flags & 3) {
            guard let id = vli(), let size = vli(), size <= UInt64(end - position) else { return nil }
            if id == 0x21, size == 1 {
                let bits = bytes[position] & 0x3F
                guard bits <= 40 else { return nil }
                return bits == 40 ? UInt64(UInt32.max) : (2 | UInt64(bits & 1)) << (UInt64(bits) / 2 + 11)
            }
            position += Int(size)
        }
        return nil
    }

    /// The window a zstd frame declares (or, for a single-segment frame, its content size).
    static func zstdWindow(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        let descriptor = bytes[4]
        let singleSegment = descriptor & 0x20 != 0
        if !singleSegment {
            let window = bytes[5]
            let log = 10 + UInt64(window >> 3)
            guard log <= 41 else { return nil }
            let base = UInt64(1) << log
            return base + (base / 8) * UInt64(window & 7)
        }
        let dictionaryIDSize = [0, 1, 2, 4][Int(descriptor & 3)]
        let sizeField = [1, 2, 4, 8][Int(descriptor >> 6)]
        let at = 5 + dictionaryIDSize
        guard bytes.count >= at + sizeField else { return nil }
        var size: UInt64 = 0
        for index in (0..<sizeField).reversed() { size = size << 8 | UInt64(bytes[at + index]) }
        return sizeField == 2 ? size + 256 : size   // 2 bytes: at most 65,791
    }
}

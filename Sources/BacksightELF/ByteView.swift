extension UInt64 {
    /// `self + other`, or nil where it would wrap: offsets and sizes from a file may be anything.
    func adding(_ other: UInt64) -> UInt64? {
        let sum = addingReportingOverflow(other)
        return sum.overflow ? nil : sum.partialValue
    }
}

/// Bounds-checked, byte-order-aware reads from untrusted bytes. Every read returns nil
/// rather than trapping when it would leave the buffer.
struct ByteView {
    let bytes: UnsafeRawBufferPointer
    let bigEndian: Bool

    var count: Int { bytes.count }

    /// `width` (1, 2, 4 or 8) bytes at `offset`, as an unsigned number.
    func unsigned(at offset: UInt64, width: Int) -> UInt64? {
        guard let start = Int(exactly: offset), width > 0, width <= 8,
              start <= count, count - start >= width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[start + (bigEndian ? index : width - 1 - index)])
            value = (value << 8) | byte
        }
        return value
    }

    /// The bytes in `offset ..< offset + length`, clipped to the buffer.
    func slice(offset: UInt64, length: UInt64) -> UnsafeRawBufferPointer {
        guard let start = Int(exactly: offset), start < count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let available = count - start
        let wanted = Int(exactly: length).map { min($0, available) } ?? available
        return UnsafeRawBufferPointer(rebasing: bytes[start ..< start + wanted])
    }

    /// A NUL-terminated string at `offset`, read no further than `limit` bytes; nil without a NUL.
    func cString(at offset: UInt64, limit: Int = 4096) -> String? {
        let region = slice(offset: offset, length: UInt64(limit))
        guard let end = region.firstIndex(of: 0) else { return nil }
        return String(decoding: region[..<end], as: UTF8.self)
    }
}

/// Shannon entropy in bits per byte.
public func shannonEntropy(_ bytes: UnsafeRawBufferPointer) -> Double {
    guard !bytes.isEmpty else { return 0 }
    var histogram = [Int](repeating: 0, count: 256)
    histogram.withUnsafeMutableBufferPointer { counts in
        for byte in bytes { counts[Int(byte)] &+= 1 }
    }
    let total = Double(bytes.count)
    var entropy = 0.0
    for count in histogram where count > 0 {
        let probability = Double(count) / total
        entropy -= probability * log2(probability)
    }
    return entropy
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

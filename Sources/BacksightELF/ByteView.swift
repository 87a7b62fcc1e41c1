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

/// Lower-case hexadecimal digits of `bytes`, two per byte (build ids, digests).
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xf)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// Shannon entropy in bits per byte.
public func shannonEntropy(_ bytes: UnsafeRawBufferPointer) -> Double {
    guard !bytes.isEmpty else { return 0 }
    // Four interleaved histograms: runs of one byte value (common in ELF padding) would
    // otherwise make every increment wait for the previous one to the same counter.
    return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { counts -> Double in
        counts.initialize(repeating: 0)
        var index = 0
        let count = bytes.count
        // Each counter is UInt32; flush before any of them could overflow.
        var sinceFlush = 0
        var totals = [UInt64](repeating: 0, count: 256)
        func flush() {
            for value in 0..<256 {
                totals[value] &+= UInt64(counts[value]) &+ UInt64(counts[256 + value])
                    &+ UInt64(counts[512 + value]) &+ UInt64(counts[768 + value])
                counts[value] = 0; counts[256 + value] = 0; counts[512 + value] = 0; counts[768 + value] = 0
            }
            sinceFlush = 0
        }
        while count - index >= 4 {
            counts[Int(bytes[index])] &+= 1
            counts[256 + Int(bytes[index + 1])] &+= 1
            counts[512 + Int(bytes[index + 2])] &+= 1
            counts[768 + Int(bytes[index + 3])] &+= 1
            index += 4
            sinceFlush += 1
            if sinceFlush == 1 << 30 { flush() }
        }
        while index < count {
            counts[Int(bytes[index])] &+= 1
            index += 1
        }
        flush()
        let total = Double(count)
        var sum = 0.0
        for value in totals where value > 0 {
            let c = Double(value)
            sum += c * log2(c)
        }
        // H = log2(N) - (1/N) * sum(c * log2 c)
        return max(0, log2(total) - sum / total)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

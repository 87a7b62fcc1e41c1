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
    let digits: StaticString = "0123456789abcdef"
    let bytes = Array(bytes)
    return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        digits.withUTF8Buffer { digits in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digits[Int(byte >> 4)]
                out[2 * index + 1] = digits[Int(byte & 0xf)]
            }
        }
        return bytes.count * 2
    }
}

/// The first offset where `needle` occurs in `haystack` and `accept` takes that offset; nil
/// when there is none or `needle` is empty. `memchr` to each candidate first byte, then a
/// comparison.
public func firstOffset(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, where accept: (Int) -> Bool = { _ in true }) -> Int? {
    guard let first = needle.first, let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
    let lastStart = haystack.count - needle.count
    var position = 0
    while position <= lastStart {
        guard let hit = memchr(base + position, Int32(first), lastStart - position + 1) else { return nil }
        let start = base.distance(to: UnsafeRawPointer(hit))
        let matched = needle.withUnsafeBytes { $0.baseAddress.map { memcmp(base + start, $0, needle.count) == 0 } ?? false }
        if matched, accept(start) { return start }
        position = start + 1
    }
    return nil
}

/// Shannon entropy in bits per byte.
public func shannonEntropy(_ bytes: UnsafeRawBufferPointer) -> Double {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
    let count = bytes.count
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 256) { totals -> Double in
        totals.initialize(repeating: 0)
        if count < 2048 {
            for index in 0..<count { totals[Int(bytes[index])] &+= 1 }
        } else {
            byteHistogram(base, count: count, into: totals)
        }
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

/// Adds the number of times each byte value occurs in `count` bytes at `base` to `totals`.
///
/// Eight interleaved histograms fed from one 8-byte load each step: runs of one byte value
/// (common in ELF padding) would otherwise make every increment wait for the previous one to
/// the same counter. Counters are 32-bit, so the bytes go in chunks of at most 2^31.
private func byteHistogram(_ base: UnsafeRawPointer, count: Int, into totals: UnsafeMutableBufferPointer<UInt64>) {
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 * 256) { counts in
        var chunkStart = 0
        while chunkStart < count {
            let chunkEnd = chunkStart + min(count - chunkStart, 1 << 31)
            counts.initialize(repeating: 0)
            var index = chunkStart
            while chunkEnd - index >= 8 {
                let word = (base + index).loadUnaligned(as: UInt64.self)
                counts[Int(word & 0xff)] &+= 1
                counts[256 + Int((word >> 8) & 0xff)] &+= 1
                counts[512 + Int((word >> 16) & 0xff)] &+= 1
                counts[768 + Int((word >> 24) & 0xff)] &+= 1
                counts[1024 + Int((word >> 32) & 0xff)] &+= 1
                counts[1280 + Int((word >> 40) & 0xff)] &+= 1
                counts[1536 + Int((word >> 48) & 0xff)] &+= 1
                counts[1792 + Int(word >> 56)] &+= 1
                index += 8
            }
            while index < chunkEnd {
                counts[Int(base.load(fromByteOffset: index, as: UInt8.self))] &+= 1
                index += 1
            }
            for value in 0..<256 {
                var sum: UInt64 = 0
                for table in 0..<8 { sum &+= UInt64(counts[table * 256 + value]) }
                totals[value] &+= sum
            }
            chunkStart = chunkEnd
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

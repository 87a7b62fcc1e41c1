@testable import BacksightUnpack
import XCTest

/// Decoding real xz/lzma/raw bytes: streams, padding, damage reported at its offset, limits.
final class DecoderTests: XCTestCase {
    private let roomy = DecodeLimits(memory: 128 << 20, output: 1 << 30)

    private func decode(_ bytes: [UInt8], _ format: CompressionFormat, limits: DecodeLimits? = nil) -> (bytes: [UInt8], summary: DecodeSummary) {
        let (decoded, summary, _) = bytes.withUnsafeBytes {
            Decompressor.decode($0, format: format, limits: limits ?? roomy, keep: 1 << 30)
        }
        return (decoded.array, summary)
    }

    func testConcatenatedStreamsWithPaddingDecodeAsOne() throws {
        let first = try Fixtures.xz(Array("first stream\n".utf8))
        let second = try Fixtures.xz(Array("second stream\n".utf8), ["--check=sha256"])
        let (text, summary) = decode(first + [0, 0, 0, 0, 0, 0, 0, 0] + second, .xz)
        XCTAssertEqual(String(decoding: text, as: UTF8.self), "first stream\nsecond stream\n")
        XCTAssertEqual(summary.completeStreams, 2)
        XCTAssertEqual(summary.checks, [.crc64, .sha256])
        XCTAssertTrue(summary.integrityVerified)
        XCTAssertEqual(summary.consumed, UInt64(first.count + 8 + second.count))
    }

    func testPaddingThatIsNotAMultipleOfFourEndsTheData() throws {
        let stream = try Fixtures.xz(Array("x".utf8))
        let (_, summary) = decode(stream + [0, 0, 0], .xz)
        XCTAssertEqual(summary.completeStreams, 1)
        XCTAssertNil(summary.error)
        XCTAssertEqual(summary.consumed, UInt64(stream.count), "the three stray zeros are left to the caller")
    }

    func testTruncatedStreamIsReportedAtTheEndOfInput() throws {
        let stream = try Fixtures.xz(Array(repeating: UInt8(ascii: "a"), count: 10_000) + Array("tail".utf8))
        let cut = Array(stream.prefix(stream.count - 20))
        let (_, summary) = decode(cut, .xz)
        XCTAssertEqual(summary.error, .truncated(format: .xz, start: 0, offset: UInt64(cut.count)))
        XCTAssertEqual(summary.error?.code, "truncated-stream")
    }

    func testCorruptCheckFieldIsReportedAfterTheDamagedByte() throws {
        // One block, CRC64: the 8-byte check sits right before the index. Damage its first byte.
        let stream = try Fixtures.xz(Array("integrity matters\n".utf8))
        var damaged = stream
        let backwardSize = (Int(stream[stream.count - 8]) | Int(stream[stream.count - 7]) << 8) + 1
        let indexStart = stream.count - 12 - backwardSize * 4
        let checkStart = indexStart - 8
        damaged[checkStart] ^= 0x55
        let (_, summary) = decode(damaged, .xz)
        guard case let .corrupt(format, start, offset, _)? = summary.error else {
            return XCTFail("expected a corrupt stream, got \(String(describing: summary.error))")
        }
        XCTAssertEqual(format, .xz)
        XCTAssertEqual(start, 0)
        XCTAssertGreaterThan(offset, UInt64(checkStart))
        XCTAssertLessThanOrEqual(offset, UInt64(indexStart))
    }

    func testGarbageAtTheStartIsNotAStream() {
        let (_, summary) = decode(Array("plain text, not xz".utf8), .xz)
        XCTAssertEqual(summary.error?.code, "corrupt-stream")
        XCTAssertEqual(summary.error?.offset, 0)
    }

    func testLZMAAloneFile() throws {
        let text = Array(String(repeating: "lzma alone format\n", count: 50).utf8)
        let alone = try Fixtures.run("xz", ["-c", "--format=lzma"], input: text)
        XCTAssertTrue(alone.withUnsafeBytes { StreamHeaders.isLZMAAloneHeader(at: 0, in: $0) })
        let (decoded, summary) = decode(alone, .lzmaAlone)
        XCTAssertEqual(decoded, text)
        XCTAssertTrue(summary.isComplete)
        XCTAssertFalse(summary.integrityVerified, "LZMA_Alone carries no check")
    }

    func testRawLZMA2WhenTheCallerNamesIt() throws {
        let text = Array(String(repeating: "raw lzma2\n", count: 40).utf8)
        let raw = try Fixtures.run("xz", ["-c", "--format=raw", "--lzma2=dict=1MiB"], input: text)
        XCTAssertEqual(decode(raw, .rawLZMA2(dictionarySize: 1 << 20)).bytes, text)
    }

    /// What the corpus's stage-1 script does to good-large_compressed.lzma, step by step: keep
    /// the high-entropy blocks, take the tail, undo the tr byte-range permutation, and decode
    /// the result as raw LZMA1 (`xz -F raw --lzma1`).
    func testRawLZMA1StageTwoOfTheLargeBlob() throws {
        let plain = decode(try Fixtures.blob("good-large_compressed.lzma"), .lzmaAlone).bytes
        var hidden: [UInt8] = []
        for block in 0..<8 { hidden += plain[(block * 3072 + 1024)..<((block + 1) * 3072)] }
        let tail = Array(hidden[(16236 - 1)...])
        var permutation: [UInt8] = []
        for (low, high) in [(0x60, 0xFF), (0x20, 0x3F), (0x00, 0x1F), (0x40, 0x5F)] { permutation += (low...high).map(UInt8.init) }
        var inverse = [UInt8](repeating: 0, count: 256)
        for (value, byte) in permutation.enumerated() { inverse[Int(byte)] = UInt8(value) }
        let raw = tail.map { inverse[Int($0)] }
        let (stage2, summary) = decode(raw, .rawLZMA1(properties: 0x5D, dictionarySize: 8 << 20))
        XCTAssertTrue(summary.isComplete, "\(String(describing: summary.error))")
        XCTAssertTrue(String(decoding: stage2, as: UTF8.self).hasPrefix("#!/bin/sh\n# Backsight corpus replica, stage 2 (INERT)"))
    }

    func testDecoderMemoryLimit() throws {
        let stream = try Fixtures.xz(Array("needs a big dictionary".utf8), ["--lzma2=dict=32MiB"])
        let (_, summary) = decode(stream, .xz, limits: DecodeLimits(memory: 1 << 20, output: 1 << 20))
        guard case let .memoryLimit(_, start, needed, limit)? = summary.error else {
            return XCTFail("expected the memory limit, got \(String(describing: summary.error))")
        }
        XCTAssertEqual(start, 0)
        XCTAssertEqual(limit, 1 << 20)
        XCTAssertGreaterThan(needed, 32 << 20)
        XCTAssertEqual(summary.error?.code, "decoder-memory-limit")
    }

    /// 100 MB of zeros compressed once (about 15 KB), the stream repeated 100 times: 10 GB of
    /// output from 1.5 MB. Decoding stops exactly at the output limit, having read only the
    /// first streams, and the consumer never holds more than one chunk.
    func testDecompressionBombStopsAtTheOutputLimit() throws {
        let stream = try Fixtures.run("sh", ["-c", "head -c 100000000 /dev/zero | xz -0 -c --check=crc64"], input: [])
        XCTAssertLessThan(stream.count, 64 << 10)
        let bomb = Array([[UInt8]](repeating: stream, count: 100).joined())
        let limit: UInt64 = 300 << 20
        var largestChunk = 0
        var total: UInt64 = 0
        let summary = bomb.withUnsafeBytes { input in
            Decompressor.decode(input, format: .xz, limits: DecodeLimits(memory: 64 << 20, output: limit)) { chunk in
                largestChunk = max(largestChunk, chunk.count)
                total += UInt64(chunk.count)
                return true
            }
        }
        XCTAssertEqual(summary.produced, limit)
        XCTAssertEqual(total, limit)
        XCTAssertEqual(summary.completeStreams, 3, "three whole streams of 100 MB, the fourth stopped")
        XCTAssertEqual(summary.error?.code, "decoded-size-limit")
        guard case let .outputLimit(_, start, reportedLimit, _)? = summary.error else { return XCTFail("\(summary)") }
        XCTAssertEqual(start, UInt64(stream.count * 3), "the stream that hit the limit")
        XCTAssertEqual(reportedLimit, limit)
        XCTAssertLessThan(summary.consumed, UInt64(stream.count * 4))
        XCTAssertLessThanOrEqual(largestChunk, Decompressor.chunkSize)
    }
}

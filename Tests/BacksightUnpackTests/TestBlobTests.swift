@testable import BacksightUnpack
import XCTest

/// The corpus test blobs (Corpus/blobs, made by make-blobs.py): positives carry their fact,
/// negatives do not.
final class TestBlobTests: XCTestCase {
    func testCorruptNamedFileThatDecodesCleanlyIsNoticed() throws {
        let (result, members) = Fixtures.unpack(try Fixtures.blob("bad-1-corrupt_header.xz"), path: "tests/files/bad-1-corrupt_header.xz")
        let fact = try XCTUnwrap(result.facts.first { $0.name == UnpackFact.corruptNameDecodesCleanly })
        XCTAssertTrue(fact.evidence[0].detail?.contains("CRC64 verified") == true, "\(fact)")
        XCTAssertEqual(result.container, "xz")
        XCTAssertEqual(members.map(\.path), ["/bad-1-corrupt_header"])
        let text = String(decoding: try XCTUnwrap(members.first?.content.bytes), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("Backsight corpus: this file is named corrupt but decodes cleanly."))
        XCTAssertFalse(result.facts.contains { $0.name == UnpackFact.swapRepairsStream })
    }

    func testSwapRepairsTheBad3BlobIntoAShellScript() throws {
        let (result, members) = Fixtures.unpack(try Fixtures.blob("bad-3-corrupt_lzma2.xz"), path: "tests/files/bad-3-corrupt_lzma2.xz")
        XCTAssertTrue(members.isEmpty, "a file that does not decode yields no member")
        XCTAssertTrue(result.problems.contains { $0.code == "corrupt-stream" }, "\(result.problems)")
        let swap = try XCTUnwrap(result.facts.first { $0.name == UnpackFact.swapRepairsStream })
        XCTAssertEqual(swap.evidence[0].value, "swap tab<->space, '-'<->'_'")
        XCTAssertTrue(swap.evidence[0].detail?.contains("3 valid xz stream(s) with CRC64 verified") == true, "\(swap)")
        let payload = try XCTUnwrap(result.payloads.first { $0.name == "swap-repaired" })
        XCTAssertEqual(payload.summary.completeStreams, 3)
        let script = String(decoding: payload.bytes.array, as: UTF8.self)
        XCTAssertTrue(script.hasPrefix("####Hello####\n"))
        XCTAssertTrue(script.hasSuffix("####World####\n"))
        let shell = try XCTUnwrap(payload.facts.first { $0.name == UnpackFact.shellScriptPayload })
        let values = Set(shell.evidence.map(\.value))
        XCTAssertTrue(values.isSuperset(of: ["eval", "head -c", "tail -c", "xz -F raw", "####Hello####", "####World####"]), "\(values)")
        XCTAssertFalse(result.facts.contains { $0.name == UnpackFact.corruptNameDecodesCleanly })
    }

    func testGenuinelyCorruptBlobIsReportedWithItsOffsetAndNotRepaired() throws {
        let bytes = try Fixtures.blob("bad-2-corrupt_stream.xz")
        let (result, members) = Fixtures.unpack(bytes, path: "tests/files/bad-2-corrupt_stream.xz")
        XCTAssertTrue(members.isEmpty)
        XCTAssertTrue(result.facts.isEmpty, "\(result.facts)")
        XCTAssertTrue(result.payloads.isEmpty)
        let problem = try XCTUnwrap(result.problems.first)
        XCTAssertEqual(problem.code, "corrupt-stream")
        // make-blobs.py overwrites 8 bytes from the middle of the file: the decoder cannot
        // notice before reaching them, and it notices before the stream's end.
        XCTAssertGreaterThanOrEqual(problem.offset, UInt64(bytes.count / 2))
        XCTAssertLessThan(problem.offset, UInt64(bytes.count))
    }

    func testCleanCompressedTextCarriesNoFact() throws {
        let (result, members) = Fixtures.unpack(try Fixtures.blob("good-1-compressed.xz"), path: "tests/files/good-1-compressed.xz")
        XCTAssertTrue(result.facts.isEmpty, "\(result.facts)")
        XCTAssertTrue(result.problems.isEmpty, "\(result.problems)")
        XCTAssertEqual(members.count, 1)
        let text = try XCTUnwrap(members.first?.content.bytes)
        XCTAssertEqual(text.filter { $0 == 0x0A }.count, 120, "make-blobs.py writes 120 lines")
    }

    func testFillerLayoutOfTheLargeLzmaBlob() throws {
        let (result, members) = Fixtures.unpack(try Fixtures.blob("good-large_compressed.lzma"), path: "tests/files/good-large_compressed.lzma")
        XCTAssertEqual(result.container, "lzma")
        let content = try XCTUnwrap(members.first?.content.bytes)
        XCTAssertEqual(content.count, 8 * (1024 + 2048))
        // The member is analysed like a file: its own bytes show the layout.
        let inner = Fixtures.unpack(content, path: "tests/files/good-large_compressed.lzma!/good-large_compressed").result
        let fact = try XCTUnwrap(inner.facts.first { $0.name == UnpackFact.fillerEntropyLayout })
        XCTAssertEqual(fact.evidence[0].value, "8 x [1024 bytes of 'A'.. + 2048 high-entropy bytes], period 3072")
        XCTAssertEqual(fact.evidence[0].offset, 0)
    }

    func testEmbeddedStreamIsCarvedAndHoldsAnELFObject() throws {
        let (result, members) = Fixtures.unpack(try Fixtures.blob("good-embedded.bin"), path: "tests/files/good-embedded.bin")
        XCTAssertTrue(members.isEmpty)
        let payload = try XCTUnwrap(result.payloads.first)
        XCTAssertEqual(payload.name, "xz@0x1fd")
        XCTAssertEqual(payload.offset, 509)
        let object = try Fixtures.corpusFile("ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o")
        XCTAssertEqual(payload.bytes.array, object)
        XCTAssertTrue(payload.summary.integrityVerified)
        XCTAssertEqual(result.facts.first?.name, UnpackFact.embeddedCompressedStream)
        XCTAssertEqual(result.facts.first?.evidence.first?.offset, 509)
        XCTAssertTrue(payload.facts.contains { $0.name == UnpackFact.embeddedCompressedStream })
    }
}

@testable import BacksightUnpack
import XCTest

/// Carving streams out of other bytes, and the heuristics on bytes the tests build.
final class CarverAndHeuristicTests: XCTestCase {
    func testCarverFindsXZAndLZMAStreamsAmongJunk() throws {
        let xz = try Fixtures.xz(Array("carved xz\n".utf8))
        let lzma = try Fixtures.run("xz", ["-c", "--format=lzma"], input: Array("carved lzma\n".utf8))
        // Junk with look-alikes: the xz magic with broken flags, and ']' followed by zeros.
        let junk: [UInt8] = [0x01, 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0x5D, 0, 0, 0, 0, 0, 0]
        let bytes = junk + xz + junk + lzma + junk
        let found = bytes.withUnsafeBytes { StreamCarver.candidates(in: $0) }
        XCTAssertEqual(found, [StreamCandidate(offset: junk.count, format: .xz),
                               StreamCandidate(offset: junk.count * 2 + xz.count, format: .lzmaAlone)])

        let (result, members) = Fixtures.unpack(bytes, path: "usr/share/blob.bin")
        XCTAssertTrue(members.isEmpty)
        XCTAssertEqual(result.payloads.map(\.name), ["xz@0x\(String(junk.count, radix: 16))", "lzma@0x\(String(junk.count * 2 + xz.count, radix: 16))"])
        XCTAssertEqual(result.payloads.map { String(decoding: $0.bytes.array, as: UTF8.self) }, ["carved xz\n", "carved lzma\n"])
        XCTAssertEqual(result.facts.first { $0.name == UnpackFact.embeddedCompressedStream }?.evidence.compactMap(\.offset),
                       [UInt64(junk.count), UInt64(junk.count * 2 + xz.count)])
    }

    /// Code and tables hold many chance LZMA_Alone headers (cifs.ko has dozens) whose data breaks
    /// off as damage: they are noise, and must not use up the payload budget before a real stream.
    func testChanceLZMAHeadersDoNotUseUpThePayloadBudget() throws {
        var state: UInt32 = 0x2545F491
        func next() -> UInt8 {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
        var bytes: [UInt8] = []
        var chance = 0
        for _ in 0..<80 {
            // properties 0x5D, a 64 KiB dictionary, unknown size, the range coder's leading zero
            bytes += [0x5D, 0x00, 0x00, 0x01, 0x00] + [UInt8](repeating: 0xFF, count: 8) + [0x00]
            bytes += (0..<200).map { _ in next() }
            chance += 1
        }
        let offset = bytes.count
        bytes += try Fixtures.xz(Array("after the noise\n".utf8))
        XCTAssertGreaterThan(bytes.withUnsafeBytes { StreamCarver.candidates(in: $0) }.count, UnpackLimits().payloadsPerFile)
        let (result, _) = Fixtures.unpack(bytes, path: "lib/modules/x/kernel/fs/x.ko")
        XCTAssertFalse(result.problems.contains { $0.description.contains("streams; the rest are not decoded") }, "\(result.problems)")
        let payload = try XCTUnwrap(result.payloads.first { $0.name == "xz@0x\(String(offset, radix: 16))" }, "\(result.payloads.map(\.name))")
        XCTAssertEqual(String(decoding: payload.bytes.array, as: UTF8.self), "after the noise\n")
        XCTAssertEqual(chance, 80)
    }

    /// A bzImage's compressed kernel sits where its boot header says: the declared payload is
    /// decoded but not counted as an embedded stream; a stream anywhere else still is.
    func testKernelImagePayloadAtTheDeclaredOffsetIsNotEmbedded() throws {
        let xz = try Fixtures.xz(Array(String(repeating: "kernel ", count: 64).utf8))
        func image(streamAt start: Int, declaring declared: Int) -> [UInt8] {
            Fixtures.kernelImage(payload: xz, at: start, declaringOffset: declared)
        }
        let declared = image(streamAt: 0x900, declaring: 0x900)
        XCTAssertEqual(declared.withUnsafeBytes { KernelImageHeader.read($0) }?.payloadOffset, 0x900)
        let (kernel, _) = Fixtures.unpack(declared, path: "srv/images/kernel.img")
        XCTAssertEqual(kernel.payloads.map(\.name), ["xz@0x900"])
        XCTAssertFalse(kernel.facts.contains { $0.name == UnpackFact.embeddedCompressedStream }, "\(kernel.facts)")
        XCTAssertFalse(kernel.payloads[0].facts.contains { $0.name == UnpackFact.embeddedCompressedStream })

        let (elsewhere, _) = Fixtures.unpack(image(streamAt: 0xA00, declaring: 0x900), path: "srv/images/kernel.img")
        XCTAssertTrue(elsewhere.facts.contains { $0.name == UnpackFact.embeddedCompressedStream })
    }

    func testCarvedStreamThatIsCutShortIsAProblemWithItsOffset() throws {
        let xz = try Fixtures.xz(Array(String(repeating: "some text ", count: 500).utf8))
        let bytes = [UInt8](repeating: 0x41, count: 100) + xz.prefix(xz.count / 2)
        let (result, _) = Fixtures.unpack(bytes, path: "blob")
        let problem = try XCTUnwrap(result.problems.first)
        XCTAssertEqual(problem.code, "truncated-stream")
        XCTAssertEqual(problem.offset, UInt64(bytes.count))
        XCTAssertTrue(problem.description.contains("stream at offset 100"), problem.description)
        XCTAssertFalse(result.facts.contains { $0.name == UnpackFact.embeddedCompressedStream })
    }

    func testNestedStreamsAreFollowedToTheDepthLimit() throws {
        let inner = try Fixtures.xz(Array("innermost\n".utf8))
        let middle = try Fixtures.xz([0x42, 0x42, 0x42, 0x42] + inner)
        let outer = [0x43, 0x43, 0x43, 0x43] + middle
        let (result, _) = Fixtures.unpack(outer, path: "blob")
        let first = try XCTUnwrap(result.payloads.first)
        XCTAssertEqual(first.name, "xz@0x4")
        XCTAssertEqual(first.payloads.first?.name, "xz@0x4")
        XCTAssertEqual(first.payloads.first.map { String(decoding: $0.bytes.array, as: UTF8.self) }, "innermost\n")

        var shallow = UnpackLimits()
        shallow.depth = 2
        let limited = Fixtures.unpack(outer, path: "blob", limits: shallow).result
        XCTAssertEqual(limited.payloads.count, 1)
        XCTAssertTrue(limited.payloads[0].payloads.isEmpty, "depth 1 is the file, depth 2 its payload; no deeper")
    }

    func testXorDisguisedXZHeaderIsRecognisedAndDecoded() throws {
        let xz = try Fixtures.xz(Array("disguised\n".utf8))
        let disguised = xz.map { $0 ^ 0x5A }
        let (result, _) = Fixtures.unpack(disguised, path: "data.bin")
        let fact = try XCTUnwrap(result.facts.first { $0.name == UnpackFact.substitutedCompressionMagic })
        XCTAssertEqual(fact.evidence[0].value, "xz header under XOR 0x5a")
        XCTAssertEqual(result.payloads.first?.name, "unsubstituted")
        XCTAssertEqual(result.payloads.first.map { String(decoding: $0.bytes.array, as: UTF8.self) }, "disguised\n")
    }

    func testAddedKeyDisguisedLZMAHeaderIsRecognised() throws {
        let lzma = try Fixtures.run("xz", ["-c", "--format=lzma"], input: Array(String(repeating: "hidden lzma ", count: 20).utf8))
        let disguised = lzma.map { $0 &+ 0x13 }
        let (result, _) = Fixtures.unpack(disguised, path: "data.bin")
        XCTAssertEqual(result.facts.first { $0.name == UnpackFact.substitutedCompressionMagic }?.evidence.first?.value,
                       "lzma header under addition of 0x13")
    }

    func testPlainRandomDataHasNoFacts() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        let bytes: [UInt8] = (0..<65536).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        let (result, members) = Fixtures.unpack(bytes, path: "random.bin")
        XCTAssertTrue(result.facts.isEmpty, "\(result.facts)")
        XCTAssertTrue(members.isEmpty)
    }

    func testFillerLayoutNeedsThreePeriods() {
        var state: UInt32 = 12345
        func noise(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in state = state &* 1_103_515_245 &+ 12345; return UInt8(truncatingIfNeeded: state >> 16) }
        }
        let two = [UInt8](repeating: 0, count: 512) + noise(1024) + [UInt8](repeating: 0, count: 512) + noise(1024)
        XCTAssertNil(two.withUnsafeBytes { FillerLayout.detect($0) })
        let four = two + two
        let layout = four.withUnsafeBytes { FillerLayout.detect($0) }
        XCTAssertEqual(layout?.repeats, 4)
        XCTAssertEqual(layout?.period, 1536)
    }

    /// The strided run search finds exactly the runs a byte-by-byte scan finds, wherever they
    /// start and however long they are (around the 256-byte minimum).
    func testFillerRunsMatchAByteByByteScan() {
        var state: UInt32 = 777
        func random() -> UInt32 { state = state &* 1_664_525 &+ 1_013_904_223; return state >> 8 }
        for _ in 0..<50 {
            var bytes: [UInt8] = []
            while bytes.count < 20_000 {
                if random() % 3 == 0 {
                    bytes += [UInt8](repeating: UInt8(truncatingIfNeeded: random() % 4), count: 200 + Int(random() % 200))
                } else {
                    bytes += (0..<Int(1 + random() % 700)).map { _ in UInt8(truncatingIfNeeded: random()) }
                }
            }
            var expected: [(Int, Int, UInt8)] = []
            var index = 0
            while index < bytes.count {
                var end = index + 1
                while end < bytes.count, bytes[end] == bytes[index] { end += 1 }
                if end - index >= FillerLayout.minimumFiller { expected.append((index, end - index, bytes[index])) }
                index = end
            }
            let found = bytes.withUnsafeBytes { FillerLayout.runs(in: $0) }
            XCTAssertEqual(found.map(\.offset), expected.map(\.0))
            XCTAssertEqual(found.map(\.length), expected.map(\.1))
        }
    }

    func testShellMarkersNeedAnInterpreterOrThreeKinds() {
        let script = Array("#!/bin/sh\necho hello\n".utf8)
        XCTAssertNotNil(script.withUnsafeBytes { ShellScriptMarkers.find(in: $0) })
        let prose = Array("This text mentions eval once and nothing else of note.\n".utf8)
        XCTAssertNil(prose.withUnsafeBytes { ShellScriptMarkers.find(in: $0) })
        let stage = Array("x=$(head -c 10 f | tail -c 5)\neval \"$x\"\n".utf8)
        XCTAssertEqual(stage.withUnsafeBytes { ShellScriptMarkers.find(in: $0) }?.map(\.value), ["eval", "head -c", "tail -c"])
    }

    func testTestFileNames() {
        let inTests = TestFileName(path: "xz-5.6.0/tests/files/corrupt_stream.xz")
        XCTAssertEqual(inTests.testEvidence, "in a 'tests' directory")
        XCTAssertEqual(inTests.brokenWord, "corrupt")
        let conventional = TestFileName(path: "bad-1-corrupt_header.xz")
        XCTAssertNotNil(conventional.testEvidence)
        XCTAssertNil(TestFileName(path: "usr/share/doc/bad-news.xz").testEvidence)
        XCTAssertNil(TestFileName(path: "tests/files/good-1-compressed.xz").brokenWord)
        XCTAssertEqual(TestFileName(path: "pkg.deb!/lib/modules/x.ko.xz").decodedName, "x.ko")
        XCTAssertEqual(TestFileName(path: "rootfs.txz").decodedName, "rootfs.tar")
    }
}

import Foundation
import XCTest
@testable import BacksightUnpack

/// Inputs the fuzz targets found (Benchmarks/FUZZING.md), kept so the fixes stay.
final class FuzzRegressionTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    /// FuzzContainers: a SquashFS super block whose table offsets are near 2^64, carved behind a
    /// 4 KiB vendor header, made the offset of its problem overflow and trap. It is a reported
    /// problem now, at a saturated offset, and the unpacking ends normally.
    func testSquashfsTableOffsetNearTheTopIsAProblemNotATrap() throws {
        let crash = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("crash-squashfs-table-offset-overflow")))
        let header = Array("BKSTFUZZ".utf8) + [UInt8](repeating: 0, count: 4096 - 8)
        for (bytes, path) in [(crash, "firmware/image.bin"), (header + crash, "firmware/vendor.bin")] {
            let (result, _) = Fixtures.unpack(bytes, path: path)
            XCTAssertFalse(result.problems.isEmpty, "\(path): the damaged image is reported")
        }
    }

    /// FuzzContainers: a SquashFS super block whose fragment count asked libsquashfs for a 16 GiB
    /// fragment table. The table's size is checked against the decoder-memory limit first.
    func testSquashfsFragmentCountOverTheMemoryLimitIsRefused() throws {
        let input = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("oom-squashfs-fragment-count")))
        let (result, _) = Fixtures.unpack(input, path: "firmware/image.bin")
        XCTAssertTrue(result.problems.contains { "\($0)".contains("over the decoder memory limit") }, "\(result.problems)")
    }

    /// FuzzContainers (the run after the cpio name check): a zstd frame carved from a firmware blob
    /// stating a single-segment content size of 2^64 - 1 made the decoder-memory estimate (size
    /// plus overhead) overflow and trap. The sum saturates now, and the frame is refused as over
    /// the decoder-memory limit.
    func testZstdContentSizeNearTheTopIsAProblemNotATrap() throws {
        let crash = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent("crash-zstd-content-size-overflow")))
        let header = Array("BKSTFUZZ".utf8) + [UInt8](repeating: 0, count: 4096 - 8)
        for (bytes, path) in [(crash, "firmware/image.bin"), (header + crash, "firmware/vendor.bin")] {
            _ = Fixtures.unpack(bytes, path: path)
        }
        let need = crash.withUnsafeBytes { DecoderMemory.required(UnsafeRawBufferPointer(rebasing: $0[0x1C...]))?.bytes }
        XCTAssertEqual(need, UInt64.max)
    }

    /// FuzzContainers: a gzipped newc cpio with a header stating a name of 2.4 GB, reached after
    /// damaged bytes, made libarchive allocate that much before failing. The decoded bytes are
    /// checked first; libarchive reads only those before the oversized header, and the rest is a
    /// problem.
    func testCpioNameSizeOverTheLimitStopsTheReadingBeforeLibarchiveAllocatesIt() throws {
        func header(name: String, nameSize: Int? = nil, size: Int, mode: Int = 0o100644) -> [UInt8] {
            let stated = nameSize ?? (name.utf8.count + 1)
            let fields = [1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, stated, 0]
            var bytes = Array("070701".utf8) + fields.flatMap { Array(String(format: "%08X", $0).utf8) } + Array(name.utf8) + [0]
            while bytes.count % 4 != 0 { bytes.append(0) }
            return bytes
        }
        let content = Array("first\n".utf8)
        var cpio = header(name: "ok.txt", size: content.count) + content + [0, 0]
        // Damaged bytes first: libarchive searches past them for the next header (it resynchronises),
        // so the oversized header is reached from inside the reading of the one before.
        cpio += [UInt8](repeating: 0x78, count: 100)
        cpio += header(name: "huge", nameSize: 0x9000_0000, size: 0) + [UInt8](repeating: 0x41, count: 4096)
        for (bytes, name) in [(cpio, "plain.cpio"), (try Fixtures.run("gzip", ["-c"], input: cpio), "hostile.cpio.gz"),
                              (try Fixtures.run("bzip2", ["-c"], input: cpio), "hostile.cpio.bz2")] {
            let (result, members) = Fixtures.unpack(bytes, path: name)
            XCTAssertEqual(members.map(\.path), ["/ok.txt"], name)
            XCTAssertTrue(result.problems.contains { $0.description.contains("states a name of \(0x9000_0000) bytes, over the limit") }, "\(name): \(result.problems)")
        }
    }
}

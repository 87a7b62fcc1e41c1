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
}

import BacksightLimits
import BacksightTestSupport
@testable import BacksightUnpack
import Foundation
import XCTest

/// Decoded sizes read from what a stream declares (an xz index), the output sized once from
/// them, and the reservation of a kernel image's declared payload in the scan's memory budget.
final class DeclaredSizeTests: XCTestCase {
    private func decodedCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { Decompressor.decode($0, format: .xz, limits: DecodeLimits(memory: 128 << 20, output: 1 << 30), keep: 1 << 30).bytes.count }
    }

    private func declared(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) -> UInt64? {
        bytes.withUnsafeBytes { DeclaredSize.xz($0, start: start, end: end ?? bytes.count) }
    }

    func testTheIndexOfACorpusStreamGivesItsDecodedSize() throws {
        let stream = try Fixtures.blob("good-1-compressed.xz")
        XCTAssertEqual(declared(stream), UInt64(decodedCount(stream)))
        XCTAssertEqual(declared(stream), 10_602)
        // A bzImage payload carries the decoded length in 4 more bytes after the stream.
        XCTAssertEqual(declared(stream + [0x6A, 0x29, 0, 0]), 10_602)
        // Not a stream from `start` to its footer: a byte before it, or the footer cut off.
        XCTAssertNil(declared([0] + stream, start: 0))
        XCTAssertNil(declared(stream, end: stream.count - 1))
        XCTAssertNil(declared(stream + [0, 0, 0, 0, 0, 0, 0, 0]))
    }

    func testADamagedIndexOrFooterGivesNoSize() throws {
        let stream = try Fixtures.blob("good-1-compressed.xz")
        // The index is the last bytes before the 12-byte footer; its CRC32 covers it.
        var index = stream
        index[stream.count - 12 - 6] ^= 0x01
        XCTAssertNil(declared(index))
        var footer = stream
        footer[stream.count - 7] ^= 0x01   // backward size, under the footer's CRC32
        XCTAssertNil(declared(footer))
    }

    func testTheSizesOfAllBlocksAddUp() throws {
        let text = Array((0..<40_000).map { "line \($0)\n" }.joined().utf8)
        let stream = try Fixtures.xz(text, ["--block-size=65536"])
        XCTAssertEqual(declared(stream), UInt64(text.count))
    }

    func testOutputSizedFromTheDeclaredSizeIsAllocatedOnce() throws {
        let accumulator = ByteAccumulator(limit: 1 << 20)
        accumulator.reserveCapacity(300_000)
        XCTAssertEqual(accumulator.capacity, 300_000)
        let chunk = [UInt8](repeating: 0x41, count: 64 << 10)
        var appended = 0
        while appended < 300_000 {
            let part = min(chunk.count, 300_000 - appended)
            XCTAssertTrue(chunk.withUnsafeBytes { accumulator.append(UnsafeRawBufferPointer(rebasing: $0[0..<part])) })
            appended += part
        }
        XCTAssertEqual(accumulator.capacity, 300_000, "filled exactly, never doubled")
        // A size that lied low: the buffer still grows and keeps every byte.
        XCTAssertTrue(chunk.withUnsafeBytes { accumulator.append($0) })
        XCTAssertEqual(accumulator.count, 300_000 + chunk.count)
        // Capped by the limit, never trusting the declared size beyond it.
        let capped = ByteAccumulator(limit: 1000)
        capped.reserveCapacity(1 << 40)
        XCTAssertEqual(capped.capacity, 1000)
    }

    func testAKernelImagesDeclaredPayloadIsReservedInTheMemoryBudgetUntilTheFileIsDone() throws {
        let kernel = Array(String(repeating: "decompressed kernel ", count: 3000).utf8)
        let size = UInt32(kernel.count)
        let payload = try Fixtures.xz(kernel) + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
        let image = Fixtures.kernelImage(payload: payload, at: 0x900, declaringOffset: 0x900)
        let account = MemoryBudget(limit: 1 << 30).account()
        var heldAfterUnpacking: UInt64 = 0
        var decoded: [UInt8] = []
        account.holding(0) {
            let budget = UnpackBudget(limits: UnpackLimits(), memory: account)
            let result = image.withUnsafeBytes { Unpacker().unpack(path: "boot/vmlinuz", bytes: $0, budget: budget) { _ in true } }
            decoded = result.payloads.first?.bytes.array ?? []
            heldAfterUnpacking = account.held
        }
        XCTAssertEqual(decoded, kernel)
        XCTAssertEqual(heldAfterUnpacking, 2 * UInt64(kernel.count))
        XCTAssertEqual(account.held, 0)
    }

    /// A stream that declares no decoded size (LZMA_Alone written from a pipe) holds twice
    /// what it decoded to once it is decoded, until the file is done.
    func testAStreamWithoutADeclaredSizeIsReservedOnceDecoded() throws {
        let content = Array(String(repeating: "streamed without a size ", count: 4000).utf8)
        let stream = try Fixtures.xz(content, ["--format=lzma"])
        XCTAssertEqual(Array(stream[5..<13]), [UInt8](repeating: 0xFF, count: 8), "the header leaves the size unknown")
        let account = MemoryBudget(limit: 1 << 30).account()
        var heldAfterUnpacking: UInt64 = 0
        var members = 0
        account.holding(0) {
            let budget = UnpackBudget(limits: UnpackLimits(), memory: account)
            _ = stream.withUnsafeBytes {
                Unpacker().unpack(path: "notes.lzma", bytes: $0, budget: budget) { found in
                    if case let .file(data) = found.content, data.elementsEqual(content) { members += 1 }
                    return true
                }
            }
            heldAfterUnpacking = account.held
        }
        XCTAssertEqual(members, 1)
        XCTAssertEqual(heldAfterUnpacking, 2 * UInt64(content.count))
        XCTAssertEqual(account.held, 0)
    }

    /// A member decoded out of a compressed archive holds twice its size of the budget while it
    /// is read and handed on, and gives it back after; one read in place out of a plain tar
    /// holds nothing more (the file's own reservation covers its bytes).
    func testADecodedMemberIsReservedWhileItIsHandedOn() throws {
        let member = [UInt8](repeating: 0x41, count: 3 << 20)
        let builder = try PackageBuilder()
        defer { builder.remove() }
        let tree = try builder.tree("t", [.file("big.bin", member)])
        try PackageBuilder.run("/usr/bin/tar", ["-cf", builder.directory + "/a.tar", "-C", tree, "big.bin"])
        let plain = Array(try Data(contentsOf: URL(fileURLWithPath: builder.directory + "/a.tar")))
        for (archive, expected) in [(try Fixtures.xz(plain), 2 * UInt64(member.count)), (plain, 0)] {
            let account = MemoryBudget(limit: 1 << 30, smallest: 2 << 20).account()
            var heldDuringMember: UInt64?
            let budget = UnpackBudget(limits: UnpackLimits(), memory: account)
            _ = archive.withUnsafeBytes { bytes in
                Unpacker().unpack(path: "a.tar", bytes: bytes, budget: budget) { found in
                    if case let .file(data) = found.content, data.count == member.count { heldDuringMember = account.held }
                    return true
                }
            }
            XCTAssertEqual(heldDuringMember, expected, archive == plain ? "plain tar" : "tar.xz")
            XCTAssertEqual(account.held, 0)
        }
    }

    /// A SquashFS member is decoded into memory as well: it holds twice its size while it is
    /// handed on, and nothing after.
    func testASquashfsMemberIsReservedWhileItIsHandedOn() throws {
        let image = try Fixtures.corpusFile("images/rootfs.xz.sqfs")
        let account = MemoryBudget(limit: 1 << 30).account()
        let budget = UnpackBudget(limits: UnpackLimits(), memory: account)
        var held: [UInt64] = []
        var expected: [UInt64] = []
        _ = image.withUnsafeBytes { bytes in
            Unpacker().unpack(path: "rootfs.xz.sqfs", bytes: bytes, budget: budget) { found in
                if case let .file(data) = found.content, !data.isEmpty {
                    held.append(account.held)
                    expected.append(2 * UInt64(data.count))
                }
                return true
            }
        }
        XCTAssertGreaterThan(held.count, 5)
        XCTAssertEqual(held, expected)
        XCTAssertEqual(account.held, 0)
    }

    /// Debian 12's amd64 kernel image, when this machine has it (`MEASURING.md` says how to get it).
    func testTheDeclaredSizeOfARealKernelImagesPayload() throws {
        let path = "/var/tmp/kernels/amd64/boot/vmlinuz-6.1.0-57-amd64"
        guard let data = FileManager.default.contents(atPath: path) else {
            print("note: \(path) is absent; the real kernel image is not checked")
            return
        }
        let bytes = Array(data)
        let header = try XCTUnwrap(bytes.withUnsafeBytes { KernelImageHeader.read($0) })
        let end = header.payloadOffset + header.payloadLength
        let trailer = bytes[(end - 4)..<end].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let size = try XCTUnwrap(declared(bytes, start: header.payloadOffset, end: end))
        XCTAssertEqual(size, trailer)
        XCTAssertEqual(size, UInt64(decodedCount(Array(bytes[header.payloadOffset..<end]))))
    }
}

import XCTest
import BacksightELF
@testable import BacksightCode

/// `ObjectImage` places addresses in a precomputed cut of the address space with a last-hit
/// cache; these tests hold it to the plain rule (of the last five mapped sections starting at or
/// below the address, the one starting last that holds it) at every section edge of real files,
/// asked in an order that moves back and forth.
final class ObjectImageLookupTests: XCTestCase {
    func testSectionLookupsFollowThePlainRule() throws {
        for path in [
            "programs/shm-dropper/x86_64/shm_dropper",
            "programs/shm-dropper/x86_64/shm_dropper-static-stripped",
            "programs/shm-dropper/armhf/shm_dropper",
            "programs/shm-dropper/mipsel/clang-O2-lld/shm_dropper",
            // A relocatable object: every section at address 0, overlapping.
            "kernel/ftrace-hook-legacy/x86_64/ftrace-hook-legacy.ko",
        ] {
            try withCorpusImage(path) { image in
                let model = image.model
                let buffer = image.bytes
                let mapped = model.sections.filter { $0.isAllocated && $0.size > 0 }.sorted { $0.address < $1.address }
                XCTAssertFalse(mapped.isEmpty, path)
                var probes: [UInt64] = []
                for section in mapped {
                    let end = section.address &+ section.size
                    probes += [section.address &- 1, section.address, section.address &+ section.size / 2, end &- 1, end, end &+ 1]
                }
                // Forward, backward, then interleaved: the last-hit cache must never answer for a neighbour.
                let order = probes + probes.reversed() + zip(probes, probes.reversed()).flatMap { [$0, $1] }
                var plt = 0
                for address in order {
                    let expected = Self.plainSection(holding: address, in: mapped)
                    XCTAssertEqual(image.section(at: address)?.index, expected?.index, "\(path) 0x\(String(address, radix: 16))")
                    XCTAssertEqual(image.isExecutable(address), expected?.isExecutable ?? false, path)
                    let name = expected?.name ?? ""
                    XCTAssertEqual(image.isGOT(address), name == ".got" || name == ".got.plt", path)
                    let isPLT = name.hasPrefix(".plt") || name == ".iplt" || name == ".MIPS.stubs"
                    XCTAssertEqual(image.isPLT(address), isPLT, path)
                    if isPLT { plt += 1 }
                    let window = image.bytes(at: address, count: 16)
                    var stored: [UInt8] = []
                    if let expected, expected.hasFileBytes, Int(expected.offset + (address - expected.address)) < buffer.count {
                        let offset = Int(expected.offset + (address - expected.address))
                        let length = min(16, Int(expected.size - (address - expected.address)), buffer.count - offset)
                        stored = Array(buffer[offset ..< offset + length])
                    }
                    XCTAssertEqual(Array(window), stored, path)
                }
                if path.hasSuffix("x86_64/shm_dropper") { XCTAssertGreaterThan(plt, 0, "the dynamic x86-64 sample has a PLT") }
            }
        }
    }

    private static func plainSection(holding address: UInt64, in mapped: [ELFSection]) -> ELFSection? {
        let low = mapped.filter { $0.address <= address }.count
        for index in stride(from: low - 1, through: max(0, low - 4), by: -1) where mapped[index].contains(address: address) {
            return mapped[index]
        }
        return nil
    }
}

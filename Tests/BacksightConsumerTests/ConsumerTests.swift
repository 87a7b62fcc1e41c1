// A small consumer of the library: it imports only the public `Backsight` product, as another
// Swift package would, and uses nothing but its documented API.
import Backsight
import Foundation
import XCTest

final class ConsumerTests: XCTestCase {
    func testScanATreeAndABufferThroughThePublicAPI() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/arch/hello").path
        let rules = try RuleSet.compile(directories: [])
        let scanner = Scanner(ruleSet: rules, options: ScanOptions(jobs: 2))

        var architectures: Set<String> = []
        var summary = ScanSummary()
        for await report in try scanner.scan(root: corpus) {
            summary.record(report)
            if let architecture = report.architecture { architectures.insert(architecture) }
        }
        XCTAssertGreaterThanOrEqual(summary.elfFiles, 27)
        XCTAssertTrue(architectures.isSuperset(of: ["x86_64", "aarch64", "arm", "mips", "mipsel", "riscv64", "i386"]))

        let bytes = try Data(contentsOf: URL(fileURLWithPath: corpus + "/mips/libhello.so"))
        let report = bytes.withUnsafeBytes { scanner.scan(bytes: $0, path: "lib/libhello.so") }
        XCTAssertEqual(report.kind, .elf)
        XCTAssertEqual(report.architecture, "mips")
        XCTAssertEqual(report.verdict, .clean)
    }
}

import Foundation
import XCTest
import Backsight
import BacksightTestSupport

/// The per-kernel summary of a tree: modules by release, signed or not, in tree or not, and the
/// version string of an x86 kernel image, in JSON Lines and SARIF.
final class KernelSummaryTests: XCTestCase {
    private func module(_ sample: String, _ arch: String) throws -> Data {
        try Data(contentsOf: Checkout.corpus.appendingPathComponent("kernel/\(sample)/\(arch)/\(sample).ko"))
    }

    /// sign-file's trailer: a PKCS#7 stand-in, struct module_signature (PKCS#7, length), the magic.
    private func signed(_ module: Data) -> Data {
        let blob: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        return module + Data(blob) + Data([0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(blob.count)])
            + Data("~Module signature appended~\n".utf8)
    }

    /// A bzImage boot header (protocol 2.15) pointing at a version string, with a small payload.
    private func kernelImage(version: String) -> Data {
        var bytes = [UInt8](repeating: 0, count: 0x1000)
        bytes[0x1F1] = 3
        bytes[0x1FE] = 0x55; bytes[0x1FF] = 0xAA
        bytes.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        bytes[0x206] = 0x0F; bytes[0x207] = 0x02
        bytes[0x20E] = 0x00; bytes[0x20F] = 0x04                    // version string at 0x600
        bytes.replaceSubrange(0x600..<(0x600 + version.utf8.count), with: Array(version.utf8))
        bytes[0x248] = 0x00; bytes[0x249] = 0x01                    // payload at 0x800 + 0x100
        bytes[0x24C] = 0x10
        return Data(bytes)
    }

    func testSummaryCountsModulesPerReleaseAndReadsTheImageVersion() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-kernels-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let modules = root.appendingPathComponent("lib/modules/6.1.0-corpus/kernel")
        try FileManager.default.createDirectory(at: modules, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("boot"), withIntermediateDirectories: true)
        try signed(try module("plain-driver", "x86_64")).write(to: modules.appendingPathComponent("plain.ko"))
        try signed(try module("kprobe-tracer", "x86_64")).write(to: modules.appendingPathComponent("tracer.ko"))
        try module("ftrace-tracer", "x86_64").write(to: modules.appendingPathComponent("extra.ko"))
        let version = "6.1.0-corpus (corpus@example.org) #1 SMP PREEMPT_DYNAMIC Corpus 6.1.0-1 (2026-01-01)"
        try kernelImage(version: version).write(to: root.appendingPathComponent("boot/vmlinuz-6.1.0-corpus"))

        var summary = ScanSummary()
        for await report in try Scanner(ruleSet: .empty).scan(root: root.path) { summary.record(report) }
        let kernels = try XCTUnwrap(summary.kernels)
        XCTAssertEqual(kernels.map(\.release), ["6.1.0-corpus"])
        let kernel = kernels[0]
        XCTAssertEqual(kernel.modules, 3)
        XCTAssertEqual(kernel.signedModules, 2)
        XCTAssertEqual(kernel.unsignedModules, 1)
        // plain-driver says intree=Y; the two tracers do not.
        XCTAssertEqual(kernel.outOfTreeModules, 2)
        XCTAssertEqual(kernel.unsignedOutOfTree, ["lib/modules/6.1.0-corpus/kernel/extra.ko"])
        XCTAssertEqual(kernel.images, ["boot/vmlinuz-6.1.0-corpus"])
        XCTAssertEqual(kernel.version, version)

        var jsonLines = JSONLinesRenderer()
        let line = jsonLines.finish(summary: summary)
        XCTAssertTrue(line.contains("\"kernels\":[{"), line)
        XCTAssertTrue(line.contains("\"signedModules\":2"), line)
        var sarif = SARIFRenderer(rules: [], root: nil)
        let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sarif.finish(summary: summary).utf8)) as? [String: Any])
        let run = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first)
        let listed = try XCTUnwrap((run["properties"] as? [String: Any])?["kernels"] as? [[String: Any]])
        XCTAssertEqual(listed.first?["release"] as? String, "6.1.0-corpus")
        XCTAssertEqual(listed.first?["unsignedModules"] as? Int, 1)
    }

    func testTreesWithoutKernelsHaveNoKernelSummary() async throws {
        var summary = ScanSummary()
        for await report in try Scanner(ruleSet: .empty).scan(root: Checkout.corpus.appendingPathComponent("arch/hello/x86_64").path) {
            summary.record(report)
        }
        XCTAssertNil(summary.kernels)
        var jsonLines = JSONLinesRenderer()
        XCTAssertFalse(jsonLines.finish(summary: summary).contains("kernels"))
    }
}

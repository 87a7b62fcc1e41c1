import Foundation
import XCTest
import Backsight
import BacksightTestSupport

/// The technique rules' verdicts on the real kernel modules of `../shared/real` (rootkits and
/// hard negatives), without signatures. Skipped with a notice when that folder is absent.
final class RealKernelModuleTests: XCTestCase {
    private static let real = Checkout.root.deletingLastPathComponent().appendingPathComponent("shared/real")

    private func verdicts(in folder: String) throws -> [String: (Verdict, [String])]? {
        let directory = Self.real.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: directory.path) else {
            print("notice: \(directory.path) is absent; real kernel-module verdicts not checked")
            return nil
        }
        let rules = try RuleSet.compile(directories: [Checkout.rules.path]).withoutSignatures()
        var result: [String: (Verdict, [String])] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".ko") {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            let report = Scanner(ruleSet: rules).scan(bytes: bytes, path: name)
            let strong = report.findings.filter { $0.severity >= .medium }.map(\.ruleID).sorted()
            result[name] = (report.verdict, strong)
        }
        return result
    }

    func testRootkitModulesAreCaughtByTechniqueRules() throws {
        guard let found = try verdicts(in: "kernel") else { return }
        let diamorphine = try XCTUnwrap(found["diamorphine.ko"])
        XCTAssertEqual(diamorphine.0, .malicious)
        XCTAssertTrue(diamorphine.1.contains("kernel/module-self-hiding"), "\(diamorphine.1)")
        XCTAssertTrue(diamorphine.1.contains("kernel/syscall-table-hook"), "\(diamorphine.1)")
        let reptile = try XCTUnwrap(found["reptile_module.ko"])
        XCTAssertEqual(reptile.0, .malicious)
        XCTAssertTrue(reptile.1.contains("kernel/inline-hook-engine"), "\(reptile.1)")
        XCTAssertTrue(reptile.1.contains("kernel/module-self-hiding"), "\(reptile.1)")
        let ftrace = try XCTUnwrap(found["ftrace_hook.ko"])
        XCTAssertEqual(ftrace.0, .suspicious)
        XCTAssertEqual(ftrace.1, ["kernel/ftrace-ip-redirect"])
    }

    func testHardNegativeModulesStayBelowMedium() throws {
        guard let found = try verdicts(in: "negatives/kernel") else { return }
        XCTAssertEqual(found.count, 3)
        for (name, outcome) in found {
            XCTAssertEqual(outcome.1, [], name)
        }
    }
}

import BacksightTestSupport
@testable import Backsight
import Foundation
import XCTest

final class HiddenStringsGateTests: XCTestCase {
    private static let repository = Checkout.root

    private func model(_ relative: String) throws -> ELFModel {
        let bytes = [UInt8](try Data(contentsOf: Self.repository.appendingPathComponent("Corpus").appendingPathComponent(relative)))
        return try bytes.withUnsafeBytes { try ELFReader.model(of: $0) }
    }

    func testOnlyObjectsExportingInterpositionNamesAreSearched() throws {
        let rules = try RuleSet.compile(directories: [Self.repository.appendingPathComponent("Rules").path])
        let analyzer = HiddenStringsAnalyzer(ruleSet: rules)
        XCTAssertTrue(analyzer.gate.isSuperset(of: ["readdir", "pam_sm_authenticate", "accept", "RSA_public_decrypt", "sd_journal_send"]))
        for arch in ["x86_64", "aarch64", "armhf", "mipsel", "mips"] {
            XCTAssertTrue(analyzer.interposes(try model("preload/rootkit-xor/\(arch)/libhidexor.so")), arch)
            XCTAssertFalse(analyzer.interposes(try model("arch/hello/\(arch)/libhello.so")), arch)
            XCTAssertFalse(analyzer.interposes(try model("preload/malloc-replacement/\(arch)/libminimalloc.so")), arch)
            XCTAssertFalse(analyzer.interposes(try model("misc/benign-constructor/\(arch)/libbenignctor.so")), arch)
        }
        XCTAssertFalse(HiddenStringsAnalyzer(ruleSet: .empty).interposes(try model("preload/rootkit-xor/x86_64/libhidexor.so")),
                       "without the interposition lists nothing is searched")
    }
}

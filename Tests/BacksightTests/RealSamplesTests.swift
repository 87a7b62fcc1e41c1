import BacksightTestSupport
import Backsight
import Foundation
import XCTest

/// The real artifacts in `../shared/real` (the backdoored liblzma, the xz blobs and stages, public
/// preload kits on four architectures, kernel rootkits, Debian hard negatives), scanned with the
/// technique rules only (no signatures): every file must get the verdict `expect.tsv` gives it,
/// apart from the misses `Tests/RealSamples/known-misses.tsv` lists with their reasons; a listed
/// path that now passes fails too, so that list only shrinks. Skipped, saying so, when the
/// folder is absent (the project builds and tests without it).
final class RealSamplesTests: XCTestCase {
    private static let real = Checkout.root.deletingLastPathComponent().appendingPathComponent("shared/real")

    func testEveryRealSampleGetsItsVerdictByTechnique() async throws {
        let expect = Self.real.appendingPathComponent("expect.tsv")
        guard FileManager.default.fileExists(atPath: expect.path) else {
            print("RealSamplesTests: \(Self.real.path) is absent; skipping the real-sample check")
            throw XCTSkip("\(Self.real.path) is absent")
        }
        let labelled = try LabelledSet(parsing: String(contentsOf: expect, encoding: .utf8))
        let misses = try LabelledSet.knownMisses(parsing: String(
            contentsOf: Checkout.root.appendingPathComponent("Tests/RealSamples/known-misses.tsv"), encoding: .utf8))
        let ruleSet = try RuleSet.compile(directories: [Checkout.rules.path]).withoutSignatures()
        XCTAssertFalse(ruleSet.rules.contains { $0.id.hasPrefix("signatures/") })
        var check = LabelledSetCheck(set: labelled, knownMisses: misses)
        for await report in try Backsight.Scanner(ruleSet: ruleSet).scan(root: Self.real.path) { check.record(report) }
        print(check.table())
        XCTAssertEqual(check.unexpected, [], "outcomes that disagree with Tests/RealSamples/known-misses.tsv")
        XCTAssertTrue(check.outcomes.allSatisfy(\.scanned), "every labelled file is scanned")
        XCTAssertGreaterThan(labelled.samples.filter { $0.expectation == .malicious }.count, 20)
    }
}

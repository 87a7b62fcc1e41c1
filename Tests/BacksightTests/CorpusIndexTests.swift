import BacksightTestSupport
import Backsight
import Foundation
import XCTest

/// `Corpus/index.json` is the corpus's own statement of what each sample is. Scanning the corpus
/// with the bundled rules must agree with it for every sample: each rule it lists matches, each
/// rule it rules out stays silent, and the file's verdict is the one it states. A rule id the
/// index names that no rule file defines is a failure too, so a technique cannot go uncovered.
final class CorpusIndexTests: XCTestCase {
    private static let checkout = Checkout.root
    private static let corpus = Checkout.corpus

    private struct Index: Decodable {
        struct Sample: Decodable {
            var path: String
            var kind: String
            var verdict: String
            var rules: [String]
            var mustNotMatch: [String]
        }
        var samples: [Sample]
    }

    /// What a scan of `root` found per file on disk, keyed by path with `prefix` in front: the
    /// file's report with the findings of its members (a compressed file's content) added,
    /// since the index speaks of the file.
    private func reports(root: URL, prefix: String, scanner: Backsight.Scanner) async throws -> [String: FileReport] {
        var byPath: [String: FileReport] = [:]
        var memberFindings: [String: [Finding]] = [:]
        for await report in try scanner.scan(root: root.path) {
            if let container = report.container, container != report.path {
                memberFindings[prefix + container, default: []] += report.findings
            } else {
                byPath[prefix + report.path] = report
            }
        }
        for (path, findings) in memberFindings {
            guard var report = byPath[path] else { continue }
            report.findings += findings
            report.verdict = max(report.verdict, Verdict.aggregate(findings))
            byPath[path] = report
        }
        return byPath
    }

    func testScanningTheCorpusAgreesWithItsIndex() async throws {
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.corpus.appendingPathComponent("index.json")))
        let ruleSet = try RuleSet.compile(directories: [Self.checkout.appendingPathComponent("Rules").path])
        let known = Set(ruleSet.rules.map(\.id))
        let scanner = Backsight.Scanner(ruleSet: ruleSet)
        // The small root filesystem is scanned as a root of its own, so its configuration files
        // sit where a device keeps them (`etc/ld.so.preload`).
        var reports = try await self.reports(root: Self.corpus, prefix: "", scanner: scanner).filter { !$0.key.hasPrefix("rootfs/") }
        reports.merge(try await self.reports(root: Self.corpus.appendingPathComponent("rootfs"), prefix: "rootfs/", scanner: scanner)) { $1 }

        // Variant builds a rule does not hold on yet (Rules/matrix-known-gaps.tsv): rule, path,
        // expected. The list may only shrink, so a listed pair that now holds fails too.
        let gapText = try String(contentsOf: Self.checkout.appendingPathComponent("Rules/matrix-known-gaps.tsv"), encoding: .utf8)
        let gaps: Set<String> = Set(gapText.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t")
            return fields.count >= 2 ? "\(fields[0]) \(fields[1])" : nil
        })

        var checkedPositives = 0
        for sample in index.samples {
            guard let report = reports[sample.path] else {
                XCTFail("\(sample.path): indexed but not in the scan")
                continue
            }
            let matched = Set(report.findings.map(\.ruleID))
            var hasGap = false
            for id in sample.rules {
                XCTAssertTrue(known.contains(id), "\(sample.path): the index expects rule \(id), which no rule file defines")
                if gaps.contains("\(id) \(sample.path)") {
                    hasGap = true
                    XCTAssertFalse(matched.contains(id), "\(sample.path): \(id) now matches; remove it from Rules/matrix-known-gaps.tsv")
                    continue
                }
                XCTAssertTrue(matched.contains(id) || !known.contains(id), "\(sample.path): rule \(id) should match; matched \(matched.sorted())")
            }
            for id in sample.mustNotMatch {
                XCTAssertTrue(known.contains(id), "\(sample.path): the index rules out \(id), which no rule file defines")
                if gaps.contains("\(id) \(sample.path)") {
                    hasGap = true
                    XCTAssertTrue(matched.contains(id), "\(sample.path): \(id) no longer matches; remove it from Rules/matrix-known-gaps.tsv")
                    continue
                }
                XCTAssertFalse(matched.contains(id), "\(sample.path): rule \(id) must not match")
            }
            if sample.kind != "symlink", !hasGap {
                XCTAssertEqual(report.verdict.rawValue, sample.verdict, "\(sample.path): verdict; findings \(matched.sorted())")
            }
            if sample.verdict != "clean" {
                XCTAssertFalse(sample.rules.isEmpty, "\(sample.path): a positive names no rule")
                checkedPositives += 1
            }
        }
        XCTAssertGreaterThan(checkedPositives, 40)
    }
}

import Backsight
import BacksightRules
import XCTest

/// The labelled-set list and its check: parsing errors say the line, member findings count for
/// their container, severities map to verdicts, and the known-miss list works both ways.
final class LabelledSetTests: XCTestCase {
    private let list = """
    path\texpected\tgroup\tsha256
    kits/hider.so\tMALICIOUS\tuserland\tabc
    kits/demo.ko\tSUSPICIOUS\tkernel\tdef
    clean/libc.so.6\tCLEAN\tuserland\t0
    blobs/large.lzma\tMALICIOUS\tblob\t1
    """

    private func report(_ path: String, _ severities: [Severity], container: String? = nil) -> FileReport {
        var report = FileReport(path: path, kind: .elf, container: container)
        report.findings = severities.map { Finding(ruleID: "test/rule-\($0.rawValue)", title: "t", severity: $0, scope: "file", evidence: []) }
        return report
    }

    func testParsesAndRejectsBadLinesWithTheirNumber() throws {
        let set = try LabelledSet(parsing: list)
        XCTAssertEqual(set.samples.map(\.path), ["kits/hider.so", "kits/demo.ko", "clean/libc.so.6", "blobs/large.lzma"])
        XCTAssertEqual(set.samples[1].expectation, .suspicious)
        XCTAssertThrowsError(try LabelledSet(parsing: "a\tEVIL\tg")) { error in
            XCTAssertEqual((error as? LabelledSet.ParseError)?.description, "line 1: unknown verdict 'EVIL' (MALICIOUS, SUSPICIOUS or CLEAN)")
        }
        XCTAssertThrowsError(try LabelledSet(parsing: "x\tCLEAN\tg\n../etc/passwd\tCLEAN\tg")) { error in
            XCTAssertEqual((error as? LabelledSet.ParseError)?.line, 2)
        }
        XCTAssertThrowsError(try LabelledSet(parsing: "a\tCLEAN")) { error in
            XCTAssertEqual((error as? LabelledSet.ParseError)?.line, 1)
        }
    }

    func testSeveritiesMeetVerdictsAndMembersCountForTheirContainer() throws {
        var check = LabelledSetCheck(set: try LabelledSet(parsing: list))
        check.record(report("kits/hider.so", [.medium, .high]))
        check.record(report("kits/demo.ko", [.low]))
        check.record(report("clean/libc.so.6", [.low]))
        check.record(report("blobs/large.lzma", []))
        check.record(report("blobs/large.lzma!/large", [.high], container: "blobs/large.lzma"))
        let met = Dictionary(uniqueKeysWithValues: check.outcomes.map { ($0.sample.path, $0.met) })
        XCTAssertEqual(met, ["kits/hider.so": true, "kits/demo.ko": false, "clean/libc.so.6": true, "blobs/large.lzma": true])
        XCTAssertEqual(check.unexpected, ["kits/demo.ko: expected SUSPICIOUS, got low"])
        XCTAssertTrue(check.table().contains("miss: kits/demo.ko: expected SUSPICIOUS, got low"))
    }

    func testKnownMissListCanOnlyShrink() throws {
        let misses = try LabelledSet.knownMisses(parsing: "# why\nkits/demo.ko\tno rule yet\nclean/libc.so.6\tstale entry\nother\tgone")
        var check = LabelledSetCheck(set: try LabelledSet(parsing: list), knownMisses: misses)
        check.record(report("kits/hider.so", [.critical]))
        check.record(report("kits/demo.ko", []))
        check.record(report("clean/libc.so.6", [.high]))
        check.record(report("blobs/large.lzma", [.high]))
        XCTAssertEqual(check.unexpected, ["other: listed as a known miss but not in the labelled set"])
        check.record(report("kits/demo.ko", [.medium]))
        var fixed = LabelledSetCheck(set: try LabelledSet(parsing: list), knownMisses: ["kits/demo.ko": "no rule yet"])
        for path in ["kits/hider.so", "blobs/large.lzma"] { fixed.record(report(path, [.high])) }
        fixed.record(report("kits/demo.ko", [.medium]))
        fixed.record(report("clean/libc.so.6", []))
        XCTAssertEqual(fixed.unexpected, ["kits/demo.ko: listed as a known miss but now SUSPICIOUS as expected; remove it from the list"])
        XCTAssertThrowsError(try LabelledSet.knownMisses(parsing: "path-without-reason"))
    }
}

import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// Rules match once per instance of their scope, and their evidence points at that instance.
final class ScopeTests: XCTestCase {
    private let gotHijack = """
    all:
      - characteristic: ifunc-resolver-without-cpuid
      - characteristic: resolver-writes-got
      - not:
          characteristic: resolver-reads-cpu-features
    """

    private func resolver(_ name: String, _ facts: [String], offset: UInt64, references: [String] = []) -> ScopeInstance {
        let location = Location(section: ".text", offset: offset, address: offset + 0x1000, symbol: name)
        var characteristics: [String: [Evidence]] = [:]
        for fact in facts { characteristics[fact] = [] }
        return ScopeInstance(scope: .resolver, name: name, location: location, characteristics: characteristics,
                             references: references, byteRange: offset ..< offset + 32)
    }

    func testResolverRuleMatchesEachQualifyingInstance() throws {
        let ruleSet = try compileRule(gotHijack, scope: "resolver")
        let instances = [
            resolver("crc32_resolve", ["ifunc-resolver-without-cpuid", "resolver-writes-got"], offset: 0x100),
            resolver("memcpy_resolve", ["resolver-reads-cpu-features"], offset: 0x200),
            resolver("crc64_resolve", ["ifunc-resolver-without-cpuid", "resolver-writes-got"], offset: 0x300),
            resolver("odd_resolve", ["ifunc-resolver-without-cpuid", "resolver-writes-got", "resolver-reads-cpu-features"], offset: 0x400),
            ScopeInstance(scope: .function, name: "constructor at 0x10", location: Location(address: 0x10),
                          characteristics: ["ifunc-resolver-without-cpuid": [], "resolver-writes-got": []]),
        ]
        let found = findings(ruleSet, bytes: [0x7f], elf: ModelBuilder.model(), instances: instances)
        XCTAssertEqual(found.map(\.instance), ["crc32_resolve", "crc64_resolve"])
        XCTAssertEqual(found.map(\.scope), ["resolver", "resolver"])
        // Evidence points at the instance when the analyser gave no location of its own.
        XCTAssertEqual(found.first?.evidence.map(\.location?.symbol), ["crc32_resolve", "crc32_resolve"])
    }

    func testAnalyserEvidenceIsKept() throws {
        let ruleSet = try compileRule("characteristic: resolver-passes-stack-address", scope: "resolver")
        let given = Evidence(feature: "code", value: "lea rdi, [rsp+0x10]", location: Location(address: 0x1234), detail: "argument 1")
        let instance = ScopeInstance(scope: .resolver, name: "crc_resolve", location: Location(address: 0x1200),
                                     characteristics: ["resolver-passes-stack-address": [given]])
        let found = findings(ruleSet, bytes: [], instances: [instance])
        XCTAssertEqual(found.first?.evidence, [
            Evidence(feature: "characteristic", value: "resolver-passes-stack-address", location: Location(address: 0x1234),
                     detail: "lea rdi, [rsp+0x10]: argument 1"),
        ])
    }

    func testImportAndSymbolMatchInstanceReferencesInResolverScope() throws {
        let lists = [("lists/loader-internals.yaml", "name: loader-internals\nsymbols: [_rtld_global_ro, _r_debug]\n")]
        let withList = try compileRules(lists + [("rule.yaml", ruleYAML(id: "test/rule", scope: "resolver", condition: """
        all:
          - import: {list: loader-internals}
          - symbol: mprotect
        """))])
        // The file imports both, but only the second resolver references them.
        let model = ModelBuilder.model(symbols: [
            ModelBuilder.symbol("_rtld_global_ro", index: 1, type: "OBJECT", sectionIndex: 0),
            ModelBuilder.symbol("mprotect", index: 2, sectionIndex: 0),
        ])
        let instances = [
            resolver("plain_resolve", [], offset: 0x100, references: ["memcpy"]),
            resolver("evil_resolve", [], offset: 0x200, references: ["_rtld_global_ro", "mprotect", "_rtld_global_ro"]),
        ]
        let found = findings(withList, bytes: [], elf: model, instances: instances)
        XCTAssertEqual(found.map(\.instance), ["evil_resolve"])
        XCTAssertEqual(found.first?.evidence.map(\.value), ["_rtld_global_ro", "mprotect"])
    }

    func testBytesInResolverScopeOnlyCountInsideTheInstance() throws {
        let ruleSet = try compileRule("bytes: 0f a2", scope: "resolver")
        var bytes = [UInt8](repeating: 0x90, count: 0x400)
        bytes[0x110] = 0x0f
        bytes[0x111] = 0xa2
        let instances = [
            resolver("with_cpuid", [], offset: 0x100),
            resolver("without_cpuid", [], offset: 0x200),
            ScopeInstance(scope: .resolver, name: "unknown_extent", location: Location()),
        ]
        let found = findings(ruleSet, bytes: bytes, instances: instances)
        XCTAssertEqual(found.map(\.instance), ["with_cpuid"])
        XCTAssertEqual(found.first?.evidence.first?.location?.offset, 0x110)
    }

    func testElfScopeNeedsAnELFModel() throws {
        let ruleSet = try compileRule("path: 'usr/lib/**'", scope: "elf")
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [1, 2, 3], path: "usr/lib/x/libx.so"), [])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [1, 2, 3], path: "usr/lib/x/libx.so", elf: ModelBuilder.model()), ["test/rule"])
        let fileRule = try compileRule("path: 'usr/lib/**'")
        XCTAssertEqual(matchedIDs(fileRule, bytes: [1, 2, 3], path: "usr/lib/x/libx.so"), ["test/rule"])
    }

    func testPayloadRulesMatchEveryPayloadRecursively() throws {
        let ruleSet = try compileRules([
            ("payload.yaml", ruleYAML(id: "t/script", scope: "payload", condition: "string: '####Hello####'")),
            ("file.yaml", ruleYAML(id: "t/file", condition: "string: '####Hello####'")),
        ])
        let outer = Array("outer file, no marker".utf8)
        let first = Array("junk".utf8)
        let second = Array("#!/bin/sh\n####Hello####\necho hi\n".utf8)
        let found: [Finding] = outer.withUnsafeBytes { outerBuffer in
            first.withUnsafeBytes { firstBuffer in
                second.withUnsafeBytes { secondBuffer in
                    let inner = ScanSubject(path: "tests/bad.xz!stream-2!script", bytes: secondBuffer)
                    let middle = ScanSubject(path: "tests/bad.xz!stream-1", bytes: firstBuffer, payloads: [inner])
                    return ruleSet.match(ScanSubject(path: "tests/bad.xz", bytes: outerBuffer, payloads: [middle])).findings
                }
            }
        }
        XCTAssertEqual(found.map(\.ruleID), ["t/script"])
        XCTAssertEqual(found.first?.instance, "tests/bad.xz!stream-2!script")
        XCTAssertEqual(found.first?.scope, "payload")
        XCTAssertEqual(found.first?.evidence.first?.location?.offset, 10, "offsets are into the decoded payload")
    }

    func testMetricsWithBounds() throws {
        let ruleSet = try compileRule("metric: {name: instructions, min: 100, max: 400}", scope: "resolver")
        let instances = [
            ScopeInstance(scope: .resolver, name: "small", location: Location(), metrics: ["instructions": 12]),
            ScopeInstance(scope: .resolver, name: "big", location: Location(), metrics: ["instructions": 250]),
            ScopeInstance(scope: .resolver, name: "huge", location: Location(), metrics: ["instructions": 900]),
            ScopeInstance(scope: .resolver, name: "unmeasured", location: Location()),
        ]
        let found = findings(ruleSet, bytes: [], instances: instances)
        XCTAssertEqual(found.map(\.instance), ["big"])
        XCTAssertEqual(found.first?.evidence.first?.value, "instructions=250")
    }

    func testFileLevelFactsAreVisibleFromInstances() throws {
        let ruleSet = try compileRule("""
        all:
          - characteristic: resolver-calls-local-function
          - characteristic: got-slot-points-into-own-text
        """, scope: "resolver")
        let instance = resolver("r", ["resolver-calls-local-function"], offset: 0)
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [], instances: [instance]), [])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: [], characteristics: ["got-slot-points-into-own-text": []], instances: [instance]),
                       ["test/rule"])
    }
}

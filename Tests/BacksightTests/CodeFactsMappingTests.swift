import BacksightTestSupport
@testable import Backsight
import Foundation
import XCTest

/// How the engine turns code facts into scope instances and characteristics rules can match.
final class CodeFactsMappingTests: XCTestCase {
    static let corpus = Checkout.corpus
    static let rules = Checkout.rules

    /// The analysis reports facts under names the rule compiler accepts.
    func testEveryCodeFactIsACharacteristic() {
        for fact in CodeFact.allCases {
            XCTAssertTrue(Characteristic.names.contains(fact.rawValue), "\(fact.rawValue) is not a Characteristic")
        }
    }

    func testResolverInstancesCarryFactsEvidenceAndCode() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent("ifunc/xz-stack-handoff/x86_64/libcrc_handoff.so")))
        let subject = try bytes.withUnsafeBytes { buffer -> ScanSubject in
            let model = try ELFReader.model(of: buffer)
            var subject = ScanSubject(path: "libcrc_handoff.so", bytes: buffer, elf: model)
            subject.add(CodeAnalyzer.analyze(model, bytes: buffer))
            return subject
        }
        let resolver = try XCTUnwrap(subject.instances.first { $0.name == "crc32_resolve at 0xce0" })
        XCTAssertEqual(resolver.scope, .resolver)
        XCTAssertEqual(resolver.location.address, 0xce0)
        XCTAssertEqual(resolver.location.symbol, "crc32_resolve")
        XCTAssertEqual(resolver.byteRange?.lowerBound, 0xce0)
        XCTAssertEqual(resolver.metrics["local-calls"], 2)
        XCTAssertTrue(resolver.references.contains("mprotect"))
        let write = try XCTUnwrap(resolver.characteristics["resolver-writes-got"]?.first)
        XCTAssertEqual(write.value, "0xc91: mov qword ptr [rbx], rax")
        XCTAssertEqual(write.location?.symbol, "second_stage (call depth 1)")
        XCTAssertEqual(write.location?.section, ".text")
        XCTAssertEqual(write.location?.offset, 0xc91)
        // The route from the resolver, with the call site, so the chain can be checked with objdump.
        XCTAssertEqual(write.detail, "stores into .got at 0x2fd0 (slot of lzma_cpuid_probe); reached by crc32_resolve -> second_stage (called at 0xd1b)")
        XCTAssertNotNil(subject.characteristics["got-slot-points-into-own-text"])
    }

    /// Findings of the technique rules name the resolver and show the disassembled instructions.
    func testTechniqueFindingShowsResolverAndInstructions() throws {
        let ruleSet = try RuleSet.compile(directories: [Self.rules.path]).withoutSignatures()
        XCTAssertNil(ruleSet.rules.first { $0.id.hasPrefix("signatures/") })
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent("ifunc/xz-got-hijack/x86_64/libcrc_hijack.so")))
        let report = Scanner(ruleSet: ruleSet).scan(bytes: bytes, path: "libcrc_hijack.so")
        let finding = try XCTUnwrap(report.findings.first { $0.ruleID == "supply-chain/ifunc-resolver-got-hijack" })
        XCTAssertEqual(finding.instance, "crc32_resolve at 0xa50")
        XCTAssertEqual(report.verdict, .malicious)
        let mprotect = try XCTUnwrap(finding.evidence.first { $0.value.contains("resolver-calls-mprotect") })
        XCTAssertTrue(mprotect.detail?.hasPrefix("0x") ?? false, mprotect.detail ?? "")
        XCTAssertTrue(mprotect.detail?.contains("calls mprotect (PLT 0x") ?? false, mprotect.detail ?? "")
        XCTAssertEqual(mprotect.location?.symbol, "rewrite_slot (call depth 3)")
    }

    /// A scan analyses the code of each content once: a second copy of a file (a package's
    /// member installed beside it) gets the same findings from the cache, eager and deferred
    /// facts alike, and different bytes never share facts.
    func testCopiesOfAFileShareTheirCodeFactsAndOthersDoNot() async throws {
        let ruleSet = try RuleSet.compile(directories: [Self.rules.path]).withoutSignatures()
        let samples = [
            ("programs/telnet-master-password/x86_64/gcc-O2/telnetd_master", "access/daemon-master-password"),
            ("programs/bind-shell/x86_64/bind_shell", "programs/bind-or-reverse-shell"),
            ("programs/http-header-parser/x86_64/gcc-O2/httpd_plain", nil),
        ]
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-copies-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        for copy in ["a", "b"] {
            for (path, _) in samples {
                let target = root.appendingPathComponent(copy).appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent(path), to: target)
            }
        }
        var found: [String: [String]] = [:]
        for await report in try Scanner(ruleSet: ruleSet, options: ScanOptions(jobs: 1)).scan(root: root.path) {
            found[report.path] = report.findings.map { "\($0.ruleID) \($0.evidence.map(\.value))" }.sorted()
        }
        for (path, rule) in samples {
            let first = try XCTUnwrap(found["a/" + path]), second = try XCTUnwrap(found["b/" + path])
            XCTAssertEqual(first, second, path)
            if let rule { XCTAssertTrue(first.contains { $0.hasPrefix(rule + " ") }, "\(path): \(first)") } else { XCTAssertEqual(first, [], path) }
        }
        // The cache itself: one computation per content and part of the analysis.
        let cache = CodeFactsCache()
        var computed = 0
        func facts(_ digest: String, _ request: CodeAnalysisRequest) -> CodeFacts {
            cache.facts(digest: digest, request: request) { computed += 1; return CodeFacts() }
        }
        _ = facts("aa", .programBehaviour)
        _ = facts("aa", .programBehaviour)
        XCTAssertEqual(computed, 1)
        _ = facts("bb", .programBehaviour)
        _ = facts("aa", .magicStrings)
        XCTAssertEqual(computed, 3)
    }

    /// Rule sets that read no code fact never run the disassembler.
    func testOnlyRuleSetsThatReadCodeFactsAskForTheAnalysis() throws {
        func compile(_ condition: String, scope: String = "elf") throws -> RuleSet {
            try RuleSet.compile(sources: [RuleSource(path: "t.yaml", text: """
                id: t/rule
                title: t
                severity: low
                scope: \(scope)
                condition: \(condition)
                """)])
        }
        XCTAssertFalse(try compile("{import: mprotect}").needsCodeFacts)
        XCTAssertFalse(try compile("{characteristic: xor-hidden-strings}").needsCodeFacts)
        XCTAssertEqual(try compile("{characteristic: dlsym-rtld-next}").codeAnalysisRequest, [.symbolLookups])
        XCTAssertEqual(try compile("{characteristic: constructor-present}").codeAnalysisRequest, [.constructors])
        XCTAssertEqual(try compile("{characteristic: missing-comment-section}").codeAnalysisRequest, [.objectTells])
        XCTAssertEqual(try compile("{characteristic: cr0-write}").codeAnalysisRequest, [.kernelModules])
        XCTAssertEqual(try compile("{import: mprotect}", scope: "resolver").codeAnalysisRequest, [.resolvers])
        XCTAssertEqual(try compile("{characteristic: password-compared-with-literal}", scope: "function").codeAnalysisRequest, [.entryPoints])
        XCTAssertEqual(try compile("{characteristic: resolver-calls-mprotect}", scope: "function").codeAnalysisRequest,
                       [.entryPoints, .constructors])
        XCTAssertEqual(try compile("{characteristic: shell-on-socket}").codeAnalysisRequest, [.programBehaviour])
        XCTAssertEqual(try compile("{characteristic: socket-filter-program}").codeAnalysisRequest, [.programBehaviour])
        XCTAssertEqual(try compile("{characteristic: network-literal-runs-command}").codeAnalysisRequest, [.magicStrings])
        XCTAssertEqual(try compile("{characteristic: login-password-compared-with-literal}").codeAnalysisRequest, [.magicStrings])
        // The bundled rules read resolvers, PAM entry points and object tells, the preload rule's
        // dlsym-rtld-next asks for the dlsym search, supply-chain/constructor-rewrites-loaded-objects
        // for the constructor walk, the kernel rules for the module analysis, the programs
        // rules for the program facts and the access rules for the magic-string analysis.
        XCTAssertEqual(try RuleSet.compile(directories: [Self.rules.path]).codeAnalysisRequest,
                       [.resolvers, .constructors, .entryPoints, .symbolLookups, .objectTells, .kernelModules, .programBehaviour, .magicStrings])
    }
}

import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// The work matching skips: regexes over files that lack the bytes every match needs, the
/// patterns of rules whose cheap leaves fail, characteristics no rule reaches. Each test
/// checks both that the work is skipped and that the outcome is the one the full work gives.
final class PrefilterTests: XCTestCase {
    private func regex(_ pattern: String, caseInsensitive: Bool = false) throws -> CompiledRegex {
        try CompiledRegex(pattern: pattern, caseInsensitive: caseInsensitive)
    }

    private func mayMatch(_ regex: CompiledRegex, _ text: String, lines: Bool = false) -> Bool {
        Array(text.utf8).withUnsafeBytes { bytes in
            regex.mayMatch(within: bytes, separatedBy: lines ? { !PrintableStrings.isPrintable($0) } : nil)
        }
    }

    private func literals(_ pattern: String, caseInsensitive: Bool = false) -> (runs: [String], prefix: String) {
        let found = RegexLiterals(pattern: pattern, caseInsensitive: caseInsensitive)
        // Sorted by text: runs of one length come in any order.
        return (found.requiredRuns.map { String(decoding: $0, as: UTF8.self) }.sorted(), String(decoding: found.anchoredPrefix, as: UTF8.self))
    }

    func testRequiredRunsAndAnchoredPrefix() {
        let shebang = literals(#"^#! *(\/usr)?\/bin\/(env +)?(ba|da|k|z)?sh( |$)"#)
        XCTAssertEqual(shebang.runs, ["#!", "/bin/", "sh"])
        XCTAssertEqual(shebang.prefix, "#!")
        XCTAssertEqual(literals("x(abc)+y|z").runs, [], "a choice at the top requires nothing")
        let inner = literals("x(abc)+y")
        XCTAssertEqual(inner.runs, ["abc", "x", "y"])
        XCTAssertEqual(inner.prefix, "")
        XCTAssertEqual(literals("eval", caseInsensitive: true).runs, [], "case-insensitive letters end runs")
        XCTAssertEqual(literals(#"^lib\x41b\.so\d{0}(?:\.[0-9]+){1,}"#).runs, [".", "libAb.so"])
        XCTAssertEqual(literals(#"^(?:ab)c"#).prefix, "abc", "a plain group is part of the sequence")
        XCTAssertEqual(literals(#"a(?=bc)d"#).runs, ["a", "d"], "a look-ahead is skipped")
        XCTAssertEqual(literals(#"[]a|b]xy"#).runs, ["xy"], "a class holding ] and | is one gap")
        XCTAssertEqual(literals(#"x{2,}y\{z"#).runs, ["x", "y{z"])
    }

    func testConstructsTheScanDoesNotModelRequireNothing() {
        // Each would mislead a naive scan: options change case, \Q quotes metacharacters, POSIX
        // classes hold a ], \0 takes octal digits, {,n} is a quantifier in newer PCRE2.
        for pattern in [#"abc(?i)def"#, #"\Qa|b\Ecd"#, #"[[:alpha:]]xyz"#, #"ab\012cd"#, #"ab{,2}cd"#, #"(?<n>ab)cd"#, #"\p{L}abc"#] {
            XCTAssertEqual(literals(pattern).runs, [], pattern)
            XCTAssertNoThrow(try CompiledRegex(pattern: pattern), "PCRE2 compiles \(pattern)")
        }
    }

    func testMayMatchNeverRejectsATextThatMatches() throws {
        let shebang = try regex(#"^#! *(\/usr)?\/bin\/(env +)?(ba|da|k|z)?sh( |$)"#)
        let texts = ["#!/bin/sh\necho", "x\n#!/usr/bin/env bash\n", "#!/bin/dash", "a #!/bin/sh", "#!/bin/zsh -e", "no shebang"]
        for text in texts {
            let lines = text.split(separator: "\n").map(String.init)
            let matches = lines.contains { shebang.search($0) == .match }
            if matches { XCTAssertTrue(mayMatch(shebang, text, lines: true), text) }
        }
        XCTAssertFalse(mayMatch(shebang, "no shebang here /bin/sh"), "no #! at all")
        XCTAssertTrue(mayMatch(shebang, "a #!/bin/sh"), "without separators any #! may start a text")
        XCTAssertFalse(mayMatch(shebang, "a #!/bin/sh", lines: true), "#! inside a line cannot start one")
        XCTAssertTrue(mayMatch(shebang, "a\n#!/bin/sh", lines: true))
        XCTAssertFalse(mayMatch(try regex("a/b"), "ab"), "the run a/b is absent")
        XCTAssertTrue(mayMatch(try regex("[ab]+"), ""), "nothing required: never rejected")
        XCTAssertTrue(mayMatch(try regex("eval", caseInsensitive: true), "EVAL"))
    }

    func testRegexLeafSkipsTextsWithoutTheRequiredBytes() throws {
        let ruleSet = try compileRule("string: '/^#!.*python/'")
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("#!/usr/bin/python3\nprint()\n".utf8)), ["test/rule"])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("print('#!python')\n".utf8)), [], "#! inside a line")
        XCTAssertEqual(matchedIDs(ruleSet, bytes: Array("x\u{0}#!/bin/python\u{0}".utf8)), ["test/rule"], "a NUL ends a string too")
    }

    // MARK: Pattern gating

    private let kernelOnly = """
    all:
      - type: REL
      - section: .modinfo
      - string: {substring: MAGIC!}
    """

    func testPatternsOfARuleWhoseCheapLeavesFailAreNotSearched() throws {
        let ruleSet = try compileRules([
            ("k.yaml", ruleYAML(id: "k/kernel", scope: "elf", condition: kernelOnly)),
            ("s.yaml", ruleYAML(id: "s/any", scope: "elf", condition: "string: OTHER!")),
        ])
        let program = ruleSet.program
        let dyn = ModelBuilder.model(type: "DYN", sections: [ModelBuilder.section(1, ".modinfo", offset: 0, size: 8)])
        let rel = ModelBuilder.model(type: "REL", sections: [ModelBuilder.section(1, ".modinfo", offset: 0, size: 8)])
        let bytes = Array("MAGIC!..OTHER!..".utf8)
        // What is searched, told by the hits: on a shared object only the ungated rule's pattern.
        func hitTexts(_ model: ELFModel) -> [String] {
            bytes.withUnsafeBytes { buffer in
                let facts = SubjectFacts(subject: ScanSubject(path: "x.ko", bytes: buffer, elf: model), hits: .empty, names: program.symbolNames)
                let matcher = Matcher(program: program)
                guard let index = program.patterns(scopes: [.file, .elf], mayHold: { matcher.mayHold(program.catalog.rules[$0].condition, facts: facts) })
                else { return [] }
                let hits = index.scan(buffer, elf: model)
                return hits.patterns.map { program.catalog.patterns[$0].text }.sorted()
            }
        }
        XCTAssertEqual(hitTexts(rel), ["MAGIC!", "OTHER!"])
        XCTAssertEqual(hitTexts(dyn), ["OTHER!"], "a shared object is not searched for a kernel-module rule's pattern")
        XCTAssertEqual(matchedIDs(ruleSet, bytes: bytes, elf: rel), ["k/kernel", "s/any"])
        XCTAssertEqual(matchedIDs(ruleSet, bytes: bytes, elf: dyn), ["s/any"])
    }

    // MARK: Deferred characteristics

    func testDeferredCharacteristicRunsOnlyWhenARuleReachesIt() throws {
        let ruleSet = try compileRule("""
        all:
          - type: REL
          - characteristic: dlsym-rtld-next
        """, scope: "elf")
        var calls = 0
        func match(_ type: String, holds: Bool) -> [String] {
            let model = ModelBuilder.model(type: type)
            return [UInt8](repeating: 0, count: 8).withUnsafeBytes { buffer in
                var subject = ScanSubject(path: "x.o", bytes: buffer, elf: model)
                subject.deferredCharacteristics["dlsym-rtld-next"] = DeferredCharacteristic {
                    calls += 1
                    return holds ? [Evidence(feature: "code", value: "found")] : nil
                }
                return ruleSet.match(subject).findings.map(\.ruleID)
            }
        }
        XCTAssertEqual(match("DYN", holds: true), [])
        XCTAssertEqual(calls, 0, "the type leaf failed first, so the analysis never ran")
        XCTAssertEqual(match("REL", holds: true), ["test/rule"])
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(match("REL", holds: false), [])
        XCTAssertEqual(calls, 2)
    }
}

// seeds: Rules Tests/BacksightRulesTests
// The rule compiler over arbitrary text: `RuleSet.compile(sources:)` must give a rule set or a
// `RuleCompileError` with a line and column for any YAML, never trap or hang. Inputs that
// compile are matched once against a small ELF-less subject, so compiled programs run too.
import BacksightRules

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleCompiler(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    let text = String(decoding: bytes, as: UTF8.self)
    do throws(RuleCompileError) {
        let ruleSet = try RuleSet.compile(sources: [RuleSource(path: "fuzz.yaml", text: text)])
        _ = ruleSet.match(ScanSubject(path: "fuzz/input", bytes: bytes)).count
    } catch {
        _ = error.description
    }
    return 0
}

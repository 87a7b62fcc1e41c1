// seeds: Corpus
// The whole per-file pipeline with the repository's own rules: recognise, hash, model the ELF
// file, extract strings and match every rule in Rules/, over arbitrary bytes. The rule set is
// compiled once, as a scan does.
import Backsight

let repositoryRules: RuleSet = {
    guard let folder = DefaultLocations.rules() else { fatalError("Rules/ not found; set BACKSIGHT_RULES") }
    do { return try RuleSet.compile(directories: [folder]) } catch { fatalError("Rules/ does not compile: \(error)") }
}()
let scanner = Scanner(ruleSet: repositoryRules, options: ScanOptions(jobs: 1))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleMatcher(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    let report = scanner.scan(bytes: bytes, path: "usr/lib/libfuzz.so")
    _ = report.findings.count
    return 0
}

/// The rule set above lives until exit, but LeakSanitizer cannot see every pointer into it:
/// Swift keeps enum case tags in a pointer's spare bits, so the indirect `Condition` boxes look
/// unreferenced when the process ends. Only allocations made while compiling that one global
/// are exempt; a leak while scanning an input is still reported.
@_cdecl("__lsan_default_suppressions")
public func leakSuppressions() -> UnsafePointer<CChar> {
    let text: StaticString = "leak:FuzzRuleMatcher15repositoryRules\n"
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

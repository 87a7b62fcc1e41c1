import BacksightCode

/// The code facts of files already analysed in this scan, by content (SHA-256) and by the part
/// of the analysis asked for. A package's members are often the very files installed beside
/// it, container layers repeat files, and firmware trees hold copies: the same bytes give the
/// same facts, so the disassembler reads them once. Shared by every scanning thread; bounded.
final class CodeFactsCache: Sendable {
    private let memo = ScanMemo<CodeFacts>(capacity: 4096)
    private let ruledOut = ScanMemo<Set<String>?>(capacity: 4096)

    /// The facts of the file whose bytes hash to `digest`, from `compute` the first time.
    func facts(digest: String, request: CodeAnalysisRequest, compute: () -> CodeFacts) -> CodeFacts {
        memo.value(for: "\(request.rawValue) \(digest)", compute: compute)
    }

    /// The program facts the file's imports and data rule out, from `compute` the first time.
    func programFactsRuledOut(digest: String, compute: () -> Set<String>?) -> Set<String>? {
        ruledOut.value(for: digest, compute: compute)
    }
}

import Crypto

/// Turns the bytes of one file into a report: recognise, hash, extract features, match rules.
/// Holds no state between files, so one per thread or one shared are equally safe.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet
    /// The parts of the code analysis some rule reads (none: the disassembler never runs).
    let codeRequest: CodeAnalysisRequest

    init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        codeRequest = ruleSet.codeAnalysisRequest
    }

    /// What is known of a file's bytes before any rule runs.
    struct Features {
        var kind: FileKind
        var sha256: String
        /// For ELF files: the model, or why it could not be built.
        var elf: Result<ELFModel, ELFError>?

        init(_ bytes: UnsafeRawBufferPointer) {
            kind = FileKind.recognise(bytes)
            sha256 = FileAnalyzer.sha256(bytes)
            if kind == .elf {
                do throws(ELFError) { elf = .success(try ELFReader.model(of: bytes)) } catch { elf = .failure(error) }
            }
        }
    }

    func analyze(path: String, bytes: UnsafeRawBufferPointer) -> FileReport {
        let features = Features(bytes)
        var report = FileReport(path: path, kind: features.kind, size: UInt64(bytes.count), sha256: features.sha256)
        var subject = ScanSubject(path: path, bytes: bytes)
        switch features.elf {
        case let .success(model):
            report.architecture = model.header.architecture
            report.elfType = model.header.type
            report.problems = model.problems.map(\.description)
            subject.elf = model
            subject.addCodeFacts(of: model, bytes: bytes, request: codeRequest)
        case let .failure(error):
            report.skip = Skip(reason: "malformed-elf", message: error.description)
        case nil:
            break
        }
        report.findings = ruleSet.match(subject)
        report.verdict = Verdict.aggregate(report.findings)
        return report
    }

    static func sha256(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        let digest = hasher.finalize()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

import Crypto

/// Turns the bytes of one file into a report: recognise, hash, extract features, match rules.
/// Holds no state between files, so one per thread or one shared are equally safe.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet
    /// How long the analysis of one file may take; nil for no limit. Stages check the deadline
    /// between them and inside their long loops; a file over the limit is a `time-limit` skip.
    var timeLimit: Duration?

    init(ruleSet: RuleSet, timeLimit: Duration? = nil) {
        self.ruleSet = ruleSet
        self.timeLimit = timeLimit
    }

    /// What is known of a file's bytes before any rule runs.
    struct Features {
        var kind: FileKind
        var sha256: String
        /// For ELF files: the model, or why it could not be built.
        var elf: Result<ELFModel, ELFError>?

        init(_ bytes: UnsafeRawBufferPointer, deadline: Deadline = .never) {
            kind = FileKind.recognise(bytes)
            sha256 = FileAnalyzer.sha256(bytes)
            if kind == .elf, !deadline.hasExpired {
                do throws(ELFError) { elf = .success(try ELFReader.model(of: bytes, deadline: deadline)) } catch { elf = .failure(error) }
            }
        }
    }

    func analyze(path: String, bytes: UnsafeRawBufferPointer) -> FileReport {
        let deadline = Deadline(after: timeLimit)
        let features = Features(bytes, deadline: deadline)
        var report = FileReport(path: path, kind: features.kind, size: UInt64(bytes.count), sha256: features.sha256)
        var subject = ScanSubject(path: path, bytes: bytes)
        switch features.elf {
        case let .success(model):
            report.architecture = model.header.architecture
            report.elfType = model.header.type
            report.problems = model.problems.map(\.description)
            subject.elf = model
        case let .failure(error):
            report.skip = Skip(reason: "malformed-elf", message: error.description)
        case nil:
            break
        }
        // Rules never see a model cut short: a partial model could miss what a rule requires
        // to be absent. The file is reported as skipped instead, with what is known of it.
        let cutShort = (try? features.elf?.get().stoppedAtTimeLimit) ?? false
        if cutShort || deadline.hasExpired {
            let stage = features.elf == nil ? "recognising and hashing" : "the ELF model"
            report.skip = Skip(reason: "time-limit", message: TimeLimitReached(stage: stage, limit: timeLimit).description)
            return report
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

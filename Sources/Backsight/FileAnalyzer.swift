import Crypto

/// Turns the bytes of one file into a report: recognise, hash, extract features, match rules.
/// Holds no state between files, so one per thread or one shared are equally safe.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet
    /// Opens containers and decodes payloads; nil leaves them closed.
    var unpacking: Unpacking?

    init(ruleSet: RuleSet, options: ScanOptions = ScanOptions(jobs: 1)) {
        self.ruleSet = ruleSet
        var limits = options.unpackLimits
        limits.memberSize = min(limits.memberSize, options.maximumFileSize)
        unpacking = options.unpacks ? Unpacking(ruleSet: ruleSet, limits: limits) : nil
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

    /// Analyses one file; members of a container become reports of their own, handed to
    /// `members` (which returns false to stop) before this file's report is returned.
    func analyze(path: String, bytes: UnsafeRawBufferPointer, members: Unpacking.MemberSink = { _ in true }) -> FileReport {
        analyze(path: path, bytes: bytes, onDisk: path, budget: UnpackBudget(limits: unpacking?.limits ?? UnpackLimits()), members: members)
    }

    private func analyze(path: String, bytes: UnsafeRawBufferPointer, onDisk: String, budget: UnpackBudget,
                         members: Unpacking.MemberSink) -> FileReport {
        let features = Features(bytes)
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
        let unpacked = unpacking?.unpack(path: path, bytes: bytes, container: onDisk, budget: budget, sink: members) {
            analyze(path: $0, bytes: $1, onDisk: onDisk, budget: budget, members: members)
        }
        if let unpacked {
            subject.characteristics.merge(Unpacking.characteristics(unpacked.facts, elf: subject.elf)) { $0 + $1 }
            subject.payloads = Unpacking.subjects(unpacked.payloads, parent: path)
            report.problems += Unpacking.problems(unpacked)
        }
        report.findings = withExtendedLifetime(unpacked) { ruleSet.match(subject) }
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

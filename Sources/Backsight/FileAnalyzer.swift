import Crypto

/// Turns the bytes of one file into a report: recognise, hash, extract features, match rules.
/// Holds no state between files, so one per thread or one shared are equally safe.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet

    func analyze(path: String, bytes: UnsafeRawBufferPointer) -> FileReport {
        let kind = FileKind.recognise(bytes)
        var report = FileReport(path: path, kind: kind, size: UInt64(bytes.count), sha256: Self.sha256(bytes))
        var subject = ScanSubject(path: path, bytes: bytes)
        if kind == .elf {
            do throws(ELFError) {
                let model = try ELFReader.model(of: bytes)
                report.architecture = model.header.architecture
                report.elfType = model.header.type
                report.problems = model.problems.map(\.description)
                subject.elf = model
            } catch {
                report.skip = Skip(reason: "malformed-elf", message: error.description)
            }
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

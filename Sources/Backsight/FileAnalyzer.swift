import Crypto

/// Turns the bytes of one file into a report: recognise, hash, extract features, match rules.
/// Holds no per-file state; the only shared state is the cache of library outcomes that
/// configuration files name (thread-safe and bounded), so one per scan, shared by every thread.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet
    /// Gives configuration files their facts; nil when no rule reads them.
    let configuration: ConfigurationAnalyzer?
    /// Finds XOR-hidden strings in interposing libraries; nil when no rule reads them.
    let hiddenStrings: HiddenStringsAnalyzer?

    init(ruleSet: RuleSet, libraryByteLimit: UInt64 = 64 << 20) {
        self.ruleSet = ruleSet
        let wanted = ruleSet.characteristics
        configuration = wanted.isDisjoint(with: ConfigurationAnalyzer.characteristics) ? nil
            : ConfigurationAnalyzer(cache: LibraryVerdictCache(), libraryByteLimit: Int(clamping: libraryByteLimit))
        hiddenStrings = wanted.contains(Characteristic.xorHiddenStrings.rawValue) ? HiddenStringsAnalyzer(ruleSet: ruleSet) : nil
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

    /// Analyses one file. `diskPath`, when the bytes come from a file on disk, is where (as
    /// given to the walk: the scan root joined with the path inside it); configuration files
    /// are recognised by it and resolve the libraries they name inside their own tree.
    func analyze(path: String, bytes: UnsafeRawBufferPointer, diskPath: [UInt8]? = nil) -> FileReport {
        analyzeKeepingModel(path: path, bytes: bytes, diskPath: diskPath).report
    }

    /// ``analyze(path:bytes:diskPath:)``, also giving the ELF model it built.
    func analyzeKeepingModel(path: String, bytes: UnsafeRawBufferPointer, diskPath: [UInt8]?) -> (report: FileReport, model: ELFModel?) {
        let features = Features(bytes)
        var report = FileReport(path: path, kind: features.kind, size: UInt64(bytes.count), sha256: features.sha256)
        var subject = ScanSubject(path: path, bytes: bytes)
        var model: ELFModel?
        switch features.elf {
        case let .success(elf):
            report.architecture = elf.header.architecture
            report.elfType = elf.header.type
            report.problems = elf.problems.map(\.description)
            subject.elf = elf
            model = elf
            if let hiddenStrings, let found = hiddenStrings.characteristic(bytes: bytes, model: elf) {
                subject.characteristics[Characteristic.xorHiddenStrings.rawValue] = found
            }
        case let .failure(error):
            report.skip = Skip(reason: "malformed-elf", message: error.description)
        case nil:
            if features.kind == .text, let configuration, let diskPath, let file = ConfigurationFile.recognise(diskPath: diskPath) {
                let facts = configuration.characteristics(for: file, bytes: bytes) { libraryPath, libraryBytes in
                    analyzeKeepingModel(path: libraryPath, bytes: libraryBytes, diskPath: nil)
                }
                subject.characteristics.merge(facts) { $0 + $1 }
                // Rules see a configuration file's path inside the tree it configures
                // (`etc/pam.d/sshd`), however the scan reached it.
                subject.path = file.pathInTreeDescription
            }
        }
        report.findings = ruleSet.match(subject)
        report.verdict = Verdict.aggregate(report.findings)
        return (report, model)
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

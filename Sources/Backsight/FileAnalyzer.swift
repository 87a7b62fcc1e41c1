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
    /// Opens containers and decodes payloads; nil leaves them closed.
    let unpacking: Unpacking?
    /// Reads the other files of a file's directory when a rule asks what they are; nil when none does.
    let siblings: SiblingTestFiles?
    /// The parts of the code analysis some rule reads (none: the disassembler never runs).
    let codeRequest: CodeAnalysisRequest
    /// How long the analysis of one file (or container member) may take; nil for no limit.
    /// Stages check the deadline between them and inside their long loops; a file over the
    /// limit is a `time-limit` skip.
    let timeLimit: Duration?

    init(ruleSet: RuleSet, options: ScanOptions = ScanOptions(jobs: 1)) {
        self.ruleSet = ruleSet
        let wanted = ruleSet.characteristics
        configuration = wanted.isDisjoint(with: ConfigurationAnalyzer.characteristics) ? nil
            : ConfigurationAnalyzer(cache: LibraryVerdictCache(), libraryByteLimit: Int(clamping: options.maximumFileSize))
        hiddenStrings = wanted.contains(Characteristic.xorHiddenStrings.rawValue) ? HiddenStringsAnalyzer(ruleSet: ruleSet) : nil
        var limits = options.unpackLimits
        limits.memberSize = min(limits.memberSize, options.maximumFileSize)
        unpacking = options.unpacks ? Unpacking(ruleSet: ruleSet, limits: limits) : nil
        siblings = options.unpacks && wanted.contains(Characteristic.siblingSwapRepairsStream.rawValue)
            ? SiblingTestFiles(limits: limits) : nil
        codeRequest = ruleSet.codeAnalysisRequest
        timeLimit = options.maximumFileTime
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

    /// Analyses one file. `diskPath`, when the bytes come from a file on disk, is where (as
    /// given to the walk: the scan root joined with the path inside it); configuration files
    /// are recognised by it and resolve the libraries they name inside their own tree.
    /// Members of a container become reports of their own, handed to `members` (which returns
    /// false to stop) before this file's report is returned.
    func analyze(path: String, bytes: UnsafeRawBufferPointer, diskPath: [UInt8]? = nil,
                 members: Unpacking.MemberSink = { _ in true }) -> FileReport {
        analyze(path: path, bytes: bytes, diskPath: diskPath, container: path, placeOnDisk: diskPath.flatMap(PlaceOnDisk.init),
                            budget: UnpackBudget(limits: unpacking?.limits ?? UnpackLimits()), members: members)
    }

    /// The directory on disk that holds a file (or the container holding a member), and its name there.
    struct PlaceOnDisk {
        var directory: String
        var name: String

        init?(_ diskPath: [UInt8]) {
            guard let slash = diskPath.lastIndex(of: UInt8(ascii: "/")) else {
                (directory, name) = (".", String(decoding: diskPath, as: UTF8.self))
                return
            }
            let name = diskPath[diskPath.index(after: slash)...]
            guard !name.isEmpty else { return nil }
            (directory, self.name) = (slash == diskPath.startIndex ? "/" : String(decoding: diskPath[..<slash], as: UTF8.self),
                                      String(decoding: name, as: UTF8.self))
        }
    }

    /// ``analyze(path:bytes:diskPath:members:)`` for bytes that `container`, the file on disk,
    /// holds (the file itself, for files).
    private func analyze(path: String, bytes: UnsafeRawBufferPointer, diskPath: [UInt8]?, container: String,
                         placeOnDisk: PlaceOnDisk?, budget: UnpackBudget, members: Unpacking.MemberSink) -> FileReport {
        let deadline = Deadline(after: timeLimit)
        let features = Features(bytes, deadline: deadline)
        var report = FileReport(path: path, kind: features.kind, size: UInt64(bytes.count), sha256: features.sha256)
        var subject = ScanSubject(path: path, bytes: bytes)
        subject.contentKind = ContentKind(rawValue: features.kind.rawValue)
        switch features.elf {
        case let .success(elf):
            report.architecture = elf.header.architecture
            report.elfType = elf.header.type
            report.problems = elf.problems.map(\.description)
            subject.elf = elf
            subject.addCodeFacts(of: elf, bytes: bytes, request: codeRequest)
            if let hiddenStrings {
                subject.deferredCharacteristics[Characteristic.xorHiddenStrings.rawValue] = DeferredCharacteristic {
                    hiddenStrings.characteristic(bytes: bytes, model: elf)
                }
            }
        case let .failure(error):
            report.skip = Skip(reason: "malformed-elf", message: error.description)
        case nil:
            if features.kind == .text, let configuration, let diskPath, let file = ConfigurationFile.recognise(diskPath: diskPath) {
                let facts = configuration.characteristics(for: file, bytes: bytes) { libraryPath, libraryBytes in
                    analyze(path: libraryPath, bytes: libraryBytes, diskPath: nil, container: libraryPath, placeOnDisk: nil,
                            budget: UnpackBudget(limits: unpacking?.limits ?? UnpackLimits()), members: { _ in true })
                }
                subject.characteristics.merge(facts) { $0 + $1 }
                // Rules see a configuration file's path inside the tree it configures
                // (`etc/pam.d/sshd`), however the scan reached it.
                subject.path = file.pathInTreeDescription
            }
        }
        // Rules never see a model cut short: a partial model could miss what a rule requires
        // to be absent. The file is reported as skipped instead, with what is known of it.
        let cutShort = (try? features.elf?.get().stoppedAtTimeLimit) ?? false
        if cutShort || deadline.hasExpired {
            let stage = features.elf == nil ? "recognising and hashing" : "the ELF model and its code analysis"
            report.skip = Skip(reason: "time-limit", message: TimeLimitReached(stage: stage, limit: timeLimit).description)
            return report
        }
        let unpacked = unpacking?.unpack(path: path, bytes: bytes, container: container, budget: budget, sink: members) {
            analyze(path: $0, bytes: $1, diskPath: nil, container: container, placeOnDisk: placeOnDisk, budget: budget, members: members)
        }
        if let unpacked {
            subject.characteristics.merge(Unpacking.characteristics(unpacked.facts, elf: subject.elf)) { $0 + $1 }
            subject.payloads = Unpacking.subjects(unpacked.payloads, parent: path)
            report.problems += Unpacking.problems(unpacked)
        }
        // Unpacking is bounded by its byte limits; the deadline still holds for the file's own rules.
        if deadline.hasExpired {
            report.skip = Skip(reason: "time-limit", message: TimeLimitReached(stage: "unpacking", limit: timeLimit).description)
            return report
        }
        if let siblings, let placeOnDisk {
            subject.deferredCharacteristics[Characteristic.siblingSwapRepairsStream.rawValue] = DeferredCharacteristic {
                let found = siblings.swapRepairedSiblings(in: placeOnDisk.directory, excluding: placeOnDisk.name)
                return found.isEmpty ? nil : found
            }
        }
        report.findings = withExtendedLifetime(unpacked) { ruleSet.match(subject) }
        report.verdict = Verdict.aggregate(report.findings)
        return report
    }

    static func sha256(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { hexString($0) }
    }
}

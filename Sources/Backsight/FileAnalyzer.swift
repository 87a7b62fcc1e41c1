import BacksightConfig

/// Turns the bytes of one file into a report: recognise, extract features, match rules, hash.
/// Holds no per-file state; the only shared state is the cache of library outcomes that
/// configuration files name (thread-safe and bounded), so one per scan, shared by every thread.
struct FileAnalyzer: Sendable {
    let ruleSet: RuleSet
    /// Gives configuration files their facts; nil when no rule reads them.
    let configuration: ConfigurationFacts?
    /// Finds XOR-hidden strings in interposing libraries; nil when no rule reads them.
    let hiddenStrings: HiddenStringsAnalyzer?
    /// The eBPF facts some rule reads (none: eBPF objects are not looked for).
    let bpfFacts: Set<Characteristic>
    /// Opens containers and decodes payloads; nil leaves them closed.
    let unpacking: Unpacking?
    /// Reads the other files of a file's directory when a rule asks what they are; nil when none does.
    let siblings: SiblingTestFiles?
    /// Samples the other modules of a kernel module's tree when a rule asks whether they are signed.
    let moduleTrees: ModuleTreeSigning?
    /// The parts of the code analysis some rule reads (none: the disassembler never runs).
    let codeRequest: CodeAnalysisRequest
    /// The optional parts of the ELF model something reads: GOT slots and resolvers for the
    /// code analysis; notes and section entropy never (the matcher computes the entropy of a
    /// section a rule tests).
    let elfParts: ELFModelParts
    /// Every file's report carries its SHA-256, not only those ``carriesHash(_:openedAsContainer:)`` names.
    let hashesEveryFile: Bool
    /// How long the analysis of one file (or container member) may take; nil for no limit.
    /// Stages check the deadline between them and inside their long loops; a file over the
    /// limit is a `time-limit` skip.
    let timeLimit: Duration?
    /// Code facts by content, for files the scan meets more than once.
    let codeFacts = CodeFactsCache()

    init(ruleSet: RuleSet, options: ScanOptions = ScanOptions(jobs: 1)) {
        self.ruleSet = ruleSet
        let wanted = ruleSet.characteristics
        let configuration = ConfigurationFacts(ruleSet: ruleSet, options: options)
        self.configuration = configuration.isEmpty ? nil : configuration
        hiddenStrings = wanted.contains(Characteristic.xorHiddenStrings.rawValue) ? HiddenStringsAnalyzer(ruleSet: ruleSet) : nil
        bpfFacts = Set([Characteristic.bpfProgramWritesUserMemory, .bpfProgramProbesAuthentication].filter { wanted.contains($0.rawValue) })
        var limits = options.unpackLimits
        limits.memberSize = min(limits.memberSize, options.maximumFileSize)
        unpacking = options.unpacks ? Unpacking(ruleSet: ruleSet, limits: limits) : nil
        siblings = options.unpacks && wanted.contains(Characteristic.siblingSwapRepairsStream.rawValue)
            ? SiblingTestFiles(limits: limits) : nil
        moduleTrees = wanted.contains(Characteristic.unsignedModuleInSignedTree.rawValue) ? ModuleTreeSigning() : nil
        codeRequest = ruleSet.codeAnalysisRequest
        elfParts = codeRequest.isEmpty ? [] : [.gotSlots, .resolvers]
        hashesEveryFile = options.hashesEveryFile
        timeLimit = options.maximumFileTime
    }

    /// What is known of a file's bytes before any rule runs.
    struct Features {
        var kind: FileKind
        /// For ELF files: the model, or why it could not be built.
        var elf: Result<ELFModel, ELFError>?

        /// Recognises `bytes` and models them if ELF, with the optional `parts` of the model.
        init(_ bytes: UnsafeRawBufferPointer, deadline: Deadline = .never, parts: ELFModelParts = .all) {
            kind = FileKind.recognise(bytes)
            if kind == .elf, !deadline.hasExpired {
                do throws(ELFError) { elf = .success(try ELFReader.model(of: bytes, deadline: deadline, parts: parts)) } catch { elf = .failure(error) }
            }
        }
    }

    /// Analyses one file. `diskPath`, when the bytes come from a file on disk, is where (as
    /// given to the walk: the scan root joined with the path inside it); configuration files
    /// are recognised by it and resolve the libraries they name inside their own tree.
    /// Members of a container become reports of their own, handed to `members` (which returns
    /// false to stop) before this file's report is returned.
    /// `subjectReady`, when given, sees the file's rule subject just before its rules are matched
    /// (not those of members or payloads): how `rules explain` evaluates a rule on the subject a
    /// scan would match. `memory`, the scanning thread's account in the scan's memory budget,
    /// is where large decodes are reserved.
    func analyze(path: String, bytes: UnsafeRawBufferPointer, diskPath: [UInt8]? = nil, memory: MemoryBudget.Account? = nil,
                 members: Unpacking.MemberSink = { _ in true }, subjectReady: ((ScanSubject) -> Void)? = nil) -> FileReport {
        let configurationPlace = configuration == nil ? nil : diskPath.flatMap(ConfigurationFile.recognise(diskPath:)).map { ConfigurationPlace(file: $0, tree: $0.treeOnDisk) }
        return analyze(path: path, bytes: bytes, configurationPlace: configurationPlace, container: path, placeOnDisk: diskPath.flatMap(PlaceOnDisk.init),
                budget: UnpackBudget(limits: unpacking?.limits ?? UnpackLimits(), memory: memory), members: members, subjectReady: subjectReady)
    }

    /// Analyses an OCI image layout directory (`path` in the scan, `diskPath` on disk) as one
    /// container: the files of its layers' final filesystem become member reports, handed to
    /// `members`; the returned report is the directory's, with the problems met.
    func analyzeImageLayout(path: String, diskPath: String, openRecorder: OpenRecorder?, members: Unpacking.MemberSink) -> FileReport {
        var report = FileReport(path: path, kind: .directory)
        guard let unpacking else { return report }
        let budget = UnpackBudget(limits: unpacking.limits)
        let result = unpacking.unpackImageLayout(path: path, diskPath: diskPath, openRecorder: openRecorder, budget: budget, sink: members,
                                                 configurationFiles: configuration != nil) {
            analyze(path: $0, bytes: $1, configurationPlace: $2, container: path, placeOnDisk: nil, budget: budget, members: members)
        }
        report.problems = Unpacking.problems(result)
        return report
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
    private func analyze(path: String, bytes: UnsafeRawBufferPointer, configurationPlace: ConfigurationPlace?, container: String,
                         placeOnDisk: PlaceOnDisk?, budget: UnpackBudget, members: Unpacking.MemberSink,
                         subjectReady: ((ScanSubject) -> Void)? = nil) -> FileReport {
        var openedAsContainer = false
        var report = analyzeUnhashed(path: path, bytes: bytes, configurationPlace: configurationPlace, container: container, placeOnDisk: placeOnDisk,
                                     budget: budget, members: members, subjectReady: subjectReady, openedAsContainer: &openedAsContainer)
        if report.sha256 == nil, hashesEveryFile || FileAnalyzer.carriesHash(report, openedAsContainer: openedAsContainer) {
            report.sha256 = SHA256Digest.hex(bytes)
        }
        return report
    }

    /// The report contract: a SHA-256 for every ELF file, every file or member with a finding,
    /// a skip or a problem, and every container the scan opened. Other files carry none unless
    /// the scan hashes every file.
    static func carriesHash(_ report: FileReport, openedAsContainer: Bool) -> Bool {
        report.kind == .elf || openedAsContainer || !report.findings.isEmpty || report.skip != nil || !report.problems.isEmpty
    }

    /// ``analyze(path:bytes:diskPath:container:placeOnDisk:budget:members:subjectReady:)`` without
    /// the hash, except an ELF file's (it keys the code facts kept by content); sets `openedAsContainer` when the unpacker read the file as a package, archive or
    /// compressed file.
    private func analyzeUnhashed(path: String, bytes: UnsafeRawBufferPointer, configurationPlace: ConfigurationPlace?, container: String,
                                 placeOnDisk: PlaceOnDisk?, budget: UnpackBudget, members: Unpacking.MemberSink,
                                 subjectReady: ((ScanSubject) -> Void)?, openedAsContainer: inout Bool) -> FileReport {
        let deadline = Deadline(after: timeLimit)
        let features = Features(bytes, deadline: deadline, parts: elfParts)
        var report = FileReport(path: path, kind: features.kind, size: UInt64(bytes.count))
        var subject = ScanSubject(path: path, bytes: bytes)
        subject.contentKind = ContentKind(rawValue: features.kind.rawValue)
        switch features.elf {
        case let .success(elf):
            report.architecture = elf.header.architecture
            report.elfType = elf.header.type
            report.problems = elf.problems.map(\.description)
            report.kernel = KernelFileFacts.module(elf, bytes: bytes)
            subject.elf = elf
            // Every ELF file's report carries its hash; the code analysis keys its cache with it.
            report.sha256 = SHA256Digest.hex(bytes)
            subject.addCodeFacts(of: elf, bytes: bytes, request: codeRequest, cache: codeFacts, digest: report.sha256)
            if let hiddenStrings {
                subject.deferredCharacteristics[Characteristic.xorHiddenStrings.rawValue] = DeferredCharacteristic {
                    hiddenStrings.characteristic(bytes: bytes, model: elf)
                }
            }
            if !bpfFacts.isEmpty {
                // The objects are found once, by whichever fact a rule reads first.
                let objects = EBPFHelperEvidence.Objects(bytes: bytes, deadline: deadline)
                if bpfFacts.contains(.bpfProgramWritesUserMemory) {
                    subject.deferredCharacteristics[Characteristic.bpfProgramWritesUserMemory.rawValue] = DeferredCharacteristic {
                        EBPFHelperEvidence.userMemoryWrites(objects.found)
                    }
                }
                if bpfFacts.contains(.bpfProgramProbesAuthentication) {
                    subject.deferredCharacteristics[Characteristic.bpfProgramProbesAuthentication.rawValue] = DeferredCharacteristic {
                        EBPFHelperEvidence.authenticationProbes(objects.found, in: bytes)
                    }
                }
            }
        case let .failure(error):
            report.skip = Skip(reason: "malformed-elf", message: error.description)
        case nil:
            if features.kind == .data { report.kernel = KernelFileFacts.image(bytes) }
            if features.kind == .text, let configuration, let place = configurationPlace {
                let file = place.file
                let facts = configuration.characteristics(for: file, bytes: bytes, tree: place.tree, known: place.known, isWholeRoot: place.isWholeRoot,
                                                         deadline: deadline) { libraryPath, libraryBytes in
                    analyze(path: libraryPath, bytes: libraryBytes, configurationPlace: nil, container: libraryPath, placeOnDisk: nil,
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
            let stage = features.elf == nil ? "recognising the file" : "the ELF model and its code analysis"
            report.skip = Skip(reason: "time-limit", message: TimeLimitReached(stage: stage, limit: timeLimit).description)
            return report
        }
        let unpacked = unpacking?.unpack(path: path, bytes: bytes, container: container, budget: budget, sink: members,
                                         configurationFiles: configuration != nil) {
            analyze(path: $0, bytes: $1, configurationPlace: $2, container: container, placeOnDisk: placeOnDisk, budget: budget, members: members)
        }
        if let unpacked {
            openedAsContainer = unpacked.container != nil
            subject.characteristics.merge(Unpacking.characteristics(unpacked.facts, elf: subject.elf)) { $0 + $1 }
            subject.payloads = Unpacking.subjects(unpacked.payloads, parent: path)
            report.problems += Unpacking.problems(unpacked)
        }
        // Unpacking is bounded by its byte limits; the deadline still holds for the file's own rules.
        if deadline.hasExpired {
            report.skip = Skip(reason: "time-limit", message: TimeLimitReached(stage: "unpacking", limit: timeLimit).description)
            return report
        }
        if let moduleTrees, let placeOnDisk, let module = report.kernel, module.role == .module, module.signed == false,
           module.inTree != true, let tree = ModuleTreeSigning.tree(holding: placeOnDisk.directory + "/" + placeOnDisk.name) {
            subject.deferredCharacteristics[Characteristic.unsignedModuleInSignedTree.rawValue] = DeferredCharacteristic {
                let sample = moduleTrees.sample(of: tree)
                guard sample.isSigned else { return nil }
                return [Evidence(feature: "characteristic", value: "no appended signature, not in-tree, release \(module.release)",
                                 detail: "\(sample.signed) of \(sample.checked) other modules sampled in \(tree) are signed")]
            }
        }
        if let siblings, let placeOnDisk {
            subject.deferredCharacteristics[Characteristic.siblingSwapRepairsStream.rawValue] = DeferredCharacteristic {
                let found = siblings.swapRepairedSiblings(in: placeOnDisk.directory, excluding: placeOnDisk.name)
                return found.isEmpty ? nil : found
            }
        }
        let matched = withExtendedLifetime(unpacked) {
            subjectReady?(subject)
            return ruleSet.match(subject)
        }
        report.findings = matched.findings
        report.problems += matched.problems
        report.verdict = Verdict.aggregate(report.findings)
        return report
    }
}

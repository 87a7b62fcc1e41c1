import BacksightConfig
import BacksightWalk

/// The engine's side of unpacking: which unpacker a rule set needs, and how its results become
/// reports (container members), payload subjects and characteristics.
struct Unpacking: Sendable {
    let unpacker: Unpacker
    let limits: UnpackLimits

    /// An unpacker computing only the facts some rule reads, carving only if a payload rule exists.
    init(ruleSet: RuleSet, limits: UnpackLimits) {
        let wanted = ruleSet.characteristics.intersection(UnpackFact.allNames)
        unpacker = Unpacker(facts: wanted, carves: ruleSet.scopes.contains(.payload))
        self.limits = limits
    }

    /// Where member reports go; returns false when the scan stopped and no more are wanted.
    typealias MemberSink = (FileReport) -> Bool

    /// Unpacks `bytes`: each member is analysed by `analyze` (recursively) and handed to `sink`,
    /// marked as held by `container`, the file on disk.
    /// Analyses a member's bytes, given the configuration place of a configuration file.
    typealias MemberAnalysis = (String, UnsafeRawBufferPointer, ConfigurationPlace?) -> FileReport

    /// Unpacks `bytes`: each member is analysed by `analyze` (recursively) and handed to `sink`,
    /// marked as held by `container`, the file on disk. With `configurationFiles`, the
    /// container is a root of its own: its configuration files are analysed last, inside it.
    func unpack(path: String, bytes: UnsafeRawBufferPointer, container: String, budget: UnpackBudget, sink: MemberSink,
                configurationFiles: Bool, analyze: MemberAnalysis) -> UnpackResult {
        let tree = configurationFiles ? ImageTreeRecorder(identity: path) : nil
        var result = unpacker.unpack(path: path, bytes: bytes, budget: budget) { member in
            deliver(member, of: path, container: container, tree: tree, sink: sink, analyze: analyze)
        }
        if let tree, !result.stopped {
            tree.isWholeRoot = !result.isPackage
            result.stopped = !deliverHeldBack(tree, of: path, container: container, sink: sink, analyze: analyze)
        }
        return result
    }

    /// Unpacks the OCI image layout directory at `path` (on disk at `diskPath`): the final
    /// filesystem of its layers, each member analysed by `analyze` and handed to `sink`.
    func unpackImageLayout(path: String, diskPath: String, openRecorder: OpenRecorder?, budget: UnpackBudget, sink: MemberSink,
                           configurationFiles: Bool, analyze: MemberAnalysis) -> UnpackResult {
        let files = DirectoryImageFiles(root: diskPath, openRecorder: openRecorder)
        let tree = configurationFiles ? ImageTreeRecorder(identity: path) : nil
        var result = unpacker.unpackImage(files, path: path, layerLimit: limits.memberSize, budget: budget) { member in
            deliver(member, of: path, container: path, tree: tree, sink: sink, analyze: analyze)
        }
        if let tree, !result.stopped { result.stopped = !deliverHeldBack(tree, of: path, container: path, sink: sink, analyze: analyze) }
        return result
    }

    /// One member's report, analysed if it is a file, handed to `sink`; a configuration file
    /// is held back by `tree` instead.
    private func deliver(_ member: UnpackedMember, of path: String, container: String, tree: ImageTreeRecorder?, sink: MemberSink,
                         analyze: MemberAnalysis) -> Bool {
        var report: FileReport
        let memberPath = path + "!" + RelativePath.escape(member.path)
        switch member.content {
        case let .file(content):
            if let tree, tree.holdBack(member, content: content) { return true }
            report = analyze(memberPath, content, tree?.placeAsReadSoFar(member))
            tree?.record(member, content: content, report: report)
        case let .symbolicLink(target):
            report = FileReport(path: memberPath, kind: .symlink, linkTarget: RelativePath.escape(target))
            tree?.record(member)
        case let .hardLink(target):
            report = FileReport(path: memberPath, kind: .hardlink, linkTarget: path + "!" + RelativePath.escape(target))
            tree?.record(member)
        case let .skipped(reason, message):
            report = FileReport(path: memberPath, kind: reason == "not-regular-file" ? .unknown : .data, size: member.size,
                                skip: Skip(reason: reason, message: message))
            tree?.record(member)
        }
        report.container = container
        report.layer = member.layer
        return sink(report)
    }

    /// The configuration files `tree` held back, analysed inside the container; false when the scan stopped.
    private func deliverHeldBack(_ tree: ImageTreeRecorder, of path: String, container: String, sink: MemberSink,
                                 analyze: MemberAnalysis) -> Bool {
        for held in tree.heldBack {
            var report = held.bytes.withUnsafeBytes { analyze(path + "!" + RelativePath.escape(held.member.path), $0, tree.place(of: held)) }
            report.container = container
            report.layer = held.member.layer
            guard sink(report) else { return false }
        }
        return true
    }

    /// The unpacker's facts as characteristics; offsets in an ELF file also name their section.
    static func characteristics(_ facts: [UnpackFact], elf: ELFModel?) -> [String: [Evidence]] {
        var characteristics: [String: [Evidence]] = [:]
        for fact in facts {
            characteristics[fact.name, default: []] += fact.evidence.map { item in
                let section = item.offset.flatMap { offset in elf?.sections.first { $0.hasFileBytes && $0.typeNumber != 0 && offset >= $0.offset && offset - $0.offset < $0.size }?.name }
                return Evidence(feature: "characteristic", value: item.value,
                                location: item.offset.map { Location(section: section, offset: $0) }, detail: item.detail)
            }
        }
        return characteristics
    }

    /// Payloads as subjects for `payload`-scope rules: each with its ELF model if it is one, its
    /// facts, and its own payloads. The subjects point into the payloads' bytes, so keep the
    /// payloads alive while the subjects are used.
    static func subjects(_ payloads: [DecodedPayload], parent: String) -> [ScanSubject] {
        payloads.map { payload in
            let path = parent + "!" + payload.name
            let bytes = payload.bytes.buffer
            var elf: ELFModel?
            if ELFReader.hasELFMagic(bytes) { elf = try? ELFReader.model(of: bytes) }
            return ScanSubject(path: path, bytes: bytes, elf: elf, characteristics: characteristics(payload.facts, elf: nil),
                               payloads: subjects(payload.payloads, parent: path))
        }
    }

    /// Problems in a form for reports: `code: sentence`, payload problems named by payload.
    static func problems(_ result: UnpackResult) -> [String] {
        var lines = result.problems.map { "\($0.code): \($0.description)" }
        func add(_ payloads: [DecodedPayload], prefix: String) {
            for payload in payloads {
                let name = prefix + payload.name
                lines += payload.problems.map { "\(name): \($0.code): \($0.description)" }
                add(payload.payloads, prefix: name + "!")
            }
        }
        add(result.payloads, prefix: "")
        return lines
    }
}

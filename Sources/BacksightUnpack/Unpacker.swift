import BacksightELF

/// Opens what is compressed or archived in a file's bytes and looks inside, without files on
/// disk: `.deb` packages, archives libarchive reads (tar, cpio, zip, 7z, ISO 9660, RPM, under
/// gzip, bzip2, xz, lzma, zstd, lz4), compressed single files (`.ko.xz`, `.so.zst`, test blobs), and xz/LZMA streams carved from anywhere inside other data (ELF
/// sections included), recursively. Knows nothing of rules: it reports members through a
/// callback, and payloads, facts and problems as values.
public struct Unpacker: Sendable {
    /// The facts to compute (names from ``UnpackFact``); heuristics nobody reads are skipped.
    public var facts: Set<String>
    /// Whether to carve and decode streams found inside files as payloads.
    public var carves: Bool

    public init(facts: Set<String> = Set(UnpackFact.allNames), carves: Bool = true) {
        self.facts = facts
        self.carves = carves
    }

    /// Unpacks one file (or member). Members are handed to `member` as they are read (return
    /// false to stop); everything decoded counts against `budget`, shared with nested calls.
    /// - Parameter path: the scanned path, for member names and the test-file heuristics.
    public func unpack(path: String, bytes: UnsafeRawBufferPointer, budget: UnpackBudget,
                       member: (UnpackedMember) -> Bool) -> UnpackResult {
        var result = UnpackResult()
        guard budget.enter() else { return result }
        defer { budget.leave() }
        withoutActuallyEscaping(member) { member in
            if SquashfsReader.hasSuperBlock(bytes) {
                readSquashfs(bytes, budget: budget, member: member, into: &result)
            } else if ArchiveSignature.has(bytes, at: 0, Array("!<arch>\n".utf8)) {
                unpackPackage(bytes, budget: budget, member: member, into: &result)
            } else if StreamHeaders.xzCheck(at: 0, in: bytes) != nil {
                unpackCompressedFile(path: path, bytes: bytes, format: .xz, budget: budget, member: member, into: &result)
            } else if Self.isLZMAFile(bytes, budget: budget) {
                unpackCompressedFile(path: path, bytes: bytes, format: .lzmaAlone, budget: budget, member: member, into: &result)
            } else if let compression = ArchiveSignature.compression(bytes),
                      readCompressedArchive(path: path, bytes: bytes, compression: compression, budget: budget, member: member, into: &result) {
            } else if ArchiveSignature.archive(bytes) == .tar, let image = TarImageFiles.index(bytes, budget: budget) {
                readImage(image, label: "image tarball", layerLimit: UInt64(bytes.count), budget: budget, member: member, into: &result)
            } else if let formats = ArchiveSignature.archive(bytes),
                      readArchive(bytes, formats: formats, label: "archive", rawName: [], budget: budget, member: member, into: &result) {
            } else if !ELFReader.hasELFMagic(bytes), !ShellScriptMarkers.isText(bytes), let layout = FirmwareLayout.find(in: bytes),
                      readFirmware(bytes, layout: layout, budget: budget, member: member, into: &result) {
            } else {
                var payloadCount = 0
                let found = inspect(bytes, budget: budget, isPayload: false, payloadCount: &payloadCount)
                result.payloads = found.payloads
                result.facts = found.facts
                result.problems = found.problems
            }
        }
        return result
    }

    /// Unpacks a container image whose files are not one file's bytes (an OCI image layout
    /// directory, read by the caller): the final filesystem of its layers, each member naming
    /// its layer. Layer blobs larger than `layerLimit` are not read.
    public func unpackImage(_ files: some ImageFiles, path: String, layerLimit: UInt64, budget: UnpackBudget,
                            member: (UnpackedMember) -> Bool) -> UnpackResult {
        var result = UnpackResult()
        guard budget.enter() else { return result }
        defer { budget.leave() }
        withoutActuallyEscaping(member) { member in
            readImage(files, label: path, layerLimit: layerLimit, budget: budget, member: member, into: &result)
        }
        return result
    }

    // MARK: Containers

    /// An OCI or Docker image: its layers merged, whiteouts applied.
    private func readImage(_ files: some ImageFiles, label: String, layerLimit: UInt64, budget: UnpackBudget,
                           member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) {
        let outcome = ContainerImageReader.read(files, label: label, layerLimit: layerLimit, budget: budget, member: member)
        result.container = outcome.container
        result.problems += outcome.problems
        result.members += outcome.emitted
        result.stopped = outcome.stopped
    }

    /// A file compressed by `compression` (gzip, bzip2, zstd, …) that holds an image tarball or
    /// an archive (or, but for gzip, one file); its first 512 decoded bytes, decoded once, tell
    /// which. False when it is neither: gzip files that hold no archive (man pages, changelogs)
    /// are left alone.
    private func readCompressedArchive(path: String, bytes: UnsafeRawBufferPointer, compression: String, budget: UnpackBudget,
                                       member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) -> Bool {
        let isGzip = compression == "gzip"
        let head = isGzip ? GzipHead.first(512, of: bytes) : CpioNameCheck.decodedPrefix(bytes, count: 512) ?? []
        if readCompressedImage(bytes, startsLikeImage: head.withUnsafeBytes(CompressedTarImageFiles.startsLikeImage), budget: budget,
                               member: member, into: &result) {
            return true
        }
        guard !isGzip || head.withUnsafeBytes({ ArchiveSignature.archive($0) }) != nil else { return false }
        return readArchive(bytes, formats: isGzip ? .insideCompression : .insideCompression.union(.raw), label: compression,
                           rawName: Self.decodedName(path), budget: budget, member: member, into: &result)
    }

    /// A compressed image tarball (`docker save | gzip`), when its decoded head starts like
    /// one: its layers merged as for an uncompressed one; false when it is not an image.
    private func readCompressedImage(_ bytes: UnsafeRawBufferPointer, startsLikeImage: Bool, budget: UnpackBudget,
                                     member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) -> Bool {
        guard startsLikeImage, let image = CompressedTarImageFiles.index(bytes, budget: budget) else { return false }
        readImage(image, label: "image tarball", layerLimit: budget.limits.memberSize, budget: budget, member: member, into: &result)
        return true
    }

    /// Reads `bytes` as one of `formats` through libarchive; false when none recognised them.
    private func readArchive(_ bytes: UnsafeRawBufferPointer, formats: ArchiveReader.Formats, label: String, rawName: [UInt8],
                             budget: UnpackBudget, member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) -> Bool {
        let sink = MemberSink(prefix: [], countLimit: budget.limits.members, emit: member)
        let outcome = ArchiveReader.read(bytes, formats: formats, label: label, rawName: rawName, budget: budget, sink: sink)
        budget.spend(outcome.produced)
        guard outcome.container != nil || !outcome.problems.isEmpty else { return false }
        result.container = outcome.container ?? label
        result.problems += outcome.problems
        result.members += sink.emitted
        result.stopped = sink.stopped && !sink.reachedCountLimit
        return true
    }

    /// A SquashFS image, read in place as a root of its own.
    private func readSquashfs(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget,
                              member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) {
        let sink = MemberSink(prefix: [], countLimit: budget.limits.members, emit: member)
        let outcome = SquashfsReader.read(bytes, budget: budget, sink: sink)
        budget.spend(outcome.produced)
        result.container = outcome.container ?? "squashfs"
        result.problems += outcome.problems
        result.members += sink.emitted
        result.stopped = sink.stopped && !sink.reachedCountLimit
    }

    /// A firmware blob: the SquashFS images and cpio archives (plain or compressed) found at
    /// offsets, read in order, each from where the previous one ended. The first image's members
    /// are named as in a root (`fw.bin!/etc/passwd`), later ones under their format and offset
    /// (`fw.bin!/image@0x2000/init`). The container names the header and every image read
    /// (`firmware: uImage, squashfs.xz@0x40`); false when none could be read.
    private func readFirmware(_ bytes: UnsafeRawBufferPointer, layout: FirmwareLayout, budget: UnpackBudget,
                              member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) -> Bool {
        var read: [String] = []
        var readUpTo = 0
        for image in layout.images where image.offset >= readUpTo && !result.stopped {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[image.offset...])
            let hex = "0x" + String(image.offset, radix: 16)
            var outcome: (container: String?, problems: [UnpackError], end: Int)
            var emitted = 0
            var stopped = false
            // Later images go under their offset; the first is the root.
            let sink = MemberSink(prefix: read.isEmpty ? [] : Array("/image@\(hex)".utf8), countLimit: budget.limits.members) { found in
                emitted += 1
                if !member(found) { stopped = true }
                return !stopped
            }
            switch image.kind {
            case let .squashfs(length):
                let squashfs = SquashfsReader.read(UnsafeRawBufferPointer(rebasing: rest[0..<length]), base: UInt64(image.offset), budget: budget, sink: sink)
                budget.spend(squashfs.produced)
                outcome = (squashfs.container, squashfs.problems, image.offset + length)
            case .cpio, .compressed:
                let archive = ArchiveReader.read(rest, formats: .cpio, base: UInt64(image.offset), label: "cpio at offset \(image.offset)", rawName: [],
                                                 budget: budget, sink: sink)
                budget.spend(archive.produced)
                outcome = (archive.container, archive.problems, image.offset + Int(clamping: archive.consumed))
            }
            guard let container = outcome.container else { continue }
            read.append("\(container)@\(hex)")
            readUpTo = max(outcome.end, image.offset + 1)
            result.problems += outcome.problems
            result.members += emitted
            result.stopped = stopped && !sink.reachedCountLimit
        }
        guard !read.isEmpty else { return false }
        result.container = "firmware: \(layout.header), " + read.joined(separator: ", ")
        return true
    }

    /// A `.deb`: `debian-binary`, `control.tar[.xz|.gz|.zst|…]`, `data.tar[.xz|.gz|.zst|.bz2|.lzma]`,
    /// read with libarchive's ar then tar readers, the inner archives in place (no copy).
    /// Control files are reported under `/DEBIAN/`, data files under `/`. An ar archive that
    /// is not a package (a static library) is not opened.
    private func unpackPackage(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget,
                               member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) {
        var isPackage: Bool?
        var problems: [UnpackError] = []
        var emitted = 0
        var stopped = false
        let archives = MemberSink(prefix: [], countLimit: budget.limits.members) { archive in
            let name = String(decoding: archive.path.dropFirst(), as: UTF8.self)
            guard isPackage ?? (name == "debian-binary") else { return false }
            isPackage = true
            let isControl = name.hasPrefix("control.tar")
            guard isControl || name.hasPrefix("data.tar") else { return true }
            guard case let .file(data) = archive.content else {
                emitted += 1
                if !member(archive) { stopped = true }
                return !stopped
            }
            let offset = Self.offset(of: data, in: bytes)
            let sink = MemberSink(prefix: isControl ? Array("/DEBIAN".utf8) : [], countLimit: budget.limits.members, emit: member)
            let outcome = ArchiveReader.read(data, formats: .tar, base: offset, label: "\(name) at offset \(offset)", rawName: [],
                                             budget: budget, sink: sink)
            budget.spend(outcome.produced)
            problems += outcome.problems
            emitted += sink.emitted
            if outcome.container == nil, outcome.problems.isEmpty {
                let problem = UnpackError.malformedContainer(container: name, offset: offset, reason: "not a tar archive in a compression libarchive reads")
                problems.append(problem)
                emitted += 1
                if !member(UnpackedMember(path: archive.path, content: .skipped(reason: "unreadable-member", message: problem.description),
                                          size: UInt64(data.count))) { stopped = true }
            }
            if sink.stopped, !sink.reachedCountLimit { stopped = true }
            return !stopped
        }
        let outcome = ArchiveReader.read(bytes, formats: .ar, label: "ar", rawName: [], memberLimit: UInt64(bytes.count),
                                         budget: budget, sink: archives)
        guard isPackage == true else { return }
        result.container = "deb"
        result.problems = outcome.problems + problems
        result.members = emitted
        result.stopped = stopped
    }

    /// Where `data` starts in `bytes`, when it points into them (0 otherwise).
    static func offset(of data: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let inner = data.baseAddress, let outer = bytes.baseAddress, inner >= outer, inner - outer <= bytes.count else { return 0 }
        return UInt64(inner - outer)
    }

    /// The name of a compressed file's content: `x.ko` for `x.ko.xz`, `x.tar` for `x.tgz`.
    static func decodedName(_ path: String) -> [UInt8] {
        let name = TestFileName(path: path)
        return Array((name.decodedName ?? (name.name.isEmpty ? "content" : name.name + ".decoded")).utf8)
    }

    /// A file that is compressed as a whole with xz or LZMA_Alone: an archive inside is read
    /// with libarchive; other content is one member named after the file (`x.ko.xz` ->
    /// `/x.ko`), decoded here with liblzma for the test-blob heuristics that need the decoding
    /// outcome: a corrupt-named file that decodes cleanly, a swap that repairs it.
    private func unpackCompressedFile(path: String, bytes: UnsafeRawBufferPointer, format: CompressionFormat, budget: UnpackBudget,
                                      member: @escaping (UnpackedMember) -> Bool, into result: inout UnpackResult) {
        let (head, _, _) = Decompressor.decode(bytes, format: format, limits: DecodeLimits(memory: budget.limits.decoderMemory, output: 512), keep: 512)
        if readCompressedImage(bytes, startsLikeImage: head.withUnsafeBytes(CompressedTarImageFiles.startsLikeImage), budget: budget, member: member, into: &result) {
            return
        }
        if head.withUnsafeBytes({ ArchiveSignature.archive($0) }) != nil,
           readArchive(bytes, formats: .insideCompression, label: format.description, rawName: [], budget: budget, member: member, into: &result) {
            return
        }
        result.container = format.description
        let name = TestFileName(path: path)
        let declaredSize = DeclaredSize.of(bytes, format: format, start: 0, end: bytes.count).map { min($0, budget.limits.memberSize) }
        budget.reserveDecoding(declaredSize)
        let collector = SingleMemberCollector(name: Self.decodedName(path), memberLimit: budget.limits.memberSize, declaredSize: declaredSize)
        let summary = Decompressor.decode(bytes, format: format, limits: budget.decodeLimits) { collector.take($0) }
        budget.spend(summary.produced)
        if declaredSize == nil { budget.reserveDecoding(min(summary.produced, budget.limits.memberSize)) }
        if let error = summary.error { result.problems.append(error) }
        let sink = MemberSink(prefix: [], countLimit: budget.limits.members, emit: member)
        collector.finish(summary, sink: sink)
        result.members = sink.emitted
        result.stopped = sink.stopped
        if summary.isComplete, summary.consumed < UInt64(bytes.count) {
            result.problems.append(.trailingData(format: format, offset: summary.start + summary.consumed))
        }

        if facts.contains(UnpackFact.corruptNameDecodesCleanly), summary.integrityVerified,
           summary.consumed == UInt64(bytes.count), let broken = name.brokenWord, let test = name.testEvidence {
            let checks = Set(summary.checks.map(\.description)).sorted().joined(separator: ", ")
            result.facts.append(UnpackFact(name: UnpackFact.corruptNameDecodesCleanly, evidence: [FactEvidence(
                value: "\(name.name) says '\(broken)' but decodes cleanly", offset: 0,
                detail: "\(summary.completeStreams) \(format) stream(s), \(checks.isEmpty ? "CRC-32" : checks) verified, \(summary.produced) bytes; \(test)")]))
        }
        if facts.contains(UnpackFact.swapRepairsStream) || carves, format == .xz, let error = summary.error,
           Self.isDamage(error), bytes.count <= budget.limits.swapSearchInput {
            repairBySwapping(bytes, failureOffset: Int(clamping: error.offset), budget: budget, into: &result)
        }
    }

    /// Tries byte-pair swaps on an xz file that does not decode; a repair becomes a fact and a
    /// payload named `swap-repaired`.
    private func repairBySwapping(_ bytes: UnsafeRawBufferPointer, failureOffset: Int, budget: UnpackBudget, into result: inout UnpackResult) {
        // All tries together decode at most 64 MiB (and what the file has left).
        let searchLimits = DecodeLimits(memory: budget.limits.decoderMemory, output: min(budget.decodeLimits.output, 64 << 20))
        guard let found = SwapRepair.search(bytes, failureOffset: failureOffset, limits: searchLimits) else { return }
        let swapped = SwapRepair.apply(found.pairs, to: bytes)
        let checks = Set(found.summary.checks.map(\.description)).sorted().joined(separator: ", ")
        let description = SwapRepair.describe(found.pairs)
        if facts.contains(UnpackFact.swapRepairsStream) {
            result.facts.append(UnpackFact(name: UnpackFact.swapRepairsStream, evidence: [FactEvidence(
                value: "swap \(description)", offset: UInt64(min(failureOffset, bytes.count)),
                detail: "the file fails to decode at offset \(failureOffset); swapped, it is \(found.summary.completeStreams) valid xz stream(s) "
                    + "with \(checks) verified, \(found.summary.produced) bytes (found after \(found.attempts) swap(s) tried)")]))
        }
        var payloadCount = 0
        if let payload = swapped.withUnsafeBytes({ decodePayload($0, at: 0, format: .xz, name: "swap-repaired", embedded: false,
                                                                  budget: budget, payloadCount: &payloadCount) }) {
            result.payloads.append(payload)
        }
    }

    /// Whether an error means damaged data (rather than a limit reached).
    static func isDamage(_ error: UnpackError) -> Bool {
        switch error {
        case .corrupt, .truncated, .trailingData: return true
        default: return false
        }
    }

    // MARK: Payloads

    /// The heuristics on bytes that are not a container: carved streams, a disguised header,
    /// a filler layout, and (for payloads) shell-script markers.
    private func inspect(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget, isPayload: Bool,
                         payloadCount: inout Int) -> (payloads: [DecodedPayload], facts: [UnpackFact], problems: [UnpackError]) {
        var payloads: [DecodedPayload] = []
        var facts: [UnpackFact] = []
        var problems: [UnpackError] = []
        let isELF = bytes.count >= 4 && bytes[0] == 0x7F && bytes[1] == 0x45 && bytes[2] == 0x4C && bytes[3] == 0x46

        if !isELF, self.facts.contains(UnpackFact.substitutedCompressionMagic) || carves, let disguise = SubstitutedMagic.detect(bytes) {
            let undone = disguise.undo(bytes)
            if let payload = undone.withUnsafeBytes({ decodePayload($0, at: 0, format: disguise.format, name: "unsubstituted", embedded: false,
                                                                     budget: budget, payloadCount: &payloadCount) }),
               payload.summary.isComplete {
                if self.facts.contains(UnpackFact.substitutedCompressionMagic) {
                    facts.append(UnpackFact(name: UnpackFact.substitutedCompressionMagic, evidence: [FactEvidence(
                        value: "\(disguise.format) header under \(disguise.substitution)", offset: 0,
                        detail: "undoing \(disguise.substitution) over the data gives a \(disguise.format) stream that decodes to \(payload.summary.produced) bytes")]))
                }
                payloads.append(payload)
            }
        }

        if carves || self.facts.contains(UnpackFact.embeddedCompressedStream) {
            var evidence: [FactEvidence] = []
            var decodedUpTo = 0
            // A kernel image's compressed kernel sits where its boot header says: declared, not hidden.
            let kernel = isPayload ? nil : KernelImageHeader.read(bytes)
            let declared = kernel?.payloadOffset
            for candidate in StreamCarver.candidates(in: bytes) where candidate.offset >= decodedUpTo {
                guard payloadCount < budget.limits.payloadsPerFile else {
                    problems.append(.malformedContainer(container: "payloads", offset: UInt64(candidate.offset),
                                                        reason: "more than \(budget.limits.payloadsPerFile) streams; the rest are not decoded"))
                    break
                }
                let prefix = candidate.format == .xz ? "xz" : "lzma"
                let name = "\(prefix)@0x\(String(candidate.offset, radix: 16))"
                let isDeclared = candidate.offset == declared
                let declaredSize = isDeclared ? kernel.flatMap {
                    DeclaredSize.of(bytes, format: candidate.format, start: $0.payloadOffset, end: $0.payloadOffset + $0.payloadLength)
                } : nil
                guard let payload = decodePayload(bytes, at: candidate.offset, format: candidate.format, name: name, embedded: !isDeclared,
                                                  declaredSize: declaredSize, budget: budget, payloadCount: &payloadCount) else { continue }
                if let error = payload.summary.error, candidate.format == .xz || !Self.isDamage(error) { problems.append(error) }
                guard payload.summary.isComplete || candidate.format == .xz else { continue }
                decodedUpTo = candidate.offset + Int(payload.summary.consumed)
                let isWhole = candidate.offset == 0 && decodedUpTo >= bytes.count
                // A cut-short xz stream stays a payload (what it held up to the damage) and a
                // problem, but only whole streams make the fact.
                if !isWhole, !isDeclared, payload.summary.isComplete {
                    evidence.append(FactEvidence(value: "\(candidate.format) stream at offset \(candidate.offset)", offset: UInt64(candidate.offset),
                                                 detail: Self.describe(payload.summary)))
                }
                payloads.append(payload)
            }
            if !evidence.isEmpty, self.facts.contains(UnpackFact.embeddedCompressedStream) {
                facts.append(UnpackFact(name: UnpackFact.embeddedCompressedStream, evidence: evidence))
            }
        }

        if !isELF, self.facts.contains(UnpackFact.fillerEntropyLayout), !ShellScriptMarkers.isText(bytes),
           let layout = FillerLayout.detect(bytes) {
            facts.append(UnpackFact(name: UnpackFact.fillerEntropyLayout, evidence: [FactEvidence(
                value: layout.summary, offset: UInt64(layout.firstOffset),
                detail: "lowest block entropy \(layout.entropyText) bits/byte")]))
        }

        if isPayload, self.facts.contains(UnpackFact.shellScriptPayload), let markers = ShellScriptMarkers.find(in: bytes) {
            facts.append(UnpackFact(name: UnpackFact.shellScriptPayload, evidence: markers))
        }
        return (payloads, facts, problems)
    }

    /// Decodes one stream into a payload (kept up to the member limit) and inspects it in turn.
    /// `declaredSize`, the decoded size the stream declares, sizes the output and is reserved
    /// in the scan's memory budget first. Returns nil when nothing was decoded, or the depth
    /// limit is reached.
    private func decodePayload(_ bytes: UnsafeRawBufferPointer, at offset: Int, format: CompressionFormat, name: String, embedded: Bool,
                               declaredSize: UInt64? = nil, budget: UnpackBudget, payloadCount: inout Int) -> DecodedPayload? {
        guard budget.enter() else { return nil }
        defer { budget.leave() }
        let keep = Int(min(budget.limits.memberSize, UInt64(Int.max)))
        let limits = budget.decodeLimits
        let expected = declaredSize.map { min($0, UInt64(keep), limits.output) }
        budget.reserveDecoding(expected)
        let (decoded, summary, _) = Decompressor.decode(bytes, from: offset, format: format, limits: limits, keep: keep, declaredSize: expected)
        budget.spend(summary.produced)
        guard summary.produced > 0 else { return nil }
        // A stream that declared no size holds its share once decoded, for what is built over it.
        if expected == nil { budget.reserveDecoding(UInt64(decoded.count)) }
        // An LZMA_Alone header is 13 bytes of weak checks, so code and tables hold many by
        // chance; one that breaks off as damaged data is noise, not a stream, and must not use
        // up the file's payload budget (a large module has dozens of them).
        let isNoise = format == .lzmaAlone && !summary.isComplete && summary.error.map(Self.isDamage) == true
        if !isNoise { payloadCount += 1 }
        var payload = DecodedPayload(name: name, offset: UInt64(offset), format: format, summary: summary, bytes: decoded,
                                     facts: [], payloads: [], problems: [])
        if embedded, facts.contains(UnpackFact.embeddedCompressedStream), summary.isComplete {
            payload.facts.append(UnpackFact(name: UnpackFact.embeddedCompressedStream, evidence: [FactEvidence(
                value: "carved from offset \(offset) of its container", offset: 0, detail: Self.describe(summary))]))
        }
        guard summary.isComplete else { return payload }
        let inner = decoded.withUnsafeBytes { inspect($0, budget: budget, isPayload: true, payloadCount: &payloadCount) }
        payload.payloads = inner.payloads
        payload.facts += inner.facts
        payload.problems = inner.problems
        return payload
    }

    static func describe(_ summary: DecodeSummary) -> String {
        let check = summary.integrityVerified ? ", " + Set(summary.checks.map(\.description)).sorted().joined(separator: ", ") + " verified" : ""
        return "\(summary.consumed) bytes decode to \(summary.produced)\(check)"
    }

    // MARK: Recognising whole-file formats

    /// An LZMA_Alone header at offset 0 whose data decodes for a while (the header alone is weak).
    static func isLZMAFile(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget) -> Bool {
        guard StreamHeaders.isLZMAAloneHeader(at: 0, in: bytes) else { return false }
        let trial = Decompressor.decode(bytes, format: .lzmaAlone, limits: DecodeLimits(memory: budget.limits.decoderMemory, output: 4096)) { _ in true }
        if trial.isComplete { return true }
        if case .outputLimit = trial.error { return true }
        return false
    }

}

#if canImport(Glibc)
import Glibc
#endif
import CArchive

/// Reads an archive held in memory through libarchive (tar in all its variants, cpio, ar, zip,
/// 7z, ISO 9660, RPM; each under gzip, bzip2, xz, lzma, lzip, zstd, lz4 or compress) and hands
/// its members on, under the unpacking limits: member size, decoded bytes (a file's budget),
/// decoder memory (checked on the outer stream's header before decoding), member count. A
/// member that cannot be read is a skip, and the reading ends with a problem at its offset.
final class ArchiveReader {
    /// The formats a reading may recognise.
    struct Formats: OptionSet {
        let rawValue: UInt32
        static let tar = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_TAR))
        static let cpio = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_CPIO))
        static let ar = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_AR))
        static let zip = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_ZIP))
        static let sevenZip = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_7ZIP))
        static let iso9660 = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_ISO9660))
        /// Content that is no archive is one member (a compressed single file).
        static let raw = Formats(rawValue: UInt32(BACKSIGHT_ARCHIVE_RAW))
        /// What a compressed stream may hold.
        static let insideCompression: Formats = [.tar, .cpio]
    }

    /// How a reading went.
    struct Outcome {
        /// The format and filters read, `tar.xz`, `cpio.gzip`, `zip`; nil when no format
        /// recognised the data (nothing was reported).
        var container: String?
        /// Problems, offsets in the enclosing file.
        var problems: [UnpackError] = []
        /// Decoded bytes, counted against the file's budget.
        var produced: UInt64 = 0
        /// Input bytes read (for an archive found at an offset: where it ends).
        var consumed: UInt64 = 0
    }

    private let archive: OpaquePointer
    private let bytes: UnsafeRawBufferPointer
    /// Where `bytes` start in the enclosing file: problem offsets are moved by this much.
    private let base: UInt64
    /// Names the data in problems before its format is known (`data.tar.xz at offset 1234`).
    private let label: String
    /// The member name of content that is no archive (`x.ko` for `x.ko.zst`).
    private let rawName: [UInt8]
    private let budget: UnpackBudget
    private let sink: MemberSink
    private let content: ByteAccumulator
    private var outcome = Outcome()
    private var dataBytes: UInt64 = 0
    /// Whether the format compresses each member (zip, 7z): their data counts as decoded bytes.
    private var membersAreCompressed = false
    private var isRaw = false
    /// The decoded-bytes limit for this reading (the stream limit or what the file has left).
    private let outputLimit: UInt64

    private init?(_ bytes: UnsafeRawBufferPointer, formats: Formats, base: UInt64, label: String, rawName: [UInt8],
                  memberLimit: UInt64, budget: UnpackBudget, sink: MemberSink) {
        guard let archive = backsight_archive_reader_new(formats.rawValue) else { return nil }
        self.archive = archive
        self.bytes = bytes
        self.base = base
        self.label = label
        self.rawName = rawName
        self.budget = budget
        self.sink = sink
        content = ByteAccumulator(limit: Int(clamping: memberLimit))
        outputLimit = budget.decodeLimits.output
    }

    deinit { archive_read_free(archive) }

    /// Reads `bytes` as one of `formats`, handing members to `sink`. Problem offsets are moved
    /// by `base`; `label` names the data in them. Members larger than `memberLimit` (the
    /// budget's member size unless given) are skipped as too large. A member stored whole and
    /// uncompressed is handed on in place, pointing into `bytes`.
    static func read(_ bytes: UnsafeRawBufferPointer, formats: Formats, base: UInt64 = 0, label: String, rawName: [UInt8],
                     memberLimit: UInt64? = nil, budget: UnpackBudget, sink: MemberSink) -> Outcome {
        guard !bytes.isEmpty else { return Outcome() }
        if let need = DecoderMemory.required(bytes), need.bytes > budget.limits.decoderMemory {
            return Outcome(container: nil, problems: [.containerMemoryLimit(
                container: "\(need.format) stream of \(label)", offset: base, needed: need.bytes, limit: budget.limits.decoderMemory)])
        }
        guard let reader = ArchiveReader(bytes, formats: formats, base: base, label: label, rawName: rawName,
                                         memberLimit: memberLimit ?? budget.limits.memberSize, budget: budget, sink: sink) else {
            return Outcome(container: nil, problems: [.malformedContainer(container: label, offset: base,
                           reason: "this libarchive cannot decode every filter in-process")])
        }
        if formats.contains(.cpio), let oversized = CpioNameCheck.check(bytes, outputLimit: budget.decodeLimits.output) {
            return readBefore(oversized, in: bytes, base: base, label: label, memberLimit: memberLimit ?? budget.limits.memberSize, budget: budget, sink: sink)
        }
        reader.run()
        return reader.outcome
    }

    /// A cpio archive with a header whose name size is over the limit: libarchive would
    /// allocate that size, and may reach the header by resynchronising from anywhere before it,
    /// so it is given only the decoded bytes before the header (decoded here, up to the member
    /// limit), and the rest is a problem.
    private static func readBefore(_ oversized: (offset: UInt64, nameSize: UInt64), in bytes: UnsafeRawBufferPointer, base: UInt64, label: String,
                                   memberLimit: UInt64, budget: UnpackBudget, sink: MemberSink) -> Outcome {
        let isPlain = ArchiveSignature.has(bytes, at: 0, CpioNameCheck.magic)
        let prefix: [UInt8]? = isPlain ? Array(bytes.prefix(Int(clamping: oversized.offset)))
            : oversized.offset <= memberLimit ? CpioNameCheck.decodedPrefix(bytes, count: Int(oversized.offset)) : nil
        let where_ = isPlain ? "offset \(base + oversized.offset)" : "decoded offset \(oversized.offset)"
        let problem = UnpackError.malformedContainer(container: label, offset: base, reason:
            "a cpio header at \(where_) states a name of \(oversized.nameSize) bytes, over the limit of \(CpioNameCheck.nameLimit); "
            + (prefix == nil ? "not read" : "read up to it"))
        guard let prefix else { return Outcome(container: "cpio", problems: [problem]) }
        var outcome = prefix.withUnsafeBytes { read($0, formats: .cpio, base: isPlain ? base : 0, label: isPlain ? label : "cpio decoded from \(label)",
                                                     rawName: [], memberLimit: memberLimit, budget: budget, sink: sink) }
        outcome.container = outcome.container ?? "cpio"
        outcome.problems.append(problem)
        if !isPlain { outcome.produced += UInt64(prefix.count) }
        return outcome
    }

    private func run() {
        guard let start = bytes.baseAddress, archive_read_open_memory(archive, start, bytes.count) == ARCHIVE_OK else {
            // No filter or format bid: the data is not one of the formats asked for.
            return
        }
        var first = true
        var retries = 0
        while !sink.stopped {
            var entry: OpaquePointer?
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            if status == ARCHIVE_RETRY, retries < 8 { retries += 1; continue }
            if first, archive_format(archive) == 0 { return }
            first = false
            if outcome.container == nil {
                outcome.container = containerName()
                let format = archive_format(archive) & ARCHIVE_FORMAT_BASE_MASK
                membersAreCompressed = format == ARCHIVE_FORMAT_ZIP || format == ARCHIVE_FORMAT_7ZIP
                isRaw = format == ARCHIVE_FORMAT_RAW
            }
            guard status >= ARCHIVE_WARN, let entry else {
                outcome.problems.append(failure())
                if status == ARCHIVE_FAILED { continue }
                break
            }
            retries = 0
            guard read(entry) else { break }
        }
        if sink.reachedCountLimit {
            outcome.problems.append(.memberCountLimit(container: outcome.container ?? label, offset: inputOffset, limit: budget.limits.members))
        }
        outcome.produced = produced
        outcome.consumed = UInt64(max(0, archive_filter_bytes(archive, -1)))
    }

    /// Handles one entry and reads past its data; false ends the reading.
    private func read(_ entry: OpaquePointer) -> Bool {
        let path = isRaw ? rawName : Self.pathBytes(entry)
        let size: UInt64? = archive_entry_size_is_set(entry) != 0 ? UInt64(max(0, archive_entry_size(entry))) : nil
        let type = backsight_archive_entry_type(entry)
        if let link = archive_entry_hardlink(entry), (size ?? 0) == 0 {
            sink.send(path: path, content: .hardLink(target: sink.name(stored: Self.bytes(of: link))), size: nil)
            return drain(path: nil, size: nil)
        }
        switch type {
        case backsight_ae_regular(), 0:
            if let size, size > UInt64(content.limit) {
                return drain(path: path, size: size)
            }
            // A member decoded into memory holds its share of the budget while it is read and
            // analysed; one read in place is already held with the bytes around it.
            if let size, membersAreCompressed || archive_filter_count(archive) > 1 {
                return budget.holdingMember(size) { readContent(path: path, size: size) }
            }
            return readContent(path: path, size: size)
        case backsight_ae_symlink():
            let target = archive_entry_symlink(entry).map(Self.bytes(of:)) ?? []
            sink.send(path: path, content: .symbolicLink(target: target), size: nil)
        case backsight_ae_directory():
            break
        default:
            sink.send(path: path, content: .skipped(reason: "not-regular-file", message: "a device, FIFO or socket entry in the archive"), size: nil)
        }
        return drain(path: nil, size: nil)
    }

    /// Reads a regular member's data and hands it on; false ends the reading.
    private func readContent(path: [UInt8], size: UInt64?) -> Bool {
        content.removeAll()
        /// The data so far, when it is one block inside `bytes` (not copied).
        var inPlace: UnsafeRawBufferPointer?
        while true {
            let block = nextBlock()
            guard case let .data(data, offset) = block else {
                if case .end = block { break }
                return cut(path: path, size: size)
            }
            if content.count == 0, inPlace == nil, offset == 0, contains(data) {
                inPlace = data
                continue
            }
            if let whole = inPlace {
                inPlace = nil
                guard content.append(whole) else { return drain(path: path, size: size) }
            }
            // A sparse entry's holes read as zeros.
            let hole = max(0, offset - content.count)
            let fits = hole <= content.limit - content.count && appendZeros(hole)
                && content.append(data)
            guard fits else { return drain(path: path, size: size) }
            if produced > outputLimit { return stopAtOutputLimit(path: path, size: size) }
        }
        if produced > outputLimit { return stopAtOutputLimit(path: path, size: size) }
        let data = inPlace ?? content.bytes
        sink.send(path: path, content: .file(data), size: size ?? UInt64(data.count))
        return true
    }

    private enum Block {
        case data(UnsafeRawBufferPointer, offset: Int)
        case end
        case failed
    }

    /// The entry's next data block, counted as read.
    private func nextBlock() -> Block {
        var block: UnsafeRawPointer?
        var count = 0
        var offset: la_int64_t = 0
        let status = archive_read_data_block(archive, &block, &count, &offset)
        if status == ARCHIVE_EOF { return .end }
        guard status >= ARCHIVE_WARN else { return .failed }
        dataBytes += UInt64(count)
        return .data(UnsafeRawBufferPointer(start: block, count: block == nil ? 0 : count), offset: Int(clamping: offset))
    }

    /// Whether `data` lies inside the bytes being read.
    private func contains(_ data: UnsafeRawBufferPointer) -> Bool {
        guard let inner = data.baseAddress, let outer = bytes.baseAddress else { return false }
        return inner >= outer && inner + data.count <= outer + bytes.count
    }

    /// Reads past the rest of an entry's data without keeping it, counting the decoded bytes;
    /// with a `path`, the entry was too large to hold and is reported so. False ends the reading.
    private func drain(path: [UInt8]?, size: UInt64?) -> Bool {
        while true {
            let block = nextBlock()
            guard case .data = block else {
                if case .end = block { break }
                return path.map { cut(path: $0, size: size) } ?? fail()
            }
            if produced > outputLimit { return stopAtOutputLimit(path: path, size: size) }
        }
        if let path {
            let stated = size.map { "member of \($0) bytes" } ?? "decoded member"
            sink.send(path: path, content: .skipped(reason: "too-large", message: "\(stated) exceeds the member limit of \(content.limit) bytes"), size: size)
        }
        return true
    }

    private func appendZeros(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        let zeros = [UInt8](repeating: 0, count: min(count, 1 << 16))
        var left = count
        while left > 0 {
            let step = min(left, zeros.count)
            guard zeros.withUnsafeBytes({ content.append(UnsafeRawBufferPointer(rebasing: $0[0..<step])) }) else { return false }
            left -= step
        }
        return true
    }

    /// A member whose data could not be read: a skip, and the problem that ends the reading.
    private func cut(path: [UInt8], size: UInt64?) -> Bool {
        let problem = failure()
        let reason = problem.description.lowercased().contains("truncated") ? "truncated" : "unreadable-member"
        sink.send(path: path, content: .skipped(reason: reason, message: problem.description), size: size)
        outcome.problems.append(problem)
        return false
    }

    private func fail() -> Bool {
        outcome.problems.append(failure())
        return false
    }

    /// The decoded-bytes limit reached: the member is skipped and reading ends.
    private func stopAtOutputLimit(path: [UInt8]?, size: UInt64?) -> Bool {
        let problem = UnpackError.containerOutputLimit(container: outcome.container ?? label, offset: inputOffset, limit: outputLimit)
        if let path {
            sink.send(path: path, content: .skipped(reason: problem.code, message: problem.description), size: size)
        }
        outcome.problems.append(problem)
        return false
    }

    /// Bytes decoded so far: what the filters produced, or (zip, 7z: formats that compress each
    /// member) the members' data, whichever is more.
    private var produced: UInt64 {
        let filtered = archive_filter_count(archive) > 1 ? UInt64(max(0, archive_filter_bytes(archive, 0))) : 0
        return max(filtered, membersAreCompressed ? dataBytes : 0)
    }

    /// Where reading is in the enclosing file.
    private var inputOffset: UInt64 { base + UInt64(max(0, archive_filter_bytes(archive, -1))) }

    /// libarchive's last error, at the input offset reached.
    private func failure() -> UnpackError {
        let message = archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error \(archive_errno(archive))"
        let decoded = archive_filter_count(archive) > 1 ? " (decoded offset \(archive_filter_bytes(archive, 0)))" : ""
        return .malformedContainer(container: outcome.container ?? label, offset: inputOffset, reason: message + decoded)
    }

    /// `tar.xz`, `cpio.gzip`, `zip`: the format, then the filters from inside out.
    private func containerName() -> String {
        let format: String
        switch archive_format(archive) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_TAR: format = "tar"
        case ARCHIVE_FORMAT_CPIO: format = "cpio"
        case ARCHIVE_FORMAT_AR: format = "ar"
        case ARCHIVE_FORMAT_ZIP: format = "zip"
        case ARCHIVE_FORMAT_7ZIP: format = "7z"
        case ARCHIVE_FORMAT_ISO9660: format = "iso9660"
        case ARCHIVE_FORMAT_RAW: format = "raw"
        default: format = archive_format_name(archive).map { String(cString: $0) } ?? "archive"
        }
        let filters = (0..<max(0, archive_filter_count(archive) - 1)).compactMap { index in
            archive_filter_name(archive, index).map { String(cString: $0) }
        }
        return ([format] + filters).joined(separator: ".")
    }

    /// The entry's name as stored (the raw bytes; UTF-8 when the archive stored it only so).
    static func pathBytes(_ entry: OpaquePointer) -> [UInt8] {
        if let stored = archive_entry_pathname(entry) { return bytes(of: stored) }
        if let utf8 = archive_entry_pathname_utf8(entry) { return bytes(of: utf8) }
        return []
    }

    static func bytes(of string: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: string, count: strlen(string)))
    }
}

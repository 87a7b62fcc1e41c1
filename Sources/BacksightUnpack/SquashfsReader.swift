import CSquashfs

/// Reads a SquashFS image held in memory through libsquashfs (every compressor the library
/// was built with: gzip, xz, lzma, lz4, zstd) and hands its files on as members, under the
/// unpacking limits: member size, decoded bytes, member count. The image is a root of its own:
/// links are reported with their targets and never followed, device nodes, FIFOs and sockets are
/// reported and never opened, a directory reached twice (a loop) is not entered again, and
/// names that would climb out (`..`, `/`) are refused. A file that cannot be read is a skip with
/// a problem at its offset, and the walk goes on.
final class SquashfsReader {
    /// `hsqs`: a little-endian SquashFS 4 super block.
    static let magic: [UInt8] = Array("hsqs".utf8)
    /// Directory levels walked at most (an image is a tree; deeper is hostile).
    static let depthLimit = 256
    /// Problems reported per image before the rest are only counted.
    static let problemLimit = 64

    struct Outcome {
        /// `squashfs.xz`: the compressor; nil when the super block could not be read.
        var container: String?
        var problems: [UnpackError] = []
        /// File bytes decoded.
        var produced: UInt64 = 0
    }

    private let memory: UnsafeMutablePointer<backsight_sqfs_memory_file>
    private let base: UInt64
    private let budget: UnpackBudget
    private let sink: MemberSink
    private let content: ByteAccumulator
    private let outputLimit: UInt64
    private var outcome = Outcome()
    private var superBlock = sqfs_super_t()
    private var compressor: UnsafeMutablePointer<sqfs_compressor_t>?
    private var directories: OpaquePointer?
    private var data: OpaquePointer?
    /// Regular files with more than one link: inode number -> the first path handed on.
    private var linkedFiles: [UInt32: [UInt8]] = [:]
    /// Inode numbers of the directories entered: an entry leading to one again is a loop.
    private var visitedDirectories: Set<UInt32> = []
    private var stopped = false

    private init?(_ bytes: UnsafeRawBufferPointer, base: UInt64, budget: UnpackBudget, sink: MemberSink) {
        guard let memory = backsight_sqfs_memory_file_new(bytes.baseAddress, UInt64(bytes.count)) else { return nil }
        self.memory = memory
        self.base = base
        self.budget = budget
        self.sink = sink
        content = ByteAccumulator(limit: Int(clamping: budget.limits.memberSize))
        outputLimit = budget.decodeLimits.output
    }

    deinit {
        if let data { backsight_sqfs_destroy(UnsafeMutableRawPointer(data)) }
        if let directories { backsight_sqfs_destroy(UnsafeMutableRawPointer(directories)) }
        if let compressor { backsight_sqfs_destroy(compressor) }
        backsight_sqfs_destroy(memory)
    }

    /// Whether `bytes` start with a SquashFS 4 super block (magic and version).
    static func hasSuperBlock(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> Bool {
        ArchiveSignature.has(bytes, at: offset, magic) && ArchiveSignature.has(bytes, at: offset + 28, [4, 0])
    }

    /// Reads the image in `bytes` (offsets in problems moved by `base`).
    static func read(_ bytes: UnsafeRawBufferPointer, base: UInt64 = 0, budget: UnpackBudget, sink: MemberSink) -> Outcome {
        guard let reader = SquashfsReader(bytes, base: base, budget: budget, sink: sink) else {
            return Outcome(container: nil, problems: [.malformedContainer(container: "squashfs", offset: base, reason: "out of memory")])
        }
        reader.run()
        return reader.outcome
    }

    private var file: UnsafeMutablePointer<sqfs_file_t> { backsight_sqfs_memory_file_base(memory) }

    private func run() {
        let status = sqfs_super_read(&superBlock, file)
        guard status == 0 else {
            problem(status, at: base, what: "super block")
            return
        }
        let compressorName = sqfs_compressor_name_from_id(SQFS_COMPRESSOR(UInt32(superBlock.compression_id))).map { String(cString: $0) }
        outcome.container = "squashfs." + (compressorName ?? "compressor-\(superBlock.compression_id)")
        var config = sqfs_compressor_config_t()
        guard sqfs_compressor_config_init(&config, SQFS_COMPRESSOR(UInt32(superBlock.compression_id)), Int(superBlock.block_size),
                                          UInt16(SQFS_COMP_FLAG_UNCOMPRESS.rawValue)) == 0,
              sqfs_compressor_create(&config, &compressor) == 0, compressor != nil else {
            outcome.problems.append(.unsupportedCompression(name: "squashfs \(compressorName ?? "compressor \(superBlock.compression_id)")", offset: base))
            return
        }
        directories = sqfs_dir_reader_create(&superBlock, compressor, file, 0)
        data = sqfs_data_reader_create(file, Int(superBlock.block_size), compressor, 0)
        guard let directories, let data else {
            outcome.problems.append(.malformedContainer(container: outcome.container ?? "squashfs", offset: base, reason: "out of memory"))
            return
        }
        // libsquashfs allocates the whole fragment table (16 bytes an entry) from the count the
        // super block states: a hostile count asks for gigabytes. The decoder-memory limit holds.
        let fragmentTableBytes = UInt64(superBlock.fragment_entry_count) &* 16
        if fragmentTableBytes > budget.limits.decoderMemory {
            outcome.problems.append(.malformedContainer(container: outcome.container ?? "squashfs", offset: fileOffset(superBlock.fragment_table_start),
                                                        reason: "fragment table of \(superBlock.fragment_entry_count) entries needs \(fragmentTableBytes) bytes, over the decoder memory limit of \(budget.limits.decoderMemory)"))
            return
        }
        let fragments = sqfs_data_reader_load_fragment_table(data, &superBlock)
        if fragments != 0 { problem(fragments, at: fileOffset(superBlock.fragment_table_start), what: "fragment table") }
        var root: UnsafeMutablePointer<sqfs_inode_generic_t>?
        let rootStatus = sqfs_dir_reader_get_root_inode(directories, &root)
        guard rootStatus == 0, let root else {
            problem(rootStatus, at: fileOffset(superBlock.inode_table_start), what: "root inode")
            return
        }
        walk(root, directories: directories, data: data)
        if sink.reachedCountLimit {
            outcome.problems.append(.memberCountLimit(container: outcome.container ?? "squashfs", offset: base, limit: budget.limits.members))
        }
    }

    /// Walks the tree from the root, depth first; every inode is freed after use.
    private func walk(_ root: UnsafeMutablePointer<sqfs_inode_generic_t>, directories: OpaquePointer, data: OpaquePointer) {
        var pending: [(inode: UnsafeMutablePointer<sqfs_inode_generic_t>, path: [UInt8], depth: Int)] = [(root, [], 0)]
        defer { for item in pending { sqfs_free(item.inode) } }
        while let next = pending.popLast() {
            let (directory, path, depth) = next
            defer { sqfs_free(directory) }
            guard !stopped, !sink.stopped else { continue }
            guard visitedDirectories.insert(directory.pointee.base.inode_number).inserted else {
                problem(nil, at: base, what: "directory \(Self.describe(path: path)) is reached twice (a loop); not entered again")
                continue
            }
            guard depth < Self.depthLimit else {
                problem(nil, at: base, what: "directories nest deeper than \(Self.depthLimit) levels at \(Self.describe(path: path))")
                continue
            }
            let opened = sqfs_dir_reader_open_dir(directories, directory, 0)
            guard opened == 0 else {
                problem(opened, at: base, what: "directory \(Self.describe(path: path))")
                continue
            }
            while !stopped, !sink.stopped {
                var entry: UnsafeMutablePointer<sqfs_dir_entry_t>?
                let status = sqfs_dir_reader_read(directories, &entry)
                if status > 0 { break }
                guard status == 0, let entry else {
                    problem(status, at: base, what: "directory \(Self.describe(path: path))")
                    break
                }
                defer { sqfs_free(entry) }
                var length = 0
                let nameStart = backsight_sqfs_entry_name(entry, &length)
                let name = Array(UnsafeBufferPointer(start: nameStart, count: length))
                guard !name.isEmpty, !name.contains(UInt8(ascii: "/")), name != [0x2E], name != [0x2E, 0x2E] else {
                    problem(nil, at: base, what: "a name that would climb out of its directory in \(Self.describe(path: path))")
                    continue
                }
                let memberPath = path + [UInt8(ascii: "/")] + name
                var inode: UnsafeMutablePointer<sqfs_inode_generic_t>?
                let found = sqfs_dir_reader_get_inode(directories, &inode)
                guard found == 0, let inode else {
                    problem(found, at: base, what: "inode of \(Self.describe(path: memberPath))")
                    continue
                }
                switch Int32(inode.pointee.base.type) {
                case Int32(SQFS_INODE_DIR.rawValue), Int32(SQFS_INODE_EXT_DIR.rawValue):
                    pending.append((inode, memberPath, depth + 1))
                    continue
                case Int32(SQFS_INODE_FILE.rawValue), Int32(SQFS_INODE_EXT_FILE.rawValue):
                    readFile(inode, path: memberPath, data: data)
                case Int32(SQFS_INODE_SLINK.rawValue), Int32(SQFS_INODE_EXT_SLINK.rawValue):
                    var targetLength = 0
                    let target = backsight_sqfs_link_target(inode, &targetLength)
                    sink.send(path: memberPath, content: .symbolicLink(target: Array(UnsafeBufferPointer(start: target, count: targetLength))), size: nil)
                default:
                    sink.send(path: memberPath, content: .skipped(reason: "not-regular-file", message: "a device, FIFO or socket in the image"), size: nil)
                }
                sqfs_free(inode)
            }
        }
    }

    /// Reads one regular file and hands it on (or why it was not read).
    private func readFile(_ inode: UnsafeMutablePointer<sqfs_inode_generic_t>, path: [UInt8], data: OpaquePointer) {
        let links = backsight_sqfs_file_links(inode)
        let number = inode.pointee.base.inode_number
        if links > 1, let first = linkedFiles[number] {
            sink.send(path: path, content: .hardLink(target: sink.name(stored: first)), size: nil)
            return
        }
        if links > 1 { linkedFiles[number] = path }
        var size: UInt64 = 0
        _ = sqfs_inode_get_file_size(inode, &size)
        guard size <= UInt64(content.limit) else {
            sink.send(path: path, content: .skipped(reason: "too-large", message: "member of \(size) bytes exceeds the member limit of \(content.limit) bytes"),
                      size: size)
            return
        }
        guard size <= outputLimit - min(outputLimit, outcome.produced) else {
            let limit = UnpackError.containerOutputLimit(container: outcome.container ?? "squashfs", offset: base, limit: outputLimit)
            sink.send(path: path, content: .skipped(reason: limit.code, message: limit.description), size: size)
            outcome.problems.append(limit)
            stopped = true
            return
        }
        // A member decoded into memory holds its share of the budget while it is read and analysed.
        budget.holdingMember(size) { readContent(inode, path: path, size: size, data: data) }
    }

    private func readContent(_ inode: UnsafeMutablePointer<sqfs_inode_generic_t>, path: [UInt8], size: UInt64, data: OpaquePointer) {
        content.removeAll()
        var chunk = [UInt8](repeating: 0, count: 1 << 17)
        var offset: UInt64 = 0
        while offset < size {
            let want = UInt32(min(UInt64(chunk.count), size - offset))
            let read = chunk.withUnsafeMutableBytes { sqfs_data_reader_read(data, inode, offset, $0.baseAddress, want) }
            guard read > 0 else {
                let error = failure(read == 0 ? SQFS_ERROR_CORRUPTED.rawValue : read, at: base, what: "file \(Self.describe(path: path))")
                sink.send(path: path, content: .skipped(reason: "unreadable-member", message: error.description), size: size)
                report(error)
                return
            }
            _ = chunk.withUnsafeBytes { content.append(UnsafeRawBufferPointer(rebasing: $0[0..<Int(read)])) }
            offset += UInt64(read)
        }
        outcome.produced += size
        sink.send(path: path, content: .file(content.bytes), size: size)
    }

    private func problem(_ status: Int32?, at offset: UInt64, what: String) {
        report(failure(status, at: offset, what: what))
    }

    private func report(_ error: UnpackError) {
        if outcome.problems.count < Self.problemLimit { outcome.problems.append(error) }
    }

    /// Where an offset inside the image (as its super block or libsquashfs states it, so possibly
    /// hostile) lies in the file: past the largest offset it saturates instead of overflowing.
    private func fileOffset(_ inImage: UInt64) -> UInt64 {
        let (sum, overflow) = base.addingReportingOverflow(inImage)
        return overflow ? .max : sum
    }

    /// A libsquashfs error (or a refusal of ours when `status` is nil), at the offset of a read
    /// past the end when there was one.
    private func failure(_ status: Int32?, at offset: UInt64, what: String) -> UnpackError {
        var location = offset
        if memory.pointee.failed_at != UInt64.max {
            location = fileOffset(memory.pointee.failed_at)
            memory.pointee.failed_at = UInt64.max
        }
        let reason = status.map { "\(what): \(Self.describe($0))" } ?? what
        return .malformedContainer(container: outcome.container ?? "squashfs", offset: location, reason: reason)
    }

    /// A path inside the image for messages (`/` for the root).
    static func describe(path: [UInt8]) -> String {
        path.isEmpty ? "/" : String(decoding: path, as: UTF8.self)
    }

    static func describe(_ status: Int32) -> String {
        switch status {
        case SQFS_ERROR_ALLOC.rawValue: return "out of memory"
        case SQFS_ERROR_IO.rawValue: return "read error"
        case SQFS_ERROR_COMPRESSOR.rawValue: return "a block does not decompress"
        case SQFS_ERROR_CORRUPTED.rawValue: return "corrupted"
        case SQFS_ERROR_UNSUPPORTED.rawValue: return "unsupported feature"
        case SQFS_ERROR_OVERFLOW.rawValue: return "a size overflows"
        case SQFS_ERROR_OUT_OF_BOUNDS.rawValue: return "reads past the end of the image (truncated?)"
        case SQFS_ERROR_SUPER_BLOCK_SIZE.rawValue: return "bad block size in the super block"
        case SQFS_ERROR_NOT_DIR.rawValue: return "not a directory"
        case SQFS_ERROR_LINK_LOOP.rawValue: return "link loop"
        default: return "libsquashfs error \(status)"
        }
    }
}

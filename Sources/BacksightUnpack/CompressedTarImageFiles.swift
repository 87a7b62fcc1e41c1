/// The files of a compressed image tarball (`docker save … | gzip`, or xz, zstd, bzip2): a
/// compressed stream cannot be read in place, so a first pass over it lists the members and
/// keeps the small ones (manifests, configurations), and each layer is decoded again, alone,
/// when the image reader asks for it. Layers are read one at a time from the top down, so
/// memory holds one layer at most; every pass counts against the file's decoded-bytes budget.
final class CompressedTarImageFiles: ImageFiles {
    /// Members up to this size are kept from the first pass, up to ``keptTotal`` in all:
    /// manifests and configurations are kilobytes. Others are decoded again when asked for.
    static let keptSize: UInt64 = 1 << 20
    static let keptTotal = 16 << 20

    private let bytes: UnsafeRawBufferPointer
    private let budget: UnpackBudget
    /// Path -> size, for every regular member.
    private var sizes: [String: UInt64] = [:]
    /// The members kept from the first pass, by path, and their bytes in all.
    private var kept: [String: [UInt8]] = [:]
    private var keptBytes = 0

    private init(bytes: UnsafeRawBufferPointer, budget: UnpackBudget) {
        self.bytes = bytes
        self.budget = budget
    }

    /// The files of `bytes` when they are a compressed image tarball: a tar whose top level
    /// holds only what `docker save` writes (`manifest.json`, `repositories`, `index.json`,
    /// `oci-layout`, `<id>.json`, `<id>/` and `blobs/`) and a `manifest.json`, or `oci-layout`
    /// with `index.json`. Nil for any other compressed archive, which is given up at its first
    /// member outside that shape.
    static func index(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget) -> CompressedTarImageFiles? {
        let files = CompressedTarImageFiles(bytes: bytes, budget: budget)
        var isImageLike = true
        let sink = MemberSink(prefix: [], countLimit: budget.limits.members) { member in
            let path = String(decoding: member.path.dropFirst(), as: UTF8.self)
            guard ImageTarballPaths.isWritten(path) else {
                isImageLike = false
                return false
            }
            switch member.content {
            case let .file(data):
                files.sizes[path] = UInt64(data.count)
                if UInt64(data.count) <= keptSize, files.keptBytes + data.count <= keptTotal {
                    files.kept[path] = Array(data)
                    files.keptBytes += data.count
                }
            case let .skipped(reason, _) where reason == "too-large":
                // Over the member limit of this pass: a layer, listed by the size it declares.
                files.sizes[path] = member.size ?? 0
            default:
                break
            }
            return true
        }
        let read = ArchiveReader.read(bytes, formats: .tar, label: "image tarball", rawName: [], memberLimit: keptSize, budget: budget, sink: sink)
        budget.spend(read.produced)
        guard isImageLike, read.container?.hasPrefix("tar.") == true,
              files.contains("manifest.json") || (files.contains("oci-layout") && files.contains("index.json")) else { return nil }
        return files
    }

    /// Whether `head`, the first decoded bytes of a compressed file, is a tar header naming a
    /// path `docker save` writes: the cheap test before the first pass.
    static func startsLikeImage(_ head: UnsafeRawBufferPointer) -> Bool {
        guard head.count >= 512, ArchiveSignature.archive(head) == .tar else { return false }
        var name = String(decoding: head.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
        if name.hasPrefix("./") { name.removeFirst(2) }
        if name.hasSuffix("/") { name.removeLast() }
        return ImageTarballPaths.isWritten(name)
    }

    func contains(_ path: String) -> Bool { sizes[path] != nil }

    func withFile(_ path: String, limit: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> Void) -> ImageFileError? {
        guard let size = sizes[path] else { return .missing(path: path) }
        guard size <= limit else { return .tooLarge(path: path, size: size, limit: limit) }
        if let data = kept[path] {
            data.withUnsafeBytes { body($0, 0) }
            return nil
        }
        // Decode the tarball again up to the member, and read it where it lies.
        var found = false
        let wanted = Array(("/" + path).utf8)
        let read = withoutActuallyEscaping(body) { body in
            let sink = MemberSink(prefix: [], countLimit: budget.limits.members) { member in
                guard member.path == wanted else { return true }
                if case let .file(data) = member.content {
                    found = true
                    body(data, 0)
                }
                return false
            }
            return ArchiveReader.read(bytes, formats: .tar, label: "image tarball", rawName: [], memberLimit: limit, budget: budget, sink: sink)
        }
        budget.spend(read.produced)
        return found ? nil : .unreadable(path: path, reason: read.problems.first?.description ?? "not found when decoded again")
    }
}

/// The files of an OCI image layout or a `docker save` tarball, by their path inside it
/// (`oci-layout`, `index.json`, `manifest.json`, `blobs/sha256/<hex>`): a directory on disk
/// (read by the engine, confined to the directory) or a tar held in memory (``TarImageFiles``).
public protocol ImageFiles {
    /// Whether a file is at `path`.
    func contains(_ path: String) -> Bool
    /// Calls `body` with the bytes of the file at `path` and where they start in the enclosing
    /// file (0 for a file of its own); the bytes are valid during the call only. A file larger
    /// than `limit` is not read.
    func withFile(_ path: String, limit: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> Void) -> ImageFileError?
}

/// Why a file of an image could not be read.
public enum ImageFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(path: String)
    case tooLarge(path: String, size: UInt64, limit: UInt64)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path): return "\(path) does not exist in the image"
        case let .tooLarge(path, size, limit): return "\(path) holds \(size) bytes, over the limit of \(limit)"
        case let .unreadable(path, reason): return "\(path) cannot be read: \(reason)"
        }
    }
}

/// The paths an image tarball holds: what `docker save` writes (`manifest.json`,
/// `repositories`, `<id>.json`, `<id>/layer.tar`, `<id>/json`, `<id>/VERSION`), what `podman
/// save` and skopeo write (`<digest>.tar` layers at the top), what `crane pull` writes
/// (`<digest>.tar.gz` layers, the config as `sha256:<digest>`) and an OCI layout in a tar
/// (`oci-layout`, `index.json`, `blobs/…`).
enum ImageTarballPaths {
    /// Whether `path` (inside the tarball, without a leading `/`) is one of them.
    static func isWritten(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            let name = parts[0]
            if ["manifest.json", "repositories", "index.json", "oci-layout", "blobs"].contains(name) { return true }
            let digest = name.hasPrefix("sha256:") ? name.dropFirst(7) : name
            let stem = [".json", ".tar", ".tar.gz"].first(where: digest.hasSuffix).map { digest.dropLast($0.count) } ?? digest
            // The empty name is the tar's own `./`, which a re-packed image may start with.
            return stem.allSatisfy(\.isHexDigit)
        case 2:
            return parts[0] == "blobs" || ["layer.tar", "json", "VERSION"].contains(parts[1])
        default:
            return parts[0] == "blobs"
        }
    }
}

/// The files of an image tarball, found in one pass over the tar's headers and used in place
/// (an uncompressed tar's members are slices of its bytes; nothing is copied).
struct TarImageFiles: ImageFiles {
    let bytes: UnsafeRawBufferPointer
    /// Path -> where the member's data lies in `bytes`.
    private(set) var entries: [String: Range<Int>] = [:]
    /// Members libarchive could not hand on in place (sparse entries): named, not readable.
    private(set) var elsewhere: Set<String> = []

    /// The files of `bytes` when they are an image tarball (a `manifest.json`, or `oci-layout`
    /// with `index.json`, at the top); nil for any other tar. A tar is given up as soon as it
    /// holds a path no image holds (below two levels, outside `blobs/`), so an ordinary tar costs
    /// a few headers.
    static func index(_ bytes: UnsafeRawBufferPointer, budget: UnpackBudget) -> TarImageFiles? {
        var files = TarImageFiles(bytes: bytes)
        var isImageLike = true
        let sink = MemberSink(prefix: [], countLimit: budget.limits.members) { member in
            let path = String(decoding: member.path.dropFirst(), as: UTF8.self)
            // Any other top-level name too: an uncompressed tar's headers cost little to read.
            guard !path.contains("/") || ImageTarballPaths.isWritten(path) else {
                isImageLike = false
                return false
            }
            if case let .file(data) = member.content, let start = data.baseAddress, let outer = bytes.baseAddress,
               start >= outer, start + data.count <= outer + bytes.count {
                files.entries[path] = (start - outer)..<(start - outer + data.count)
            } else if case .file = member.content {
                files.elsewhere.insert(path)
            }
            return true
        }
        _ = ArchiveReader.read(bytes, formats: .tar, label: "tar", rawName: [], memberLimit: UInt64(bytes.count), budget: budget, sink: sink)
        guard isImageLike, files.contains("manifest.json") || (files.contains("oci-layout") && files.contains("index.json")) else {
            return nil
        }
        return files
    }

    func contains(_ path: String) -> Bool { entries[path] != nil || elsewhere.contains(path) }

    func withFile(_ path: String, limit: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> Void) -> ImageFileError? {
        guard let range = entries[path] else {
            return elsewhere.contains(path) ? .unreadable(path: path, reason: "stored sparse in the tar") : .missing(path: path)
        }
        guard UInt64(range.count) <= limit else { return .tooLarge(path: path, size: UInt64(range.count), limit: limit) }
        body(UnsafeRawBufferPointer(rebasing: bytes[range]), UInt64(range.lowerBound))
        return nil
    }
}

/// The OCI image layout a directory may be.
public enum ImageLayout {
    /// Whether a directory holding `names` is an OCI image layout (`oci-layout` and `index.json`).
    @Sendable public static func isLayout(names: [[UInt8]]) -> Bool {
        names.contains(Array("oci-layout".utf8)) && names.contains(Array("index.json".utf8))
    }
}

import Foundation

/// What an image's JSON says to read: its images and, for each, its layers from the bottom up.
/// Reads an OCI image layout (`index.json`, image indexes nested up to ``indexDepthLimit``,
/// image manifests) or a `docker save` tarball (`manifest.json`, each image's config for the
/// layer digests). Every JSON file is held to ``jsonLimit`` bytes and decoded with
/// `JSONDecoder`; what cannot be read is a problem, and the rest is still planned.
struct ImageManifests {
    /// One layer: the file holding it and the digest it must have, when the image states one.
    struct Layer: Hashable {
        var path: String
        /// `sha256:<hex>`: the digest the layer's bytes must have.
        var digest: String?
        /// The digest is a diff ID (`docker save`'s config): it names the uncompressed tar, so a
        /// layer stored compressed must match it once decoded.
        var digestIsOfDecodedTar = false
    }

    /// One image: its name (a tag, when one is given) and its layers, bottom first.
    struct Image {
        var name: String?
        var layers: [Layer]
    }

    /// `oci` or `docker` (a `docker save` tarball; newer ones also hold an OCI layout, read as docker).
    var format: String
    var images: [Image] = []
    var problems: [UnpackError] = []

    /// JSON files larger than this are not read.
    static let jsonLimit: UInt64 = 4 << 20
    /// Image indexes pointing at indexes: deeper than this is refused (a loop, or hostile).
    static let indexDepthLimit = 4
    /// Layers one image may have (Docker's own limit is 127); an image with more is not read.
    static let layerLimit = 128
    /// Images one file may hold; the rest are reported, not read.
    static let imageLimit = 16

    // The JSON shapes, as the OCI image spec and Docker's save format write them.
    private struct Descriptor: Decodable {
        var mediaType: String?
        var digest: String
        var annotations: [String: String]?
    }
    private struct Index: Decodable { var manifests: [Descriptor]? }
    private struct Manifest: Decodable {
        var mediaType: String?
        var manifests: [Descriptor]?
        var layers: [Descriptor]?
    }
    private struct DockerImage: Decodable {
        var config: String?
        var repoTags: [String]?
        var layers: [String]
        enum CodingKeys: String, CodingKey { case config = "Config", repoTags = "RepoTags", layers = "Layers" }
    }
    private struct DockerConfig: Decodable {
        struct RootFS: Decodable {
            var diffIDs: [String]?
            enum CodingKeys: String, CodingKey { case diffIDs = "diff_ids" }
        }
        var rootfs: RootFS?
    }

    /// The plan for the image in `files`; `label` names it in problems.
    init(files: some ImageFiles, label: String) {
        if files.contains("manifest.json") {
            format = "docker"
            if let docker: [DockerImage] = Self.decode("manifest.json", from: files, label: label, problems: &problems) {
                planDocker(docker, files: files, label: label)
            }
        } else {
            format = "oci"
            guard let index: Index = Self.decode("index.json", from: files, label: label, problems: &problems) else { return }
            var visited: Set<String> = []
            for descriptor in index.manifests ?? [] {
                plan(descriptor, files: files, label: label, depth: 1, visited: &visited)
            }
        }
        if images.count > Self.imageLimit {
            problems.append(.malformedContainer(container: label, offset: 0,
                                                reason: "holds \(images.count) images; the first \(Self.imageLimit) are read"))
            images.removeSubrange(Self.imageLimit...)
        }
    }

    private mutating func planDocker(_ entries: [DockerImage], files: some ImageFiles, label: String) {
        for entry in entries {
            // The config's diff IDs are the digests of the uncompressed layers, as `docker save` writes them.
            var diffIDs: [String] = []
            if let config = entry.config, let decoded: DockerConfig = Self.decode(config, from: files, label: label, problems: &problems) {
                diffIDs = decoded.rootfs?.diffIDs ?? []
            }
            let layers = entry.layers.enumerated().map { position, path in
                if let blob = Self.digest(inBlobPath: path) { return Layer(path: path, digest: blob) }
                return Layer(path: path, digest: diffIDs.count == entry.layers.count ? diffIDs[position] : nil, digestIsOfDecodedTar: true)
            }
            add(Image(name: entry.repoTags?.first, layers: layers), label: label)
        }
    }

    /// Follows one descriptor of an index: an image manifest is planned, an index is read in turn.
    private mutating func plan(_ descriptor: Descriptor, files: some ImageFiles, label: String, depth: Int, visited: inout Set<String>) {
        guard depth <= Self.indexDepthLimit else {
            problems.append(.malformedContainer(container: label, offset: 0, reason: "image indexes nest deeper than \(Self.indexDepthLimit) at \(descriptor.digest)"))
            return
        }
        guard visited.insert(descriptor.digest).inserted else {
            problems.append(.malformedContainer(container: label, offset: 0, reason: "\(descriptor.digest) is reached twice (a loop); not read again"))
            return
        }
        guard let path = blobPath(descriptor.digest, label: label) else { return }
        guard let manifest: Manifest = Self.decode(path, from: files, label: label, digest: descriptor.digest, problems: &problems) else { return }
        if let inner = manifest.manifests, manifest.layers == nil {
            for next in inner { plan(next, files: files, label: label, depth: depth + 1, visited: &visited) }
            return
        }
        var layers: [Layer] = []
        for layer in manifest.layers ?? [] {
            guard let path = blobPath(layer.digest, label: label) else { return }
            layers.append(Layer(path: path, digest: layer.digest))
        }
        add(Image(name: descriptor.annotations?["org.opencontainers.image.ref.name"], layers: layers), label: label)
    }

    private mutating func add(_ image: Image, label: String) {
        guard image.layers.count <= Self.layerLimit else {
            problems.append(.malformedContainer(container: label, offset: 0,
                                                reason: "an image of \(image.layers.count) layers, over the limit of \(Self.layerLimit); not read"))
            return
        }
        images.append(image)
    }

    /// `blobs/<algorithm>/<hex>` for a digest; nil (and a problem) for a digest that names no
    /// file inside the layout (`..`, slashes, an empty part).
    private mutating func blobPath(_ digest: String, label: String) -> String? {
        let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789+._-")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].allSatisfy(allowed.contains),
              parts[1].allSatisfy({ $0.isHexDigit }) else {
            problems.append(.malformedContainer(container: label, offset: 0, reason: "the digest \(digest.prefix(100)) names no blob"))
            return nil
        }
        return "blobs/\(parts[0])/\(parts[1])"
    }

    /// `sha256:<hex>` for a path `blobs/sha256/<hex>`.
    static func digest(inBlobPath path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 3, parts[0] == "blobs", parts[1] == "sha256" else { return nil }
        return "sha256:\(parts[2])"
    }

    /// A mismatch between a blob's bytes and the sha256 digest that names it; nil when they
    /// agree or the digest is not sha256 (then nothing is checked).
    static func mismatch(_ bytes: UnsafeRawBufferPointer, digest: String?, path: String, offset: UInt64) -> UnpackError? {
        guard let digest, digest.hasPrefix("sha256:") else { return nil }
        let actual = SHA256Digest.hex(bytes).map { "sha256:" + $0 }
        guard let actual, actual != digest.lowercased() else { return nil }
        return .digestMismatch(blob: path, offset: offset, expected: digest, actual: actual)
    }

    /// A mismatch between a layer's bytes and its digest. A diff ID is checked against the
    /// decoded bytes of a gzipped layer (decoding spends `budget`); a layer compressed otherwise
    /// under a diff ID is not checked.
    static func mismatch(_ bytes: UnsafeRawBufferPointer, layer: Layer, offset: UInt64, budget: UnpackBudget) -> UnpackError? {
        let isXZ = ArchiveSignature.has(bytes, at: 0, StreamHeaders.xzMagic)
        guard let digest = layer.digest, layer.digestIsOfDecodedTar, let compression = ArchiveSignature.compression(bytes) ?? (isXZ ? "xz" : nil) else {
            return mismatch(bytes, digest: layer.digest, path: layer.path, offset: offset)
        }
        guard compression == "gzip", digest.hasPrefix("sha256:") else { return nil }
        let (hex, decoded) = GzipDecodedDigest.of(bytes, limit: budget.remainingOutput)
        budget.spend(decoded)
        guard let hex else {
            return .malformedContainer(container: layer.path, offset: offset, reason: "the gzipped layer does not decode whole within the budget; its diff ID \(digest) is not checked")
        }
        let actual = "sha256:" + hex
        return actual == digest.lowercased() ? nil : .digestMismatch(blob: layer.path + " (decoded)", offset: offset, expected: digest, actual: actual)
    }

    /// Reads and decodes one JSON file (checked against `digest` when given); nil, with a problem, when it cannot be.
    private static func decode<Value: Decodable>(_ path: String, from files: some ImageFiles, label: String, digest: String? = nil,
                                                 problems: inout [UnpackError]) -> Value? {
        var decoded: Result<Value, Error>?
        var offset: UInt64 = 0
        var mismatch: UnpackError?
        let error = files.withFile(path, limit: jsonLimit) { bytes, start in
            offset = start
            mismatch = Self.mismatch(bytes, digest: digest, path: path, offset: start)
            decoded = Result { try JSONDecoder().decode(Value.self, from: Data(bytes)) }
        }
        if let mismatch { problems.append(mismatch) }
        if let error {
            problems.append(.malformedContainer(container: label, offset: 0, reason: error.description))
            return nil
        }
        switch decoded {
        case let .success(value)?:
            return value
        case let .failure(failure)?:
            problems.append(.malformedContainer(container: label, offset: offset, reason: "\(path) is not the JSON expected: \(Self.describe(failure))"))
            return nil
        case nil:
            return nil
        }
    }

    /// A short account of a JSON decoding error: what was wrong and where.
    private static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return context.debugDescription + Self.where(context)
        case let DecodingError.keyNotFound(key, context):
            return "no \(key.stringValue)" + Self.where(context)
        default:
            return String(describing: error)
        }
    }

    private static func `where`(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : " at " + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

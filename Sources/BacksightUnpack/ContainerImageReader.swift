/// Reads a container image (an OCI image layout, or a `docker save` tarball) as the filesystem
/// its layers make: each image's layers are read from the top down through libarchive, with
/// whiteouts applied (``LayerMerge``), so only the final files are handed on, each naming the
/// layer it comes from. Every blob is checked against its sha256 digest; a mismatch is a
/// problem and the blob is still read (a layer changed after it was named is scanned, not
/// skipped). The unpacking limits hold across all layers: member size, decoded bytes (the
/// file's budget), member count; a layer that cannot be read is a problem, and the rest are read.
enum ContainerImageReader {
    struct Outcome {
        /// `oci` or `docker`.
        var container: String
        var problems: [UnpackError] = []
        /// Entries read (whiteouts and hidden entries included), against the member count limit.
        var counted = 0
        /// Members handed on.
        var emitted = 0
        /// The caller asked to stop.
        var stopped = false
        /// The member count limit ended the reading.
        var reachedCountLimit = false
    }

    /// Reads the image in `files`. `layerLimit` bounds one layer blob's size (a blob in memory
    /// costs nothing more; a directory's blobs are read from disk one at a time).
    static func read(_ files: some ImageFiles, label: String, layerLimit: UInt64, budget: UnpackBudget,
                     member: @escaping (UnpackedMember) -> Bool) -> Outcome {
        let plan = ImageManifests(files: files, label: label)
        var outcome = Outcome(container: plan.format, problems: plan.problems)
        for (position, image) in plan.images.enumerated() where !outcome.stopped && !outcome.reachedCountLimit {
            // One image is the root; more go under `/image-1`, `/image-2`, ….
            let prefix = plan.images.count == 1 ? [] : Array("/image-\(position + 1)".utf8)
            var merge = LayerMerge()
            for layer in image.layers.reversed() where !outcome.stopped && !outcome.reachedCountLimit {
                let limit = budget.limits.members - min(budget.limits.members, outcome.counted)
                var stopped = false
                var emitted = 0
                let error = files.withFile(layer.path, limit: layerLimit) { bytes, offset in
                    if let mismatch = ImageManifests.mismatch(bytes, layer: layer, offset: offset, budget: budget) {
                        outcome.problems.append(mismatch)
                    }
                    let digest = layer.digest ?? SHA256Digest.hex(bytes).map { "sha256:" + $0 } ?? layer.path
                    let sink = MemberSink(prefix: prefix, countLimit: limit) { found in
                        switch merge.admit(found.path) {
                        case .whiteout, .hidden:
                            return true
                        case .visible:
                            var named = found
                            named.layer = digest
                            emitted += 1
                            if !member(named) { stopped = true }
                            return !stopped
                        }
                    }
                    let read = ArchiveReader.read(bytes, formats: .tar, base: offset, label: "layer \(digest) (\(layer.path))", rawName: [],
                                                  budget: budget, sink: sink)
                    budget.spend(read.produced)
                    outcome.problems += read.problems
                    if read.container == nil, read.problems.isEmpty {
                        outcome.problems.append(.malformedContainer(container: label, offset: offset,
                                                                    reason: "layer \(layer.path) is not a tar in a compression libarchive reads"))
                    }
                    outcome.counted += sink.emitted
                    outcome.reachedCountLimit = sink.reachedCountLimit
                }
                if let error { outcome.problems.append(.malformedContainer(container: label, offset: 0, reason: "layer: " + error.description)) }
                merge.finishLayer()
                outcome.emitted += emitted
                outcome.stopped = stopped
            }
        }
        return outcome
    }
}

/// The filesystem an image's layers make together, built from the top layer down: a path an
/// upper layer holds hides the same path (and anything below it) in the layers beneath, a
/// directory an upper layer holds files in hides a file of its path beneath (directories of
/// both merge),
/// `.wh.NAME` deletes NAME from the layers beneath, and `.wh..wh..opq` makes its directory
/// opaque (the layers beneath contribute nothing inside it). Reading top-down lets every
/// member be judged as it is read, each layer streamed once; what is kept is the set of paths
/// seen, bounded by the member count limit.
struct LayerMerge {
    /// What a member of the layer being read is.
    enum Entry: Equatable {
        /// A whiteout marker: it changes the layers beneath and is not a file of the image.
        case whiteout
        /// Hidden by an upper layer: not part of the final filesystem.
        case hidden
        /// A file of the final filesystem.
        case visible
    }

    static let whiteoutPrefix: [UInt8] = Array(".wh.".utf8)
    static let opaqueMarker: [UInt8] = Array(".wh..wh..opq".utf8)

    /// Paths upper layers hold: the same path, and anything below it, is hidden beneath.
    private var present: Set<[UInt8]> = []
    /// Directories upper layers hold files in: a file of the same path is hidden beneath.
    private var directories: Set<[UInt8]> = []
    /// Paths upper layers deleted.
    private var removed: Set<[UInt8]> = []
    /// Directories upper layers made opaque.
    private var opaque: Set<[UInt8]> = []
    /// The layer being read deletes and makes opaque for the layers beneath it only.
    private var removedByThisLayer: Set<[UInt8]> = []
    private var opaqueByThisLayer: Set<[UInt8]> = []

    /// Judges a member of the current layer, `path` as `/a/b/c`, and records it.
    mutating func admit(_ path: [UInt8]) -> Entry {
        let slash = path.lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex
        let parent = Array(path[..<slash])
        let name = path[(path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? path.startIndex)...]
        if name.elementsEqual(Self.opaqueMarker) {
            opaqueByThisLayer.insert(parent)
            return .whiteout
        }
        if name.starts(with: Self.whiteoutPrefix) {
            let deleted = name.dropFirst(Self.whiteoutPrefix.count)
            if !deleted.isEmpty { removedByThisLayer.insert(parent + [UInt8(ascii: "/")] + deleted) }
            return .whiteout
        }
        if present.contains(path) || removed.contains(path) || directories.contains(path) { return .hidden }
        for index in path.indices where path[index] == UInt8(ascii: "/") {
            let ancestor = Array(path[..<index])
            if opaque.contains(ancestor) || removed.contains(ancestor) || present.contains(ancestor) { return .hidden }
        }
        present.insert(path)
        var end = slash
        while end > path.startIndex, directories.insert(Array(path[..<end])).inserted {
            end = path[..<end].lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex
        }
        return .visible
    }

    /// The current layer is read: its whiteouts now apply to the layers beneath.
    mutating func finishLayer() {
        removed.formUnion(removedByThisLayer)
        opaque.formUnion(opaqueByThisLayer)
        removedByThisLayer = []
        opaqueByThisLayer = []
    }
}

/// Where the readers of every container format hand their members: paths normalised and put
/// under a prefix, the member count limited, and the caller's answer (stop or go on) kept.
final class MemberSink {
    private let prefix: [UInt8]
    private let emit: (UnpackedMember) -> Bool
    private let countLimit: Int
    /// Members handed on.
    private(set) var emitted = 0
    /// The caller asked to stop, or the member count limit was reached.
    private(set) var stopped = false
    /// Whether the count limit stopped the reading.
    private(set) var reachedCountLimit = false

    /// - Parameter prefix: put before every member path (`/DEBIAN` for a package's control archive).
    init(prefix: [UInt8], countLimit: Int, emit: @escaping (UnpackedMember) -> Bool) {
        self.prefix = prefix
        self.countLimit = countLimit
        self.emit = emit
    }

    /// Hands on a member stored as `path` (normalised here; the archive's root entry is dropped).
    @discardableResult
    func send(path: [UInt8], content: UnpackedMember.Content, size: UInt64?) -> Bool {
        guard !stopped else { return false }
        guard let normalised = Self.normalise(path) else { return true }
        guard emitted < countLimit else {
            reachedCountLimit = true
            stopped = true
            return false
        }
        emitted += 1
        if !emit(UnpackedMember(path: prefixed(normalised), content: content, size: size)) { stopped = true }
        return !stopped
    }

    /// `prefix/path` for a stored path (a hard link's target), or the path as stored when it
    /// names the root.
    func name(stored path: [UInt8]) -> [UInt8] {
        Self.normalise(path).map(prefixed) ?? path
    }

    private func prefixed(_ normalised: [UInt8]) -> [UInt8] {
        prefix + [UInt8(ascii: "/")] + normalised
    }

    /// The stored name without leading `./` and `/`; nil for the archive's root entry.
    static func normalise(_ path: [UInt8]) -> [UInt8]? {
        var rest = path[...]
        while true {
            if rest.starts(with: [UInt8(ascii: "."), UInt8(ascii: "/")]) { rest = rest.dropFirst(2) }
            else if rest.first == UInt8(ascii: "/") { rest = rest.dropFirst() }
            else { break }
        }
        while rest.last == UInt8(ascii: "/") { rest = rest.dropLast() }
        if rest.isEmpty || rest.elementsEqual([UInt8(ascii: ".")]) { return nil }
        return Array(rest)
    }
}

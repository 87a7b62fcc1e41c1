/// A glob over a `/`-separated path inside the scanned root, matched against the whole path.
///
/// `*` matches any run of characters inside one path component, `**` any run across components,
/// `**/` zero or more whole directories, `?` one character other than `/`, and `\` makes the
/// next character literal. A leading `/` is ignored, since subject paths have none.
struct Glob: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case byte(UInt8)
        /// `?`
        case anyOne
        /// `*`
        case anyInComponent
        /// `**` not followed by `/`
        case anyAcross
        /// `**/`
        case anyDirectories
    }

    let source: String
    let tokens: [Token]
    /// The literal bytes every matching path starts and ends with (before the first wildcard,
    /// after the last), checked before the full match.
    private let literalPrefix: [UInt8]
    private let literalSuffix: [UInt8]

    var description: String { source }

    /// Parses `source`; nil when it ends with a lone `\`.
    init?(_ source: String) {
        self.source = source
        var bytes = Array(source.utf8)
        if bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                tokens.append(.byte(bytes[index + 1]))
                index += 2
            case UInt8(ascii: "?"):
                tokens.append(.anyOne)
                index += 1
            case UInt8(ascii: "*"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    if index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "/") {
                        tokens.append(.anyDirectories)
                        index += 3
                    } else {
                        tokens.append(.anyAcross)
                        index += 2
                    }
                } else {
                    tokens.append(.anyInComponent)
                    index += 1
                }
            default:
                tokens.append(.byte(byte))
                index += 1
            }
        }
        self.tokens = tokens
        func literal(_ tokens: some Sequence<Token>) -> [UInt8] {
            var bytes: [UInt8] = []
            for token in tokens {
                guard case .byte(let byte) = token else { break }
                bytes.append(byte)
            }
            return bytes
        }
        literalPrefix = literal(tokens)
        literalSuffix = literal(tokens.reversed()).reversed()
    }

    /// Whether the glob matches all of `path`.
    func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the glob matches all of `path`: a pass per token over the set of path positions
    /// reachable so far, so the cost is tokens × path length with no backtracking.
    func matches(_ path: UnsafeRawBufferPointer) -> Bool {
        var path = path
        if path.first == UInt8(ascii: "/") { path = UnsafeRawBufferPointer(rebasing: path.dropFirst()) }
        let count = path.count
        guard count >= literalPrefix.count, count >= literalSuffix.count,
              path.prefix(literalPrefix.count).elementsEqual(literalPrefix),
              path.suffix(literalSuffix.count).elementsEqual(literalSuffix) else { return false }
        let slash = UInt8(ascii: "/")
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * (count + 1)) { storage in
            guard let base = storage.baseAddress else { return false }
            var reach = UnsafeMutableBufferPointer(start: base, count: count + 1)
            var next = UnsafeMutableBufferPointer(start: base + count + 1, count: count + 1)
            reach.initialize(repeating: false)
            next.initialize(repeating: false)
            reach[0] = true
            for token in tokens {
                switch token {
                case .byte(let wanted):
                    next[0] = false
                    for position in 0..<count { next[position + 1] = reach[position] && path[position] == wanted }
                case .anyOne:
                    next[0] = false
                    for position in 0..<count { next[position + 1] = reach[position] && path[position] != slash }
                case .anyInComponent:
                    var open = false
                    for position in 0...count {
                        if reach[position] { open = true }
                        next[position] = open
                        if position < count, path[position] == slash { open = false }
                    }
                case .anyAcross:
                    var open = false
                    for position in 0...count {
                        if reach[position] { open = true }
                        next[position] = open
                    }
                case .anyDirectories:
                    var open = false
                    for position in 0...count {
                        if reach[position] { open = true }
                        next[position] = reach[position] || (open && position > 0 && path[position - 1] == slash)
                    }
                }
                swap(&reach, &next)
            }
            return reach[count]
        }
    }
}

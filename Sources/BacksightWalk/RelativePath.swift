/// A path inside the scanned root, kept as the raw bytes of its name so that names that are
/// not UTF-8 survive exactly. An empty path is the root itself.
public struct RelativePath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The bytes of the path, components joined by `/`, with no leading `/`.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8.drop { $0 == UInt8(ascii: "/") }) }

    /// This path with one more component.
    public func appending(_ component: [UInt8]) -> RelativePath {
        bytes.isEmpty ? RelativePath(bytes: component) : RelativePath(bytes: bytes + [UInt8(ascii: "/")] + component)
    }

    public var components: [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    /// The last component, or an empty array for the root.
    public var lastComponent: [UInt8] { components.last ?? [] }

    /// The path for display and reports: valid UTF-8 is kept, control characters and bytes
    /// that are not UTF-8 are written as `\xNN` (and `\` as `\\`), so every name prints on one line.
    public var description: String { Self.escape(bytes) }

    /// Whether the path's bytes are printable UTF-8 shown as they are.
    public var isPlainText: Bool { description.utf8.elementsEqual(bytes) }

    public static func escape(_ bytes: [UInt8]) -> String {
        // Most paths are plain printable ASCII and stay as they are.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
            if length == 1 {
                if byte < 0x20 || byte == 0x7f {
                    out += "\\x" + hexByte(byte)
                } else if byte == UInt8(ascii: "\\") {
                    out += "\\\\"
                } else {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                }
                index += 1
                continue
            }
            if length > 1, index + length <= bytes.count,
               let decoded = String(validating: bytes[index..<index + length], as: UTF8.self) {
                out += decoded
                index += length
            } else {
                out += "\\x" + hexByte(byte)
                index += 1
            }
        }
        return out
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }

    public static func < (lhs: RelativePath, rhs: RelativePath) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

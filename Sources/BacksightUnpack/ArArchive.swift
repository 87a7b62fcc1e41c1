/// One member of an `ar` archive, located in the archive's bytes.
public struct ArMember: Sendable, Hashable {
    public var name: String
    /// Where the member's data starts in the archive.
    public var offset: Int
    public var size: Int
}

/// The `ar` archive format as `.deb` packages use it: `!<arch>\n`, then 60-byte headers each
/// followed by the member's data, padded to an even length.
public enum ArArchive {
    public static let magic: [UInt8] = Array("!<arch>\n".utf8)
    static let headerSize = 60

    public static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && bytes.prefix(magic.count).elementsEqual(magic)
    }

    /// The members in order, and the error that stopped reading early, if any.
    public static func members(of bytes: UnsafeRawBufferPointer) -> (members: [ArMember], error: UnpackError?) {
        guard hasMagic(bytes) else {
            return ([], .malformedContainer(container: "ar", offset: 0, reason: "no !<arch> magic"))
        }
        var members: [ArMember] = []
        var position = magic.count
        while position < bytes.count {
            guard bytes.count - position >= headerSize else {
                return (members, .malformedContainer(container: "ar", offset: UInt64(position), reason: "header cut short"))
            }
            guard bytes[position + 58] == 0x60, bytes[position + 59] == 0x0A else {
                return (members, .malformedContainer(container: "ar", offset: UInt64(position), reason: "bad header terminator"))
            }
            let nameBytes = bytes[position..<position + 16].reversed().drop { $0 == 0x20 }.reversed()
            var name = String(decoding: nameBytes, as: UTF8.self)
            if name.hasSuffix("/"), name != "/", name != "//" { name.removeLast() }
            guard let size = decimal(bytes, from: position + 48, count: 10) else {
                return (members, .malformedContainer(container: "ar", offset: UInt64(position), reason: "bad member size"))
            }
            let dataStart = position + headerSize
            guard size <= bytes.count - dataStart else {
                return (members, .malformedContainer(container: "ar", offset: UInt64(position), reason: "member '\(name)' runs past the end"))
            }
            members.append(ArMember(name: name, offset: dataStart, size: size))
            position = dataStart + size + (size & 1)
        }
        return (members, nil)
    }

    /// A space-padded decimal field.
    private static func decimal(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> Int? {
        var value = 0
        var digits = 0
        for index in start..<start + count {
            let byte = bytes[index]
            if byte == 0x20 { if digits > 0 { break } else { continue } }
            guard byte >= 0x30, byte <= 0x39, value < Int.max / 10 - 9 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}

import BacksightWalk

/// What unpacking finds in one file, for `backsight inspect`: the container and its members,
/// the facts rules can test as characteristics, and the decoded payloads, recursively.
public struct UnpackedInspection: Sendable, Codable {
    /// `deb`, `tar`, `xz`, `lzma`, `gzip`, or nil when the file is not a container.
    public var container: String?
    /// Member paths as reports name them (`x.deb!/usr/lib/x.so`), at most ``memberListLimit``.
    public var members: [String]
    public var memberCount: Int
    public var characteristics: [String: [Evidence]]
    public var payloads: [PayloadInspection]
    public var problems: [String]

    static let memberListLimit = 10_000

    /// Unpacks with every heuristic on, whatever the rules need.
    static func inspect(path: String, bytes: UnsafeRawBufferPointer, elf: ELFModel?) -> UnpackedInspection {
        var members: [String] = []
        var count = 0
        let result = Unpacker().unpack(path: path, bytes: bytes, budget: UnpackBudget(limits: UnpackLimits())) { member in
            count += 1
            if members.count < memberListLimit { members.append(path + "!" + RelativePath.escape(member.path)) }
            return true
        }
        return UnpackedInspection(container: result.container, members: members, memberCount: count,
                                  characteristics: Unpacking.characteristics(result.facts, elf: elf),
                                  payloads: result.payloads.map { PayloadInspection($0, parent: path) },
                                  problems: Unpacking.problems(result))
    }
}

/// One decoded payload as `inspect` shows it.
public struct PayloadInspection: Sendable, Codable {
    /// `file!xz@0x1fd`
    public var path: String
    public var format: String
    /// Where the compressed data starts in its parent, and how many bytes it took.
    public var offset: UInt64
    public var compressedSize: UInt64
    public var decodedSize: UInt64
    public var integrityVerified: Bool
    public var kind: FileKind
    public var architecture: String?
    public var elfType: String?
    public var characteristics: [String: [Evidence]]
    public var payloads: [PayloadInspection]

    init(_ payload: DecodedPayload, parent: String) {
        path = parent + "!" + payload.name
        format = payload.format.description
        offset = payload.offset
        compressedSize = payload.summary.consumed
        decodedSize = payload.summary.produced
        integrityVerified = payload.summary.integrityVerified
        let bytes = payload.bytes.buffer
        kind = withExtendedLifetime(payload.bytes) { FileKind.recognise(bytes) }
        if kind == .elf, let model = withExtendedLifetime(payload.bytes, { try? ELFReader.model(of: bytes) }) {
            architecture = model.header.architecture
            elfType = model.header.type
        }
        characteristics = Unpacking.characteristics(payload.facts, elf: nil)
        payloads = payload.payloads.map { PayloadInspection($0, parent: parent + "!" + payload.name) }
    }
}

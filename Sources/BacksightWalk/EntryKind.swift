/// What a directory entry is, from `lstat`, without following links.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case regular
    case directory
    case symlink
    case fifo
    case socket
    case characterDevice = "character-device"
    case blockDevice = "block-device"
    case unknown

    init(mode: UInt32) {
        switch mode & 0o170000 {
        case 0o100000: self = .regular
        case 0o040000: self = .directory
        case 0o120000: self = .symlink
        case 0o010000: self = .fifo
        case 0o140000: self = .socket
        case 0o020000: self = .characterDevice
        case 0o060000: self = .blockDevice
        default: self = .unknown
        }
    }
}

/// What an entry of a scan turned out to be. Files are recognised by content, not by name.
public enum FileKind: String, Sendable, Codable, CaseIterable {
    case elf
    case text
    case data
    case empty
    case symlink
    case hardlink
    case directory
    case fifo
    case socket
    case characterDevice = "character-device"
    case blockDevice = "block-device"
    case unknown

    /// Recognises bytes: ELF magic, else text or data as ``ContentKind/classify(_:)`` (the
    /// rules' `type: text`) says.
    public static func recognise(_ bytes: UnsafeRawBufferPointer) -> FileKind {
        if bytes.isEmpty { return .empty }
        if ELFReader.hasELFMagic(bytes) { return .elf }
        return ContentKind.classify(bytes) == .text ? .text : .data
    }
}

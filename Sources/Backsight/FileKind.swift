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

    /// Recognises bytes: ELF magic, text (no NUL and mostly printable in the first 8 KiB), else data.
    public static func recognise(_ bytes: UnsafeRawBufferPointer) -> FileKind {
        if bytes.isEmpty { return .empty }
        if ELFReader.hasELFMagic(bytes) { return .elf }
        let sample = bytes.prefix(8192)
        var printable = 0
        for byte in sample {
            if byte == 0 { return .data }
            if byte >= 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d || byte >= 0x80 { printable += 1 }
        }
        return printable * 100 >= sample.count * 95 ? .text : .data
    }
}

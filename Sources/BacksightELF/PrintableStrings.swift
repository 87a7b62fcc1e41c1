/// A run of printable ASCII found in a file, with where it was found.
public struct PrintableString: Sendable, Hashable, Codable {
    /// The section holding it, when the file has sections.
    public var section: String?
    /// The file offset of its first byte.
    public var offset: UInt64
    public var value: String
}

/// Where a printable run lies, without its text: what matching scans before it needs a string.
public struct PrintableSpan: Sendable, Hashable {
    /// The section holding it, when the file has sections.
    public var section: String?
    /// The file offset of its first byte.
    public var offset: UInt64
    public var length: Int
}

public enum PrintableStrings {
    /// Runs of at least `minimumLength` printable ASCII bytes (space to `~`, and tab), per
    /// section of `model` that has file bytes, or over the whole buffer when there are no
    /// sections. At most `limit` strings are returned.
    public static func extract(from bytes: UnsafeRawBufferPointer, model: ELFModel?, minimumLength: Int = 4, limit: Int = 1_000_000) -> [PrintableString] {
        spans(in: bytes, model: model, minimumLength: minimumLength, limit: limit).map { span in
            let start = Int(span.offset)
            return PrintableString(section: span.section, offset: span.offset,
                                   value: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< start + span.length]), as: UTF8.self))
        }
    }

    /// The runs ``extract(from:model:minimumLength:limit:)`` returns, as offsets and lengths
    /// into `bytes` (every span lies inside `bytes`).
    public static func spans(in bytes: UnsafeRawBufferPointer, model: ELFModel?, minimumLength: Int = 4, limit: Int = 1_000_000) -> [PrintableSpan] {
        var found: [PrintableSpan] = []
        let view = ByteView(bytes: bytes, bigEndian: false)
        let regions: [(name: String?, offset: UInt64, size: UInt64)]
        if let model, model.sections.contains(where: { $0.hasFileBytes && $0.size > 0 }) {
            regions = model.sections.filter { $0.hasFileBytes && $0.size > 0 && $0.typeNumber != 0 }.map { ($0.name, $0.offset, $0.size) }
        } else {
            regions = [(nil, 0, UInt64(bytes.count))]
        }
        for region in regions {
            let slice = view.slice(offset: region.offset, length: region.size)
            scan(slice, minimumLength: minimumLength) { start, end in
                guard found.count < limit else { return false }
                found.append(PrintableSpan(section: region.name, offset: region.offset + UInt64(start), length: end - start))
                return true
            }
        }
        return found
    }

    /// Whether `byte` belongs in a printable run: space to `~`, and tab.
    @inline(__always)
    public static func isPrintable(_ byte: UInt8) -> Bool { (byte >= 0x20 && byte < 0x7f) || byte == 0x09 }

    /// Calls `body` with the bounds of each printable run; stops when it returns false.
    static func scan(_ bytes: UnsafeRawBufferPointer, minimumLength: Int, _ body: (Int, Int) -> Bool) {
        var runStart = -1
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if isPrintable(byte) {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart >= minimumLength, !body(runStart, index) { return }
                runStart = -1
            }
        }
        if runStart >= 0, bytes.count - runStart >= minimumLength { _ = body(runStart, bytes.count) }
    }
}

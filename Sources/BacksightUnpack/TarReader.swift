/// One entry of a tar archive, as its header (and any GNU long-name or pax records) describe it.
public struct TarEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case regular, hardLink, symbolicLink, directory, characterDevice, blockDevice, fifo
        case other(UInt8)
    }

    /// The name as stored (`./usr/bin/ls`), bytes kept exactly.
    public var path: [UInt8]
    public var kind: Kind
    public var size: UInt64
    /// The target of a link entry.
    public var linkTarget: [UInt8]
    /// Where the entry's header starts in the tar stream.
    public var headerOffset: UInt64
}

/// How a `feed` call ended.
enum TarFeedResult {
    /// The chunk was read; feed the next.
    case needMore
    /// The handler asked to stop.
    case stopped
    /// A header could not be read.
    case failed(UnpackError)
}

/// What the reader found, in stream order.
enum TarEvent {
    /// An entry starts; its data follows in zero or more `data` events.
    case entry(TarEntry)
    case data(UnsafeRawBufferPointer)
    /// The current entry's data is complete.
    case entryEnd
}

/// A tar reader fed in chunks of any size (as a decoder produces them), so an archive is never
/// held whole. Reads ustar, GNU (long names `L`/`K`, base-256 sizes) and pax (`x`, `g`) headers.
struct TarReader {
    private enum Mode {
        case header
        /// Entry data to hand on.
        case entryData
        /// A GNU long name/link or pax record to collect for the next entry.
        case metadata(UInt8)
        case padding
        case done
    }

    private var mode = Mode.header
    private var header: [UInt8] = []
    private var metadata: [UInt8] = []
    private var remaining: UInt64 = 0
    private var paddingLeft = 0
    private var zeroBlocks = 0
    private var longName: [UInt8]?
    private var longLink: [UInt8]?
    private var paxPath: [UInt8]?
    private var paxLinkPath: [UInt8]?
    private var paxSize: UInt64?
    /// Bytes of the stream read so far.
    private(set) var offset: UInt64 = 0
    /// Metadata records larger than this are refused.
    static let metadataLimit = 1 << 20

    /// Whether the end-of-archive marker has been read.
    var isFinished: Bool { if case .done = mode { return true } else { return false } }

    /// Reads `chunk`, reporting events to `handler`, which returns false to stop.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, handler: (TarEvent) -> Bool) -> TarFeedResult {
        var position = 0
        while position < chunk.count {
            switch mode {
            case .done:
                offset += UInt64(chunk.count - position)
                return .needMore
            case .header:
                let take = min(512 - header.count, chunk.count - position)
                header.append(contentsOf: chunk[position..<position + take])
                position += take
                offset += UInt64(take)
                guard header.count == 512 else { continue }
                let headerOffset = offset - 512
                let block = header
                header.removeAll(keepingCapacity: true)
                if block.allSatisfy({ $0 == 0 }) {
                    zeroBlocks += 1
                    if zeroBlocks == 2 { mode = .done }
                    continue
                }
                zeroBlocks = 0
                switch begin(block, at: headerOffset) {
                case let .failure(error): return .failed(error)
                case let .success(entry?):
                    if !handler(.entry(entry)) { return .stopped }
                    if remaining == 0 {
                        if !handler(.entryEnd) { return .stopped }
                    }
                case .success(nil):
                    break
                }
            case .entryData:
                let take = Int(min(remaining, UInt64(chunk.count - position)))
                if !handler(.data(UnsafeRawBufferPointer(rebasing: chunk[position..<position + take]))) { return .stopped }
                position += take
                offset += UInt64(take)
                remaining -= UInt64(take)
                if remaining == 0 {
                    mode = paddingLeft > 0 ? .padding : .header
                    if !handler(.entryEnd) { return .stopped }
                }
            case let .metadata(type):
                let take = Int(min(remaining, UInt64(chunk.count - position)))
                metadata.append(contentsOf: chunk[position..<position + take])
                position += take
                offset += UInt64(take)
                remaining -= UInt64(take)
                if remaining == 0 {
                    apply(metadata: type)
                    mode = paddingLeft > 0 ? .padding : .header
                }
            case .padding:
                let take = min(paddingLeft, chunk.count - position)
                position += take
                offset += UInt64(take)
                paddingLeft -= take
                if paddingLeft == 0 { mode = .header }
            }
        }
        return .needMore
    }

    /// The error to report when the stream ends: nil if it ended between entries.
    func endOfInput() -> UnpackError? {
        switch mode {
        case .done, .padding: return nil
        case .header where header.isEmpty: return nil
        default:
            return .malformedContainer(container: "tar", offset: offset, reason: "archive ends inside an entry")
        }
    }

    /// Parses a header block; returns the entry to report, or nil for metadata records.
    private mutating func begin(_ block: [UInt8], at headerOffset: UInt64) -> Result<TarEntry?, UnpackError> {
        guard Self.checksumHolds(block) else {
            return .failure(.malformedContainer(container: "tar", offset: headerOffset, reason: "header checksum does not match"))
        }
        guard let storedSize = Self.number(block[124..<136]) else {
            return .failure(.malformedContainer(container: "tar", offset: headerOffset, reason: "bad size field"))
        }
        let type = block[156]
        let isMetadata = type == UInt8(ascii: "L") || type == UInt8(ascii: "K") || type == UInt8(ascii: "x") || type == UInt8(ascii: "g")
        var size = storedSize
        if !isMetadata, let paxSize { size = paxSize }
        let (padded, overflow) = size.addingReportingOverflow(511)
        guard !overflow else {
            return .failure(.malformedContainer(container: "tar", offset: headerOffset, reason: "size out of range"))
        }
        paddingLeft = Int((padded & ~511) - size)
        remaining = size
        if isMetadata {
            guard size <= UInt64(Self.metadataLimit) else {
                return .failure(.malformedContainer(container: "tar", offset: headerOffset, reason: "metadata record of \(size) bytes"))
            }
            metadata.removeAll(keepingCapacity: true)
            mode = size > 0 ? .metadata(type) : (paddingLeft > 0 ? .padding : .header)
            return .success(nil)
        }
        let isUstar = block[257..<263].elementsEqual(Array("ustar\0".utf8))
        var path = paxPath ?? longName ?? Self.field(block[0..<100])
        if paxPath == nil, longName == nil, isUstar {
            let prefix = Self.field(block[345..<500])
            if !prefix.isEmpty { path = prefix + [UInt8(ascii: "/")] + path }
        }
        let link = paxLinkPath ?? longLink ?? Self.field(block[157..<257])
        longName = nil
        longLink = nil
        paxPath = nil
        paxLinkPath = nil
        paxSize = nil
        let kind: TarEntry.Kind
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .regular
        case UInt8(ascii: "1"): kind = .hardLink
        case UInt8(ascii: "2"): kind = .symbolicLink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default: kind = .other(type)
        }
        mode = size > 0 ? .entryData : (paddingLeft > 0 ? .padding : .header)
        return .success(TarEntry(path: path, kind: kind, size: size, linkTarget: link, headerOffset: headerOffset))
    }

    /// Takes a collected GNU long name/link or pax record into account for the next entry.
    private mutating func apply(metadata type: UInt8) {
        switch type {
        case UInt8(ascii: "L"): longName = Self.field(metadata[...])
        case UInt8(ascii: "K"): longLink = Self.field(metadata[...])
        case UInt8(ascii: "x"):
            for (key, value) in Self.paxRecords(metadata) {
                switch key {
                case "path": paxPath = value
                case "linkpath": paxLinkPath = value
                case "size": paxSize = Self.decimal(value)
                default: break
                }
            }
        default: break
        }
    }

    /// Whether a header block's checksum field agrees with its bytes (unsigned or signed sum).
    static func checksumHolds(_ block: [UInt8]) -> Bool {
        guard let stored = number(block[148..<156]) else { return false }
        var unsigned: UInt64 = 0
        var signed: Int64 = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += UInt64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || Int64(exactly: stored) == signed
    }

    /// Whether `bytes` start with a tar header (ustar or GNU magic and a valid checksum).
    static func looksLikeHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 512 else { return false }
        let magic = bytes[257..<262]
        guard magic.elementsEqual(Array("ustar".utf8)) else { return false }
        return checksumHolds(Array(bytes[0..<512]))
    }

    /// A NUL-terminated field.
    static func field(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.prefix { $0 != 0 })
    }

    /// An octal field (NUL- or space-terminated) or a GNU base-256 field (high bit set).
    static func number(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            var value: UInt64 = UInt64(first & 0x7F)
            for byte in bytes.dropFirst() {
                guard value >> 56 == 0 else { return nil }
                value = value << 8 | UInt64(byte)
            }
            return value
        }
        var value: UInt64 = 0
        var digits = 0
        for byte in bytes {
            if byte == 0 || byte == 0x20 { if digits > 0 { break } else { continue } }
            guard byte >= 0x30, byte <= 0x37, value >> 60 == 0 else { return nil }
            value = value << 3 | UInt64(byte - 0x30)
            digits += 1
        }
        return value
    }

    static func decimal(_ bytes: [UInt8]) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }

    /// `length key=value\n` records of a pax header.
    static func paxRecords(_ bytes: [UInt8]) -> [(String, [UInt8])] {
        var records: [(String, [UInt8])] = []
        var position = 0
        while position < bytes.count {
            guard let space = bytes[position...].firstIndex(of: 0x20),
                  let length = decimal(Array(bytes[position..<space])), length > 0,
                  UInt64(bytes.count - position) >= length else { break }
            let end = position + Int(length)
            let record = bytes[(space + 1)..<end]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
                var value = Array(record[(equals + 1)...])
                if value.last == 0x0A { value.removeLast() }
                records.append((key, value))
            }
            position = end
        }
        return records
    }
}

/// Turns decoded bytes into members as they stream by: a tar archive's entries, each held
/// only while it is handed on, or (for a compressed file that is not a tar) one member with the
/// whole content. Memory stays within one member of `memberLimit` bytes.
final class MemberCollector {
    private enum Mode {
        /// Waiting for the first 512 bytes to tell a tar from anything else.
        case sniffing
        case single
        case tar
    }

    private var mode: Mode
    private let prefix: [UInt8]
    private let singleName: [UInt8]
    private let memberLimit: Int
    /// Names the tar in errors: `tar in data.tar.xz`; their offsets count in its decoded bytes.
    private let label: String
    private let emit: (UnpackedMember) -> Bool
    private let content: ByteAccumulator
    private var reader = TarReader()
    /// The tar entry being collected.
    private var current: TarEntry?
    private var currentTooLarge = false
    private var singleTooLarge = false
    /// Members handed on.
    private(set) var emitted = 0
    /// The callback asked to stop.
    private(set) var stopped = false
    /// A tar header that could not be read.
    private(set) var tarError: UnpackError?

    /// - Parameters:
    ///   - prefix: put before every member path (`/DEBIAN` for a package's control archive).
    ///   - singleName: the member name when the content is not a tar (`x.ko` for `x.ko.xz`).
    ///   - expectsTar: true when the content is known to be a tar (a package's data archive).
    ///   - label: names the tar in errors (`tar in data.tar.xz`).
    init(prefix: [UInt8], singleName: [UInt8], expectsTar: Bool, memberLimit: UInt64, label: String = "tar",
         emit: @escaping (UnpackedMember) -> Bool) {
        self.prefix = prefix
        self.label = label
        self.singleName = singleName
        self.memberLimit = Int(min(memberLimit, UInt64(Int.max)))
        self.emit = emit
        content = ByteAccumulator(limit: self.memberLimit)
        mode = expectsTar ? .tar : .sniffing
    }

    /// Whether the content turned out to be a tar archive.
    var isTar: Bool { if case .tar = mode { return true } else { return false } }

    /// Takes the next decoded chunk; false asks the decoder to stop.
    func take(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard !stopped, tarError == nil else { return false }
        switch mode {
        case .sniffing:
            let wanted = min(512 - content.count, chunk.count)
            _ = content.append(UnsafeRawBufferPointer(rebasing: chunk[0..<wanted]))
            guard content.count == 512 else { return true }
            let head = Array(content.bytes)
            content.removeAll()
            if head.withUnsafeBytes({ TarReader.looksLikeHeader($0) }) {
                mode = .tar
            } else {
                mode = .single
            }
            let first = head.withUnsafeBytes { take($0) }
            return first && take(UnsafeRawBufferPointer(rebasing: chunk[wanted...]))
        case .single:
            if singleTooLarge { return false }
            if !content.append(chunk) {
                singleTooLarge = true
                return false
            }
            return true
        case .tar:
            switch reader.feed(chunk, handler: handle) {
            case .needMore: return true
            case .stopped: return false
            case let .failed(error):
                tarError = relabel(error)
                return false
            }
        }
    }

    /// Ends the content after decoding stopped (`decoding` is nil for data that was not
    /// compressed): hands on the single member (or says why it was not read), and reports an
    /// entry cut off by a decoding error.
    func finish(_ decoding: DecodeSummary?) -> UnpackError? {
        if stopped { return nil }
        let decodeError = decoding?.error
        let stoppedByConsumer = decoding?.stoppedByConsumer ?? false
        switch mode {
        case .sniffing:
            // Fewer than 512 bytes: too short for a tar, so one small member.
            mode = .single
            return finish(decoding)
        case .single:
            if singleTooLarge {
                let input = decoding.map { " after \($0.consumed) bytes of input (\($0.produced / max(1, $0.consumed)):1)" } ?? ""
                send(UnpackedMember(path: name(singleName), content: .skipped(reason: "too-large",
                     message: "decoded content exceeds the member limit of \(memberLimit) bytes\(input); decoding stopped there"), size: nil))
            } else if let decodeError, case .outputLimit = decodeError {
                send(UnpackedMember(path: name(singleName), content: .skipped(reason: decodeError.code, message: decodeError.description),
                                    size: UInt64(content.count)))
            } else if decodeError == nil {
                send(UnpackedMember(path: name(singleName), content: .file(content.bytes), size: UInt64(content.count)))
            }
            content.removeAll()
            return nil
        case .tar:
            if let tarError { return tarError }
            if let entry = current {
                current = nil
                let cut = decodeError == nil ? reader.endOfInput().map(relabel) : nil
                let reason = decodeError?.code ?? "truncated"
                let message = (decodeError ?? cut)?.description ?? "the archive ends inside this entry"
                if let path = Self.normalise(entry.path) {
                    send(UnpackedMember(path: name(path), content: .skipped(reason: reason, message: message), size: entry.size))
                }
                return cut
            }
            if decodeError == nil, !stoppedByConsumer { return reader.endOfInput().map(relabel) }
            return nil
        }
    }

    private func handle(_ event: TarEvent) -> Bool {
        switch event {
        case let .entry(entry):
            guard let path = Self.normalise(entry.path) else { return true }
            switch entry.kind {
            case .regular:
                current = entry
                currentTooLarge = entry.size > UInt64(memberLimit)
                content.removeAll()
                return true
            case .directory:
                return true
            case .symbolicLink:
                return send(UnpackedMember(path: name(path), content: .symbolicLink(target: entry.linkTarget), size: nil))
            case .hardLink:
                let target = Self.normalise(entry.linkTarget).map(name) ?? entry.linkTarget
                return send(UnpackedMember(path: name(path), content: .hardLink(target: target), size: nil))
            case .characterDevice, .blockDevice, .fifo:
                return send(UnpackedMember(path: name(path), content: .skipped(reason: "not-regular-file",
                            message: "a device or FIFO entry in the archive"), size: nil))
            case let .other(type):
                current = entry
                currentTooLarge = true
                return send(UnpackedMember(path: name(path), content: .skipped(reason: "unsupported-entry",
                            message: "tar entry type 0x\(String(type, radix: 16)) is not read"), size: entry.size))
            }
        case let .data(chunk):
            guard current != nil, !currentTooLarge else { return true }
            if !content.append(chunk) { currentTooLarge = true }
            return true
        case .entryEnd:
            guard let entry = current else { return true }
            current = nil
            guard let path = Self.normalise(entry.path) else { return true }
            if case .other = entry.kind { return true }
            if currentTooLarge {
                return send(UnpackedMember(path: name(path), content: .skipped(reason: "too-large",
                            message: "member of \(entry.size) bytes exceeds the limit of \(memberLimit)"), size: entry.size))
            }
            return send(UnpackedMember(path: name(path), content: .file(content.bytes), size: entry.size))
        }
    }

    /// A tar error named after the archive it is in.
    private func relabel(_ error: UnpackError) -> UnpackError {
        guard case let .malformedContainer(_, offset, reason) = error else { return error }
        return .malformedContainer(container: label, offset: offset, reason: reason)
    }

    @discardableResult
    private func send(_ member: UnpackedMember) -> Bool {
        emitted += 1
        if !emit(member) { stopped = true }
        return !stopped
    }

    /// `prefix/path`, the path already normalised.
    private func name(_ path: [UInt8]) -> [UInt8] {
        prefix + [UInt8(ascii: "/")] + path
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

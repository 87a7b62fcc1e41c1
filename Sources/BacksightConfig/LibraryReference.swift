/// One library a configuration line makes programs load.
public struct LibraryReference: Sendable, Hashable {
    public enum Role: Sendable, Hashable {
        /// Preloaded into programs (an `ld.so.preload` entry or an `LD_PRELOAD` value).
        case preload
        /// A PAM module; `type` is `auth`, `account`, `session` or `password`, `control` as
        /// written (`sufficient`, `[success=done default=ignore]`, …). `ignoredWhenMissing` is
        /// true for lines starting with `-`, for which PAM ignores a missing module.
        case pamModule(type: String, control: String, ignoredWhenMissing: Bool)
    }

    /// The 1-based line it is on.
    public var line: Int
    /// The library as the line writes it.
    public var written: String
    public var role: Role
}

/// Reads the libraries a configuration file names. Pure text processing: nothing is resolved
/// or opened here.
public enum ConfigurationParser {
    /// How many references one file may yield; the rest of the file is ignored.
    public static let maximumReferences = 256

    public static func references(in bytes: UnsafeRawBufferPointer, kind: ConfigurationFile.Kind) -> [LibraryReference] {
        var found: [LibraryReference] = []
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if found.count >= maximumReferences { break }
            let line = String(decoding: rawLine, as: UTF8.self)
            switch kind {
            case .preloadList:
                found += preloadEntries(line).map { LibraryReference(line: lineNumber, written: $0, role: .preload) }
            case .environmentFile, .profileScript, .systemdUnit:
                found += preloadAssignments(line).map { LibraryReference(line: lineNumber, written: $0, role: .preload) }
            case .pamService, .pamConf:
                if let module = pamModule(line, hasServiceColumn: kind == .pamConf) {
                    found.append(LibraryReference(line: lineNumber, written: module.path, role: .pamModule(type: module.type, control: module.control, ignoredWhenMissing: module.ignoredWhenMissing)))
                }
            case .passwd, .shadow, .group, .inittab, .initScript, .systemCrontab, .userCrontab, .udevRules, .inetdConf, .xinetdService, .sshdConfig, .dropbearDefaults, .authorizedKeys:
                return []
            }
        }
        return Array(found.prefix(maximumReferences))
    }

    /// `ld.so.preload`: names separated by white space or `:`; `#` starts a comment.
    static func preloadEntries(_ line: String) -> [String] {
        let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "\r" }).map(String.init)
    }

    /// Every `LD_PRELOAD=` assignment in a line of an environment file, a shell script or a
    /// unit (`Environment=LD_PRELOAD=…`, `Environment="LD_PRELOAD=… " "X=y"`, `export
    /// LD_PRELOAD=…`, `LD_PRELOAD=… cmd`), split into its libraries. Comment lines are skipped;
    /// values that refer to other variables (`$LD_PRELOAD`) contribute only their literal parts.
    static func preloadAssignments(_ line: String) -> [String] {
        let text = Array(line.utf8)
        guard let first = text.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
              text[first] != UInt8(ascii: "#"), text[first] != UInt8(ascii: ";") else { return [] }
        let name = Array("LD_PRELOAD=".utf8)
        var libraries: [String] = []
        var index = first
        while index + name.count <= text.count {
            guard text[index..<index + name.count].elementsEqual(name), index == 0 || !isNameByte(text[index - 1]) else {
                index += 1
                continue
            }
            var position = index + name.count
            let stops: Set<UInt8>
            if position < text.count, text[position] == UInt8(ascii: "\"") || text[position] == UInt8(ascii: "'") {
                stops = [text[position]]   // a quoted value runs to the closing quote
                position += 1
            } else {
                stops = Set(" \t\r;&|\"'`)".utf8)
            }
            let valueStart = position
            while position < text.count, !stops.contains(text[position]) { position += 1 }
            libraries += String(decoding: text[valueStart..<position], as: UTF8.self)
                .split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
                .map(String.init)
                .filter { !$0.hasPrefix("$") }
            index = max(position, index + 1)
        }
        return libraries
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    /// A PAM line: `[-]type control module-path [arguments]`, with `pam.conf`'s service name
    /// first. `control` may be a bracketed list with spaces. `@include` lines and the
    /// `include`/`substack` controls name other configuration files, not modules.
    static func pamModule(_ line: String, hasServiceColumn: Bool) -> (type: String, control: String, path: String, ignoredWhenMissing: Bool)? {
        let content = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        var rest = Substring(content).drop { $0 == " " || $0 == "\t" }
        func nextToken() -> String? {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            guard !rest.isEmpty else { return nil }
            if rest.first == "[", let close = rest.firstIndex(of: "]") {
                let token = String(rest[...close])
                rest = rest[rest.index(after: close)...]
                return token
            }
            let end = rest.firstIndex { $0 == " " || $0 == "\t" || $0 == "\r" } ?? rest.endIndex
            let token = String(rest[..<end])
            rest = rest[end...]
            return token
        }
        if hasServiceColumn { guard nextToken() != nil else { return nil } }
        guard var type = nextToken(), !type.hasPrefix("@") else { return nil }
        let ignoredWhenMissing = type.hasPrefix("-")
        if ignoredWhenMissing { type.removeFirst() }
        guard ["auth", "account", "session", "password"].contains(type.lowercased()),
              let control = nextToken(), !["include", "substack"].contains(control.lowercased()),
              let path = nextToken() else { return nil }
        return (type.lowercased(), control, path, ignoredWhenMissing)
    }
}

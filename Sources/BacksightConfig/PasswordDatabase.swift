/// One line of `etc/passwd`: `name:password:uid:gid:gecos:home:shell`.
public struct PasswdEntry: Sendable, Hashable {
    public var name: String
    /// The password field: `x` when the hash is in the shadow file, else the hash itself (old
    /// and busybox-style trees), empty for no password.
    public var password: String
    public var uid: Int?
    /// The primary group.
    public var gid: Int?
    public var home: String
    public var shell: String
    public var line: Int
}

/// One line of `etc/shadow`: `name:hash:…`.
public struct ShadowEntry: Sendable, Hashable {
    public var name: String
    public var hash: String
    public var line: Int
}

/// One line of `etc/group`: `name:password:gid:member,member`.
public struct GroupEntry: Sendable, Hashable {
    public var name: String
    public var gid: Int?
    public var members: [String]
    public var line: Int
}

/// What a password field allows.
public enum PasswordField: Sendable, Hashable {
    /// Empty: no password is asked.
    case empty
    /// `*`, `!`, `!!`, `*LK*`, `!<hash>`, or anything that is no hash: no password opens it.
    case locked
    /// A crypt(3) hash.
    case hash(String)

    public init(_ field: String) {
        if field.isEmpty { self = .empty; return }
        if field.hasPrefix("!") || field.hasPrefix("*") { self = .locked; return }
        if field.hasPrefix("$") || Self.isTraditionalDES(field) { self = .hash(field); return }
        self = .locked
    }

    /// A traditional DES hash: 13 characters of `./0-9A-Za-z`.
    static func isTraditionalDES(_ field: String) -> Bool {
        field.utf8.count == 13 && field.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
        }
    }
}

/// Reads `etc/passwd` and `etc/shadow`. Pure text processing; malformed lines are skipped.
public enum PasswordDatabase {
    /// How many lines one file may yield; the rest is ignored.
    public static let maximumEntries = 4096

    public static func passwdEntries(_ bytes: UnsafeRawBufferPointer) -> [PasswdEntry] {
        var entries: [PasswdEntry] = []
        for (number, fields) in lines(bytes) where fields.count >= 7 && !fields[0].isEmpty {
            entries.append(PasswdEntry(name: fields[0], password: fields[1], uid: Int(fields[2]), gid: Int(fields[3]), home: fields[5],
                                       shell: fields[6].trimmed([" ", "\t", "\r"]), line: number))
            if entries.count >= maximumEntries { break }
        }
        return entries
    }

    public static func shadowEntries(_ bytes: UnsafeRawBufferPointer) -> [ShadowEntry] {
        var entries: [ShadowEntry] = []
        for (number, fields) in lines(bytes) where fields.count >= 2 && !fields[0].isEmpty {
            entries.append(ShadowEntry(name: fields[0], hash: fields[1].trimmed([" ", "\t", "\r"]), line: number))
            if entries.count >= maximumEntries { break }
        }
        return entries
    }

    public static func groupEntries(_ bytes: UnsafeRawBufferPointer) -> [GroupEntry] {
        var entries: [GroupEntry] = []
        for (number, fields) in lines(bytes) where fields.count >= 4 && !fields[0].isEmpty {
            let members = fields[3].trimmed([" ", "\t", "\r"]).split(separator: ",").map { String($0).trimmed([" ", "\t"]) }.filter { !$0.isEmpty }
            entries.append(GroupEntry(name: fields[0], gid: Int(fields[2]), members: members, line: number))
            if entries.count >= maximumEntries { break }
        }
        return entries
    }

    /// Groups whose members administer the system: GID 0 (`root`), and the groups `sudo`,
    /// `wheel` (su and sudo on Red Hat and busybox systems) and `admin` (older Ubuntu) allow root.
    /// A user's own group that happens to be named `admin` (GID 1000 and up) is not one.
    public static let administrativeGroups: Set<String> = ["root", "wheel", "sudo", "admin"]

    public static func isAdministrative(_ group: GroupEntry) -> Bool {
        guard let gid = group.gid else { return false }
        return gid == 0 || (gid < 1000 && administrativeGroups.contains(group.name))
    }

    /// Non-comment lines with their 1-based numbers, split on `:`.
    private static func lines(_ bytes: UnsafeRawBufferPointer) -> [(Int, [String])] {
        var result: [(Int, [String])] = []
        var number = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            guard let first = raw.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "+"), first != UInt8(ascii: "-") else { continue }
            let line = String(decoding: raw, as: UTF8.self)
            result.append((number, line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)))
        }
        return result
    }

    /// Shells that give an interactive login; anything else (`nologin`, `false`, `sync`,
    /// `halt`) does not. An empty shell field means `/bin/sh`.
    public static let loginShells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "pdksh", "hush", "csh", "tcsh", "fish", "rbash", "busybox"]

    public static func isLoginShell(_ shell: String) -> Bool {
        shell.isEmpty || loginShells.contains(basename(shell))
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension String {
    func trimmed(_ set: Set<Character>) -> String {
        var slice = Substring(self)
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        return String(slice)
    }
}

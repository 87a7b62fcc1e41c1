import BacksightLimits
import BacksightWalk

/// Checks the accounts of a tree: extra UID-0 accounts, login accounts with an empty password,
/// and password hashes that match a public default credential.
///
/// `etc/passwd` and `etc/shadow` are joined inside the tree (the other file is read through
/// ``RootConfinedFileSystem``, so links resolve inside the tree). Each file reports its own
/// lines: the passwd file the UID-0 accounts and the passwords it holds itself (busybox-style
/// trees without a shadow file), the shadow file the passwords it holds. When one of the two is
/// a link at its usual place (to `var/shadow`, say), the other reports its lines too, naming
/// the file the link leads to.
///
/// Hashing is the cost: each account with a hash is tried only against the entries for its
/// own name (UID-0 accounts also against root's), one crypt(3) call each, and the deadline is
/// read before every call.
public struct AccountAnalyzer: Sendable {
    /// The default-credential list, by user name.
    let credentials: [String: [DefaultCredential]]
    /// The other account file is not read past this many bytes.
    static let accountFileLimit = 4 << 20

    public init(credentials: [DefaultCredential]) {
        self.credentials = Dictionary(grouping: credentials, by: \.user)
    }

    /// One account joined from both files.
    struct Account {
        var passwd: PasswdEntry?
        var shadow: ShadowEntry?
        /// Where the shadow file is inside the tree (`etc/shadow`, or where a link there leads).
        var shadowFile = "etc/shadow"
        var name: String { passwd?.name ?? shadow?.name ?? "" }
        /// Where the password lives: the shadow line when passwd says `x` (or has no line).
        var passwordSource: (file: String, line: Int, field: String)? {
            if let passwd, passwd.password != "x" { return ("etc/passwd", passwd.line, passwd.password) }
            if let shadow { return (shadowFile, shadow.line, shadow.hash) }
            return nil
        }
        var isLoginCapable: Bool { passwd.map { PasswordDatabase.isLoginShell($0.shell) } ?? false }
    }

    /// The account files of a tree, joined, with where each file really is. A file that is a
    /// link at its usual place (busybox trees link `etc/shadow` to a writable partition) is
    /// not scanned as an account file itself, so the other file's check covers its lines.
    struct AccountFiles {
        var accounts: [Account]
        var passwdFile: String?
        var shadowFile: String?
    }

    /// The facts for `bytes`, the content of `file` (`etc/passwd` or `etc/shadow`).
    /// `stoppedAtTimeLimit` is true when the deadline cut the hashing short.
    public func findings(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer, tree: any TreeFiles,
                         deadline: Deadline) -> (findings: [AccessFinding], stoppedAtTimeLimit: Bool) {
        let own = file.pathInTreeDescription
        let tree = Self.accountFiles(ownFile: file.kind, ownBytes: bytes, tree: tree)
        let accounts = tree.accounts
        // The files this check reports on: its own, and the other one when that is a link.
        var covered: Set<String> = [own]
        if file.kind == .passwd, let shadow = tree.shadowFile, shadow != "etc/shadow" { covered.insert(shadow) }
        if file.kind == .shadow, let passwd = tree.passwdFile, passwd != "etc/passwd" { covered.insert(passwd) }
        var found: [AccessFinding] = []
        let passwdFile = file.kind == .passwd ? own : tree.passwdFile ?? "etc/passwd"
        if covered.contains(passwdFile) {
            let rootUsers = accounts.compactMap(\.passwd).filter { $0.uid == 0 }
            if rootUsers.count > 1 {
                let kept = rootUsers.first { $0.name == "root" } ?? rootUsers[0]
                for extra in rootUsers where extra != kept {
                    found.append(AccessFinding(fact: .additionalUIDZeroAccount, file: passwdFile, line: extra.line, value: extra.name,
                                               detail: "\(passwdFile) line \(extra.line): account \(extra.name) has UID 0 besides \(kept.name) (shell \(extra.shell.isEmpty ? "/bin/sh" : extra.shell))"))
                }
            }
        }
        let hasher = PasswordHasher()
        for account in accounts {
            guard var source = account.passwordSource else { continue }
            if source.file == "etc/passwd" { source.file = passwdFile }
            guard covered.contains(source.file) else { continue }
            switch PasswordField(source.field) {
            case .locked:
                continue
            case .empty:
                guard account.isLoginCapable, let passwd = account.passwd else { continue }
                found.append(AccessFinding(fact: .loginAccountEmptyPassword, file: source.file, line: source.line, value: account.name,
                                           detail: "\(source.file) line \(source.line): account \(account.name) (UID \(passwd.uid.map(String.init) ?? "?"), shell \(passwd.shell.isEmpty ? "/bin/sh" : passwd.shell)) has an empty password"))
            case let .hash(hash):
                if deadline.hasExpired { return (found, true) }
                switch match(account, hash: hash, hasher: hasher, deadline: deadline) {
                case let .found(credential):
                    found.append(AccessFinding(fact: .accountDefaultPassword, file: source.file, line: source.line, value: account.name,
                                               detail: "\(source.file) line \(source.line): account \(account.name)'s password is the default credential \(credential) (\(Self.scheme(of: hash)) hash)"))
                case .none:
                    break
                case .stopped:
                    return (found, true)
                }
            }
        }
        return (found, false)
    }

    /// The facts for `bytes`, the content of `etc/group`: non-root accounts that can log in and
    /// belong to an administrative group (GID 0, `root`, `wheel`, `sudo`, `admin`), listed as
    /// members or by their primary GID; weak when their password is empty or a default credential.
    public func groupFindings(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer, tree: any TreeFiles,
                              deadline: Deadline) -> (findings: [AccessFinding], stoppedAtTimeLimit: Bool) {
        let own = file.pathInTreeDescription
        let administrative = PasswordDatabase.groupEntries(bytes).filter(PasswordDatabase.isAdministrative)
        guard !administrative.isEmpty else { return ([], false) }
        let accounts = Self.accountFiles(ownFile: nil, ownBytes: nil, tree: tree).accounts
        var byName: [String: Account] = [:]
        for account in accounts where byName[account.name] == nil { byName[account.name] = account }
        var found: [AccessFinding] = []
        var reported: Set<String> = []
        let hasher = PasswordHasher()
        for group in administrative {
            let groupName = "\(group.name) (GID \(group.gid.map(String.init) ?? "?"))"
            var members = group.members.map { (name: $0, how: "is a member of \(groupName)") }
            if let gid = group.gid {
                members += accounts.compactMap(\.passwd).filter { $0.gid == gid }.map { (name: $0.name, how: "has \(groupName) as its primary group") }
            }
            for member in members {
                guard let account = byName[member.name], let passwd = account.passwd, passwd.uid != 0, account.isLoginCapable,
                      let source = account.passwordSource, reported.insert(member.name + ":" + group.name).inserted else { continue }
                let who = "\(own) line \(group.line): account \(member.name) (UID \(passwd.uid.map(String.init) ?? "?"), shell \(passwd.shell.isEmpty ? "/bin/sh" : passwd.shell)) \(member.how)"
                func weak(_ why: String) {
                    found.append(AccessFinding(fact: .administrativeGroupWeakMember, file: own, line: group.line, value: member.name,
                                               detail: "\(who), and \(why)"))
                }
                switch PasswordField(source.field) {
                case .locked:
                    continue
                case .empty:
                    weak("has an empty password (\(source.file) line \(source.line))")
                case let .hash(hash):
                    if deadline.hasExpired { return (found, true) }
                    switch match(account, hash: hash, hasher: hasher, deadline: deadline) {
                    case let .found(credential):
                        weak("its password is the default credential \(credential) (\(source.file) line \(source.line))")
                    case .none:
                        found.append(AccessFinding(fact: .administrativeGroupLoginMember, file: own, line: group.line, value: member.name,
                                                   detail: "\(who) and logs in with a password"))
                    case .stopped:
                        return (found, true)
                    }
                }
            }
        }
        return (found, false)
    }

    enum Match { case found(DefaultCredential), none, stopped }

    /// Tries the entries for the account's name, and root's for any other UID-0 account.
    func match(_ account: Account, hash: String, hasher: PasswordHasher, deadline: Deadline) -> Match {
        var candidates = credentials[account.name] ?? []
        if account.passwd?.uid == 0, account.name != "root" { candidates += credentials["root"] ?? [] }
        for candidate in candidates {
            if deadline.hasExpired { return .stopped }
            if hasher.matches(candidate.password, hash: hash) { return .found(candidate) }
        }
        return .none
    }

    /// How root's password stands, for remote-login checks: a sentence when it is empty or a
    /// default credential, nil when it is neither (or unknown). `nil` too when the deadline ran out.
    public func rootWeakness(tree: any TreeFiles, deadline: Deadline) -> (empty: Bool, detail: String)? {
        let accounts = Self.accountFiles(ownFile: nil, ownBytes: nil, tree: tree).accounts
        guard let root = accounts.first(where: { $0.name == "root" }), let source = root.passwordSource else { return nil }
        switch PasswordField(source.field) {
        case .locked: return nil
        case .empty: return (true, "root has an empty password (\(source.file) line \(source.line))")
        case let .hash(hash):
            if case let .found(credential) = match(root, hash: hash, hasher: PasswordHasher(), deadline: deadline) {
                return (false, "root's password is the default credential \(credential) (\(source.file) line \(source.line))")
            }
            return nil
        }
    }

    /// The accounts of the tree; `ownBytes` stands for the file of kind `ownFile` being scanned.
    static func accountFiles(ownFile: ConfigurationFile.Kind?, ownBytes: UnsafeRawBufferPointer?, tree fileSystem: any TreeFiles) -> AccountFiles {
        /// The file's place after links, and its bytes.
        func read(_ path: String) -> (String, [UInt8])? {
            guard case let .success(resolved) = fileSystem.resolve(Array(path.utf8)),
                  case let .success(bytes) = fileSystem.readFile(resolved.bytes, limit: accountFileLimit) else { return nil }
            return (resolved.description, bytes)
        }
        var files = AccountFiles(accounts: [], passwdFile: nil, shadowFile: nil)
        let passwd: [PasswdEntry]
        let shadow: [ShadowEntry]
        if ownFile == .passwd, let ownBytes { passwd = PasswordDatabase.passwdEntries(ownBytes) } else if let (place, bytes) = read("etc/passwd") {
            files.passwdFile = place
            passwd = bytes.withUnsafeBytes(PasswordDatabase.passwdEntries)
        } else {
            passwd = []
        }
        if ownFile == .shadow, let ownBytes { shadow = PasswordDatabase.shadowEntries(ownBytes) } else if let (place, bytes) = read("etc/shadow") {
            files.shadowFile = place
            shadow = bytes.withUnsafeBytes(PasswordDatabase.shadowEntries)
        } else {
            shadow = []
        }
        let shadowFile = ownFile == .shadow ? "etc/shadow" : files.shadowFile ?? "etc/shadow"
        var byName: [String: ShadowEntry] = [:]
        for entry in shadow where byName[entry.name] == nil { byName[entry.name] = entry }
        files.accounts = passwd.map { Account(passwd: $0, shadow: byName[$0.name], shadowFile: shadowFile) }
        let named = Set(passwd.map(\.name))
        files.accounts += shadow.filter { !named.contains($0.name) }.map { Account(passwd: nil, shadow: $0, shadowFile: shadowFile) }
        return files
    }

    /// The hash scheme, for messages.
    static func scheme(of hash: String) -> String {
        if hash.hasPrefix("$1$") { return "MD5" }
        if hash.hasPrefix("$5$") { return "SHA-256" }
        if hash.hasPrefix("$6$") { return "SHA-512" }
        if hash.hasPrefix("$2") { return "bcrypt" }
        if hash.hasPrefix("$y$") { return "yescrypt" }
        if hash.hasPrefix("$gy$") { return "gost-yescrypt" }
        if hash.hasPrefix("$") { return "crypt" }
        return "DES"
    }
}

import BacksightLimits
import BacksightWalk

/// Checks the accounts of a tree: extra UID-0 accounts, login accounts with an empty password,
/// and password hashes that match a public default credential.
///
/// `etc/passwd` and `etc/shadow` are joined inside the tree (the other file is read through
/// ``RootConfinedFileSystem``, so links resolve inside the tree). Each file reports its own
/// lines: the passwd file the UID-0 accounts and the passwords it holds itself (busybox-style
/// trees without a shadow file), the shadow file the passwords it holds.
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
        var name: String { passwd?.name ?? shadow?.name ?? "" }
        /// Where the password lives: the shadow line when passwd says `x` (or has no line).
        var passwordSource: (file: String, line: Int, field: String)? {
            if let passwd, passwd.password != "x" { return ("etc/passwd", passwd.line, passwd.password) }
            if let shadow { return ("etc/shadow", shadow.line, shadow.hash) }
            return nil
        }
        var isLoginCapable: Bool { passwd.map { PasswordDatabase.isLoginShell($0.shell) } ?? false }
    }

    /// The facts for `bytes`, the content of `file` (`etc/passwd` or `etc/shadow`).
    /// `stoppedAtTimeLimit` is true when the deadline cut the hashing short.
    public func findings(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer,
                         deadline: Deadline) -> (findings: [AccessFinding], stoppedAtTimeLimit: Bool) {
        let own = file.pathInTreeDescription
        let accounts = Self.accounts(ownFile: file.kind, ownBytes: bytes, treeRoot: file.treeRootPath)
        var found: [AccessFinding] = []
        if file.kind == .passwd {
            let rootUsers = accounts.compactMap(\.passwd).filter { $0.uid == 0 }
            if rootUsers.count > 1 {
                let kept = rootUsers.first { $0.name == "root" } ?? rootUsers[0]
                for extra in rootUsers where extra != kept {
                    found.append(AccessFinding(fact: .additionalUIDZeroAccount, file: own, line: extra.line, value: extra.name,
                                               detail: "\(own) line \(extra.line): account \(extra.name) has UID 0 besides \(kept.name) (shell \(extra.shell.isEmpty ? "/bin/sh" : extra.shell))"))
                }
            }
        }
        let hasher = PasswordHasher()
        for account in accounts {
            guard let source = account.passwordSource, source.file == own else { continue }
            switch PasswordField(source.field) {
            case .locked:
                continue
            case .empty:
                guard account.isLoginCapable, let passwd = account.passwd else { continue }
                found.append(AccessFinding(fact: .loginAccountEmptyPassword, file: own, line: source.line, value: account.name,
                                           detail: "\(own) line \(source.line): account \(account.name) (UID \(passwd.uid.map(String.init) ?? "?"), shell \(passwd.shell.isEmpty ? "/bin/sh" : passwd.shell)) has an empty password"))
            case let .hash(hash):
                if deadline.hasExpired { return (found, true) }
                switch match(account, hash: hash, hasher: hasher, deadline: deadline) {
                case let .found(credential):
                    found.append(AccessFinding(fact: .accountDefaultPassword, file: own, line: source.line, value: account.name,
                                               detail: "\(own) line \(source.line): account \(account.name)'s password is the default credential \(credential) (\(Self.scheme(of: hash)) hash)"))
                case .none:
                    break
                case .stopped:
                    return (found, true)
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
    public func rootWeakness(treeRoot: String, deadline: Deadline) -> (empty: Bool, detail: String)? {
        let accounts = Self.accounts(ownFile: nil, ownBytes: nil, treeRoot: treeRoot)
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
    static func accounts(ownFile: ConfigurationFile.Kind?, ownBytes: UnsafeRawBufferPointer?, treeRoot: String) -> [Account] {
        let fileSystem = RootConfinedFileSystem(root: treeRoot)
        func read(_ path: String) -> [UInt8]? {
            guard case let .success(bytes) = fileSystem.readFile(Array(path.utf8), limit: accountFileLimit) else { return nil }
            return bytes
        }
        let passwd: [PasswdEntry]
        let shadow: [ShadowEntry]
        if ownFile == .passwd, let ownBytes { passwd = PasswordDatabase.passwdEntries(ownBytes) } else {
            passwd = read("etc/passwd").map { $0.withUnsafeBytes(PasswordDatabase.passwdEntries) } ?? []
        }
        if ownFile == .shadow, let ownBytes { shadow = PasswordDatabase.shadowEntries(ownBytes) } else {
            shadow = read("etc/shadow").map { $0.withUnsafeBytes(PasswordDatabase.shadowEntries) } ?? []
        }
        var byName: [String: ShadowEntry] = [:]
        for entry in shadow where byName[entry.name] == nil { byName[entry.name] = entry }
        var accounts = passwd.map { Account(passwd: $0, shadow: byName[$0.name]) }
        let named = Set(passwd.map(\.name))
        accounts += shadow.filter { !named.contains($0.name) }.map { Account(passwd: nil, shadow: $0) }
        return accounts
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

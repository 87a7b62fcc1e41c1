/// The facts the account and remote-access checks give, named as the rules name them.
public enum AccessFact: String, Sendable, Hashable, CaseIterable {
    /// An account other than the first with UID 0 (one item per extra account).
    case additionalUIDZeroAccount = "additional-uid-zero-account"
    /// An account with a real login shell and an empty password field.
    case loginAccountEmptyPassword = "login-account-empty-password"
    /// An account whose password hash matches an entry of the default-credential list.
    case accountDefaultPassword = "account-default-password"
    /// A start-up line that puts a shell on the network without a login: `telnetd -l /bin/sh`,
    /// `nc -l … -e /bin/sh`, `socat …LISTEN… EXEC:sh`, an inetd or xinetd service whose server is
    /// a shell.
    case networkShellWithoutLogin = "network-shell-without-login"
    /// A remote-login server told to accept empty passwords: dropbear `-B`,
    /// `PermitEmptyPasswords yes`.
    case remoteLoginAcceptsEmptyPasswords = "remote-login-accepts-empty-passwords"
    /// A remote-login server that lets root log in with a password, where root's password is
    /// empty or on the default-credential list.
    case remoteRootLoginWeakPassword = "remote-root-login-weak-password"
    /// A remote-login server started at boot asks root for a password (telnetd with login,
    /// dropbear without `-w`/`-g`/`-s`, sshd with `PermitRootLogin yes`), whatever root's password is.
    case remoteRootPasswordLogin = "remote-root-password-login"
    /// An `authorized_keys` file for root or a system account, shipped in the tree (one item per key).
    case shippedAuthorizedKey = "shipped-authorized-key"
}

/// One fact about one line of a configuration file (or of the file it joins, such as the
/// shadow file's line for an account named in `etc/passwd`).
public struct AccessFinding: Sendable, Hashable {
    public var fact: AccessFact
    /// The file inside the tree the line is in (`etc/shadow`).
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// What the finding is about: an account name, a key, the command.
    public var value: String
    /// The explanation, naming the file and line.
    public var detail: String

    public init(fact: AccessFact, file: String, line: Int, value: String, detail: String) {
        self.fact = fact
        self.file = file
        self.line = line
        self.value = value
        self.detail = detail
    }
}

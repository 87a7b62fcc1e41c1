/// The facts the account and remote-access checks give. The raw values are the names rules
/// read them by; `Characteristic` in BacksightRules documents each (this module knows nothing
/// of rules, as BacksightCode's `CodeFact` does not).
public enum AccessFact: String, Sendable, Hashable, CaseIterable {
    case additionalUIDZeroAccount = "additional-uid-zero-account"
    case loginAccountEmptyPassword = "login-account-empty-password"
    case accountDefaultPassword = "account-default-password"
    case networkShellWithoutLogin = "network-shell-without-login"
    case remoteLoginAcceptsEmptyPasswords = "remote-login-accepts-empty-passwords"
    case remoteRootLoginWeakPassword = "remote-root-login-weak-password"
    case remoteRootPasswordLogin = "remote-root-password-login"
    case shippedAuthorizedKey = "shipped-authorized-key"
    case administrativeGroupWeakMember = "administrative-group-weak-member"
    case administrativeGroupLoginMember = "administrative-group-login-member"
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

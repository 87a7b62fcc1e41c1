/// A user name and password pair from a public default-credential list (the rule data in
/// `Rules/lists/default-credentials.yaml`), written there as `user:password`.
public struct DefaultCredential: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// Reads `user:password` (the password may itself contain `:`); nil without a `:` or with
    /// an empty user or password (empty passwords are a check of their own).
    public init?(entry: String) {
        guard let colon = entry.firstIndex(of: ":") else { return nil }
        user = String(entry[..<colon])
        password = String(entry[entry.index(after: colon)...])
        if user.isEmpty || password.isEmpty { return nil }
    }

    public var description: String { "\(user):\(password)" }
}

import BacksightELF

/// Symbol-level facts about a PAM module named by a PAM configuration line.
///
/// A stand-in until the code analysis reports, per function, that `pam_sm_authenticate`
/// compares the password with a literal: a module that takes the password and compares strings
/// but reads no credential store (no crypt, no passwd/shadow lookup, no file, database,
/// directory or network access) can only be comparing it with something built into it. Once
/// `auth/pam-master-password` flags such a module from its code, "flagged" covers it and this
/// stand-in can go.
struct PAMModuleFacts: Sendable, Hashable {
    /// The string comparisons the module imports.
    var comparisons: [String]
    /// Whether it authenticates, takes the password, compares, and reads no credential source.
    var comparesWithoutCredentialSource: Bool

    static let passwordGetters: Set<String> = ["pam_get_authtok", "pam_get_item"]
    static let comparisonFunctions: Set<String> = ["strcmp", "strncmp", "memcmp", "bcmp", "strcasecmp", "strncasecmp", "timingsafe_bcmp", "CRYPTO_memcmp"]
    /// Prefixes of imports that read a credential store or reach one.
    static let credentialSourcePrefixes = [
        "crypt", "getspnam", "getpwnam", "getpwuid", "fgetspent", "fgetpwent", "getspent", "getpwent", "lckpwdf",
        "fopen", "open", "fgets", "getline", "read", "mmap", "socket", "connect", "getaddrinfo",
        "dbm_", "gdbm_", "db_", "sqlite3_", "mysql_", "PQ", "ldap_", "krb5_", "curl_", "sd_bus_",
        "dlopen", "SSL_", "EVP_", "gcry_", "yp_", "pam_get_data", "pam_modutil_getspnam", "pam_modutil_getpwnam",
    ]

    init(model: ELFModel) {
        var exportsAuthenticate = false
        var takesPassword = false
        var comparisons: Set<String> = []
        var readsCredentials = false
        for symbol in model.symbols where symbol.table == .dynsym && !symbol.name.isEmpty {
            if symbol.isExport, symbol.name == "pam_sm_authenticate" { exportsAuthenticate = true }
            guard symbol.isImport else { continue }
            if Self.passwordGetters.contains(symbol.name) { takesPassword = true }
            if Self.comparisonFunctions.contains(symbol.name) { comparisons.insert(symbol.name) }
            if Self.credentialSourcePrefixes.contains(where: { symbol.name.hasPrefix($0) }) { readsCredentials = true }
        }
        self.comparisons = comparisons.sorted()
        comparesWithoutCredentialSource = exportsAuthenticate && takesPassword && !comparisons.isEmpty && !readsCredentials
    }
}

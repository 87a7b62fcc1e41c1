import CCrypt

/// Checks candidate passwords against a stored password hash with crypt(3) from libxcrypt,
/// which knows every scheme a root filesystem uses: DES, MD5 (`$1$`), SHA-256 (`$5$`), SHA-512
/// (`$6$`), bcrypt (`$2b$`, `$2y$`, `$2a$`) and yescrypt (`$y$`).
///
/// Owns libxcrypt's per-call state (`struct crypt_data`, about 32 KiB) and reuses it, so one
/// hasher per check keeps hashing thread-safe; it is not shared between threads.
final class PasswordHasher {
    private let state: UnsafeMutableRawPointer
    private let size: Int32

    init() {
        let byteCount = backsight_crypt_data_size()
        size = Int32(clamping: byteCount)
        state = .allocate(byteCount: byteCount, alignment: 16)
        state.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { state.deallocate() }

    /// Whether `password` hashes to `hash`. A hash whose scheme libxcrypt does not support, or
    /// a malformed one, matches nothing.
    func matches(_ password: String, hash: String) -> Bool {
        guard let result = crypt_rn(password, hash, state, size) else { return false }
        return String(cString: result) == hash
    }
}

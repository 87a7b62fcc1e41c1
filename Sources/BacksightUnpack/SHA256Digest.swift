import BacksightELF
import CCrypto

/// SHA-256 through the system's OpenSSL libcrypto (hardware-accelerated where the CPU has it).
package enum SHA256Digest {
    /// OpenSSL 3 looks a digest up by name on every `EVP_sha256()` call; the scan hashes
    /// thousands of small files, so the implementation is fetched once per process. Immutable
    /// once fetched and safe to share between threads (OpenSSL's own rule for fetched methods).
    private nonisolated(unsafe) static let implementation: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    /// The lowercase hex SHA-256 of `bytes`, or nil when libcrypto cannot compute it (only a
    /// libcrypto configured without SHA-256 cannot).
    package static func hex(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let implementation else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest -> String? in
            var size: UInt32 = 0
            guard let base = digest.baseAddress, EVP_Digest(bytes.baseAddress, bytes.count, base, &size, implementation, nil) == 1,
                  size == 32 else { return nil }
            return hexString(UnsafeBufferPointer(digest))
        }
    }
}

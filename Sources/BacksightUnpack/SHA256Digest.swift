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

extension SHA256Digest {
    /// SHA-256 over bytes handed on a chunk at a time; owns its libcrypto context.
    final class Stream {
        private let context: OpaquePointer?

        /// Nil when libcrypto cannot set up SHA-256.
        init?() {
            guard let implementation, let context = EVP_MD_CTX_new() else { return nil }
            guard EVP_DigestInit_ex(context, implementation, nil) == 1 else {
                EVP_MD_CTX_free(context)
                return nil
            }
            self.context = context
        }

        deinit { EVP_MD_CTX_free(context) }

        /// False when libcrypto failed; the digest is then unusable.
        func update(_ bytes: UnsafeRawBufferPointer) -> Bool {
            bytes.isEmpty || EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1
        }

        /// The lowercase hex digest of everything updated; the stream is finished after it.
        func finish() -> String? {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest -> String? in
                var size: UInt32 = 0
                guard let base = digest.baseAddress, EVP_DigestFinal_ex(context, base, &size) == 1, size == 32 else { return nil }
                return hexString(UnsafeBufferPointer(digest))
            }
        }
    }
}

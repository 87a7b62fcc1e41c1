import CZlib

/// The SHA-256 of what gzip data decodes to, inflated a chunk at a time and never kept. A
/// `docker save`-style manifest names each layer by its diff ID, the digest of the uncompressed
/// tar; tools that store the layers gzipped (`crane pull`, go-containerregistry's tarballs) keep
/// that name, so the check must hash the decoded bytes.
enum GzipDecodedDigest {
    /// The digest, and the bytes decoded to reach it (for the caller's budget). The digest is nil
    /// when the data is not whole gzip (every member decoded to its end, nothing but zero padding
    /// after the last), when decoding would pass `limit` bytes, or when libcrypto fails.
    static func of(_ bytes: UnsafeRawBufferPointer, limit: UInt64) -> (hex: String?, decoded: UInt64) {
        guard let input = bytes.baseAddress, let hasher = SHA256Digest.Stream() else { return (nil, 0) }
        var stream = z_stream()
        guard backsight_inflate_init_gzip(&stream) == Z_OK else { return (nil, 0) }
        defer { inflateEnd(&stream) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { chunk.deallocate() }
        var consumed = 0
        var decoded: UInt64 = 0
        while true {
            let available = bytes.count - consumed
            stream.next_in = UnsafeMutablePointer(mutating: (input + consumed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(min(available, Int(UInt32.max)))
            stream.next_out = chunk.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunk.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            consumed += min(available, Int(UInt32.max)) - Int(stream.avail_in)
            let produced = chunk.count - Int(stream.avail_out)
            decoded += UInt64(produced)
            guard decoded <= limit, hasher.update(UnsafeRawBufferPointer(rebasing: chunk[..<produced])) else { return (nil, decoded) }
            switch status {
            case Z_OK:
                // No progress with input left, or input ended inside a member: not whole gzip.
                guard produced > 0 || (stream.avail_in > 0 && consumed < bytes.count) else { return (nil, decoded) }
            case Z_STREAM_END:
                let rest = UnsafeRawBufferPointer(rebasing: bytes[consumed...])
                // Another member follows (`cat a.gz b.gz`, parallel gzip), or only padding is left.
                if rest.count >= 2, rest[0] == 0x1f, rest[1] == 0x8b {
                    guard inflateReset(&stream) == Z_OK else { return (nil, decoded) }
                    continue
                }
                return (rest.allSatisfy { $0 == 0 } ? hasher.finish() : nil, decoded)
            default:
                return (nil, decoded)
            }
        }
    }
}

import CZlib

/// The first bytes of gzip data, inflated with zlib: enough to tell a gzipped tar or cpio from
/// a gzipped man page. libarchive would set up a reader and inflate a 64 KiB block to tell the
/// same; on the 2,768 `.gz` files of bookworm-amd64's `usr/share` that cost 50% more CPU.
enum GzipHead {
    static func first(_ count: Int, of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var stream = z_stream()
        guard let input = bytes.baseAddress, backsight_inflate_init_gzip(&stream) == Z_OK else { return [] }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: count)
        let produced = output.withUnsafeMutableBytes { buffer -> Int in
            stream.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(min(bytes.count, Int(UInt32.max)))
            stream.next_out = buffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(buffer.count)
            _ = inflate(&stream, Z_SYNC_FLUSH)
            return buffer.count - Int(stream.avail_out)
        }
        return Array(output.prefix(produced))
    }
}

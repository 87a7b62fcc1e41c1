import CLzma

/// The decoded size of a compressed stream, read from what the stream declares before anything
/// is decoded: an xz stream's index (found from its footer, when the caller knows where the
/// stream ends). Untrusted: callers use it to size and reserve memory, capped by their limits,
/// and decoding still checks every byte it produces.
enum DeclaredSize {
    /// The decoded size of the `format` stream from `start` to `end`: an xz stream's index, an
    /// LZMA_Alone header's size field (unless it says unknown); nil for raw LZMA streams.
    static func of(_ bytes: UnsafeRawBufferPointer, format: CompressionFormat, start: Int, end: Int) -> UInt64? {
        switch format {
        case .xz:
            return xz(bytes, start: start, end: end)
        case .lzmaAlone:
            guard StreamHeaders.isLZMAAloneHeader(at: start, in: bytes) else { return nil }
            let size = StreamHeaders.readUInt64(bytes, at: start + 5)
            return size == UInt64.max ? nil : size
        case .rawLZMA1, .rawLZMA2:
            return nil
        }
    }

    /// The decoded size of the single xz stream that starts at `start` and whose footer ends at
    /// `end` or 4 bytes before it (an x86 `bzImage` payload carries its decoded length in 4
    /// bytes after the stream: `size_append` in the kernel's `arch/x86/boot/compressed`).
    /// Nil when no footer is there, its index does not decode, or the index's stream does not
    /// span exactly from `start` to the footer.
    static func xz(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> UInt64? {
        guard start >= 0, end <= bytes.count, end > start else { return nil }
        for footerEnd in [end, end - 4] {
            if let size = xzStream(bytes, start: start, footerEnd: footerEnd) { return size }
        }
        return nil
    }

    private static func xzStream(_ bytes: UnsafeRawBufferPointer, start: Int, footerEnd: Int) -> UInt64? {
        let headerSize = StreamHeaders.xzHeaderSize
        guard footerEnd - start >= 2 * headerSize, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let footerStart = footerEnd - headerSize
        var header = lzma_stream_flags()
        var footer = lzma_stream_flags()
        guard lzma_stream_header_decode(&header, base + start) == LZMA_OK,
              lzma_stream_footer_decode(&footer, base + footerStart) == LZMA_OK,
              lzma_stream_flags_compare(&header, &footer) == LZMA_OK else { return nil }
        let indexSize = Int(clamping: footer.backward_size)
        guard indexSize > 0, indexSize <= footerStart - start - headerSize else { return nil }
        var index: OpaquePointer?
        // An index of a few records needs a few KiB; one larger than this is not worth reading.
        var memoryLimit: UInt64 = 1 << 20
        var position = footerStart - indexSize
        guard lzma_index_buffer_decode(&index, &memoryLimit, nil, base, &position, footerStart) == LZMA_OK, let index else { return nil }
        defer { lzma_index_end(index, nil) }
        guard lzma_index_stream_size(index) == UInt64(footerEnd - start) else { return nil }
        return lzma_index_uncompressed_size(index)
    }
}

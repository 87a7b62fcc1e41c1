import BacksightELF

/// A substring search over a byte range (``firstOffset(of:in:where:)``: `memchr` for the first
/// byte, then `memcmp`).
struct ByteSearch {
    let bytes: UnsafeRawBufferPointer

    func contains(_ word: String) -> Bool {
        contains(Array(word.utf8)) { _ in true }
    }

    /// Whether `test` holds at some occurrence of `needle` (given its offset in ``bytes``).
    func contains(_ needle: [UInt8], where test: (Int) -> Bool) -> Bool {
        firstOffset(of: needle, in: bytes, where: test) != nil
    }
}

import Glibc

/// A substring search over a byte range: `memchr` for the first byte, then `memcmp` (Glibc's
/// `memmem` needs `_GNU_SOURCE`).
struct ByteSearch {
    let bytes: UnsafeRawBufferPointer

    func contains(_ word: String) -> Bool {
        contains(Array(word.utf8)) { _ in true }
    }

    /// Whether `test` holds at some occurrence of `needle` (given its offset in ``bytes``).
    func contains(_ needle: [UInt8], where test: (Int) -> Bool) -> Bool {
        guard let first = needle.first, let base = bytes.baseAddress, bytes.count >= needle.count else { return false }
        var offset = 0
        let last = bytes.count - needle.count
        while offset <= last, let found = memchr(base + offset, Int32(first), last - offset + 1) {
            let at = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + at, needle, needle.count) == 0, test(at) { return true }
            offset = at + 1
        }
        return false
    }
}

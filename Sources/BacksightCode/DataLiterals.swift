/// What the strings in an object's data could say, read before any code is walked.
///
/// A call's literal argument is read where the code points (``ObjectImage/literal(at:)``): a
/// printable run that ends at a NUL, in an allocated data section with file bytes. The pointer
/// may land inside a longer string (linkers merge `sh` into the tail of `bash`), so every tail
/// of every such run counts. When no tail can be a given kind of literal, no call in the code
/// can pass one, and the calls that matter only for that kind need not be walked. Each answer
/// is a few ``ByteSearch`` searches for the bytes such a literal must hold.
struct DataLiterals {
    private let regions: [(address: UInt64, bytes: UnsafeRawBufferPointer)]

    init(image: ObjectImage) {
        regions = image.model.sections
            .filter { $0.isAllocated && $0.size > 0 && $0.hasFileBytes && !$0.isExecutable }
            .map { ($0.address, image.bytes(at: $0.address, count: Int(clamping: $0.size))) }
            .filter { !$0.bytes.isEmpty }
    }

    /// Some tail is a kernel thread's name (``ProgramBehaviour/looksLikeKernelThread(_:)``): one
    /// that ends in `]` before its NUL, or one that starts with a known prefix.
    var kernelThreadName: Bool { !kernelThreadNameStarts(limit: 1).isEmpty }

    /// Where such tails start, at most `limit` of them.
    func kernelThreadNameStarts(limit: Int) -> [UInt64] {
        var starts: [UInt64] = []
        func collect(_ needle: [UInt8], _ start: (UnsafeRawBufferPointer, Int) -> Int?) {
            for region in regions where starts.count < limit {
                _ = ByteSearch(bytes: region.bytes).contains(needle) { at in
                    if let offset = start(region.bytes, at) { starts.append(region.address &+ UInt64(offset)) }
                    return starts.count >= limit
                }
            }
        }
        collect(Self.bracketEnd) { data, at in Self.bracketedNameStart(endingAt: at + 1, in: data) }
        for prefix in ProgramBehaviour.kernelThreadPrefixes where starts.count < limit {
            collect(prefix) { data, at in
                // The tail runs from the prefix to its NUL, at most 32 name bytes.
                var end = at
                while end < data.count, end - at <= 32, data[end] != 0 {
                    guard ProgramBehaviour.isKernelThreadNameByte(data[end]) else { return nil }
                    end += 1
                }
                return end < data.count && data[end] == 0 && ProgramBehaviour.looksLikeKernelThread(Array(data[at..<end])[...]) ? at : nil
            }
        }
        return starts
    }

    /// Whether the data holds one of `words` (in the first 64 MiB of each section).
    func contains(anyOf words: [String]) -> Bool {
        regions.contains { region in
            let search = ByteSearch(bytes: UnsafeRawBufferPointer(rebasing: region.bytes.prefix(1 << 26)))
            return words.contains { search.contains($0) }
        }
    }

    /// Some tail is exactly `/dev/ptmx`.
    var pseudoTerminalMaster: Bool {
        anyOccurrence(of: Self.ptmx) { _, _ in true }
    }

    /// Some tail is a command whose program is `login`: `login` followed by its NUL, a space or a
    /// slash (the program is the first word's last path component).
    var loginCommand: Bool {
        anyOccurrence(of: Self.login) { data, at in
            let after = at + Self.login.count
            return after < data.count && [0, UInt8(ascii: " "), UInt8(ascii: "/")].contains(data[after])
        }
    }

    private static let bracketEnd: [UInt8] = [UInt8(ascii: "]"), 0]
    private static let ptmx = Array("/dev/ptmx".utf8) + [0]
    private static let login = Array("login".utf8)

    /// Whether `test` holds at some occurrence of `needle` (its offset in the region).
    private func anyOccurrence(of needle: [UInt8], where test: (UnsafeRawBufferPointer, Int) -> Bool) -> Bool {
        regions.contains { region in ByteSearch(bytes: region.bytes).contains(needle) { test(region.bytes, $0) } }
    }

    /// Where the tail ending at `end` (a NUL after `]`) starts, if it is a bracketed kernel
    /// thread's name: a `[`, at most 32 name bytes, the `]`.
    private static func bracketedNameStart(endingAt end: Int, in data: UnsafeRawBufferPointer) -> Int? {
        let runEnd = end - 1
        var runStart = runEnd
        while runStart > 0, runEnd - runStart <= 32, ProgramBehaviour.isKernelThreadNameByte(data[runStart - 1]) { runStart -= 1 }
        guard runStart > 0, data[runStart - 1] == UInt8(ascii: "[") else { return nil }
        return ProgramBehaviour.looksLikeKernelThread(Array(data[(runStart - 1)..<end])[...]) ? runStart - 1 : nil
    }
}

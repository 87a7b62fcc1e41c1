import Glibc

/// What the strings in an object's data could say, read in one pass before any code is walked.
///
/// A call's literal argument is read where the code points (``ObjectImage/literal(at:)``): a
/// printable run that ends at a NUL, in an allocated data section with file bytes. The pointer
/// may land inside a longer string (linkers merge `sh` into the tail of `bash`), so every tail
/// of every such run counts. When no tail can be a given kind of literal, no call in the code
/// can pass one, and the calls that matter only for that kind need not be walked.
struct DataLiterals {
    /// Some tail is a kernel thread's name (``ProgramBehaviour/looksLikeKernelThread(_:)``).
    let kernelThreadName: Bool
    /// Some tail is exactly `/dev/ptmx`.
    let pseudoTerminalMaster: Bool
    /// Some tail is a command whose program is `login`: `login` followed by the end, a space or
    /// a slash (the program is the first word's last path component).
    let loginCommand: Bool

    init(image: ObjectImage) {
        var kernelThreadName = false
        var pseudoTerminalMaster = false
        var loginCommand = false
        for section in image.model.sections where section.isAllocated && section.size > 0 && section.hasFileBytes && !section.isExecutable {
            let data = image.bytes(at: section.address, count: Int(clamping: section.size))
            guard let base = data.baseAddress else { continue }
            var index = 0
            while index < data.count {
                guard let found = memchr(base + index, 0, data.count - index) else { break }
                let end = base.distance(to: UnsafeRawPointer(found))
                if !kernelThreadName { kernelThreadName = Self.kernelThreadNameEnds(at: end, in: data) }
                if !pseudoTerminalMaster { pseudoTerminalMaster = Self.ends(at: end, in: data, with: Self.ptmx) }
                if !loginCommand { loginCommand = Self.namesLogin(from: index, to: end, in: data) }
                if kernelThreadName && pseudoTerminalMaster && loginCommand { break }
                index = end + 1
            }
        }
        self.kernelThreadName = kernelThreadName
        self.pseudoTerminalMaster = pseudoTerminalMaster
        self.loginCommand = loginCommand
    }

    private static let ptmx = Array("/dev/ptmx".utf8)
    private static let login = Array("login".utf8)

    /// Whether `login` followed by a space, a slash or the NUL at `end` occurs in the string.
    private static func namesLogin(from start: Int, to end: Int, in data: UnsafeRawBufferPointer) -> Bool {
        var index = start
        while index + login.count <= end {
            if data[index] == UInt8(ascii: "l"), zip(data[index..<(index + login.count)], login).allSatisfy({ $0 == $1 }) {
                let after = index + login.count
                if after == end || data[after] == UInt8(ascii: " ") || data[after] == UInt8(ascii: "/") { return true }
            }
            index += 1
        }
        return false
    }

    private static func ends(at end: Int, in data: UnsafeRawBufferPointer, with text: [UInt8]) -> Bool {
        guard end - data.startIndex >= text.count else { return false }
        return zip(data[(end - text.count)..<end], text).allSatisfy { $0 == $1 }
    }

    /// Whether a tail of the string ending at `end` (a NUL) is a kernel thread's name. Only the
    /// tails that could pass the test are handed to it: a name ends in a run of at most 32 name
    /// bytes, with a `[` before the run and a `]` after it, or without brackets and starting
    /// with one of the known prefixes.
    private static func kernelThreadNameEnds(at end: Int, in data: UnsafeRawBufferPointer) -> Bool {
        let bracketed = end > data.startIndex && data[end - 1] == UInt8(ascii: "]")
        let runEnd = bracketed ? end - 1 : end
        var runStart = runEnd
        while runStart > data.startIndex, runEnd - runStart <= 32, nameBytes[Int(data[runStart - 1])] { runStart -= 1 }
        if bracketed {
            guard runStart > data.startIndex, data[runStart - 1] == UInt8(ascii: "[") else { return false }
            return ProgramBehaviour.looksLikeKernelThread(Array(data[(runStart - 1)..<end])[...])
        }
        for start in runStart..<runEnd where firstLetters[Int(data[start])] {
            let tail = data[start..<end]
            guard ProgramBehaviour.kernelThreadPrefixes.contains(where: { tail.starts(with: $0) }) else { continue }
            if ProgramBehaviour.looksLikeKernelThread(Array(tail)[...]) { return true }
        }
        return false
    }

    /// For each byte value: whether a kernel thread's name may hold it.
    private static let nameBytes: [Bool] = (0...255).map { ProgramBehaviour.isKernelThreadNameByte(UInt8($0)) }
    /// For each byte value: whether one of the name prefixes starts with it.
    private static let firstLetters: [Bool] = (0...255).map { byte in ProgramBehaviour.kernelThreadPrefixes.contains { $0.first == UInt8(byte) } }
}

import BacksightLimits

/// An eBPF object: an ELF file for machine BPF (247), as `clang -target bpf` writes it, found as
/// a file of its own or inside another file's bytes (libbpf skeletons, Go's `bpf2go` and Rust's
/// aya embed the whole object verbatim in the loader's read-only data). Its programs are the
/// executable sections; what they ask of the kernel shows in their helper calls.
public struct EBPFObject: Sendable, Hashable {
    /// Where the object starts in the bytes it was found in (0 for a file of its own).
    public var offset: Int
    /// One call of a kernel helper function.
    public struct HelperCall: Sendable, Hashable {
        /// The helper's number (`BPF_FUNC_*`).
        public var helper: Int32
        /// The section holding the program (`tracepoint/syscalls/sys_exit_getdents64`).
        public var section: String
        /// The instruction's offset in that section.
        public var offset: Int
    }
    public var calls: [HelperCall]
    /// The sections holding code, by name (libbpf names them for where they attach:
    /// `uretprobe/pam_get_authtok`, `tracepoint/syscalls/sys_exit_getdents64`, `xdp`).
    public var programs: [String]

    /// The four bytes every ELF file starts with.
    static let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    /// `e_machine` of eBPF objects.
    public static let machine: UInt16 = 247
    /// Objects looked at in one file at most: an ELF magic is four bytes, and a hostile file
    /// could repeat it.
    static let candidateLimit = 64

    /// The eBPF objects in `bytes`: the file itself when it is one, else every embedded object
    /// whose header parses (up to ``candidateLimit`` candidates).
    public static func find(in bytes: UnsafeRawBufferPointer, deadline: Deadline = .never) -> [EBPFObject] {
        if let object = object(at: 0, in: bytes, deadline: deadline) { return [object] }
        var found: [EBPFObject] = []
        var candidates = 0
        var start = 1
        while start < bytes.count, candidates < candidateLimit, !deadline.hasExpired,
              let next = firstOffset(of: elfMagic, in: UnsafeRawBufferPointer(rebasing: bytes[start...])) {
            let position = start + next
            candidates += 1
            if let object = object(at: position, in: bytes, deadline: deadline) { found.append(object) }
            start = position + 1
        }
        return found
    }

    /// The object starting at `offset`, when an ELF header for machine BPF is there and parses.
    static func object(at offset: Int, in bytes: UnsafeRawBufferPointer, deadline: Deadline) -> EBPFObject? {
        guard offset >= 0, bytes.count - offset >= 64 else { return nil }
        let bigEndian = bytes[offset + 5] == 2
        let machine = bigEndian ? UInt16(bytes[offset + 18]) << 8 | UInt16(bytes[offset + 19])
                                : UInt16(bytes[offset + 19]) << 8 | UInt16(bytes[offset + 18])
        guard machine == Self.machine else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        guard let model = try? ELFReader.model(of: slice, deadline: deadline, parts: []) else { return nil }
        var calls: [HelperCall] = []
        var programs: [String] = []
        for section in model.sections where section.isExecutable && section.hasFileBytes && section.size >= 8 {
            guard section.offset <= UInt64(slice.count), section.size <= UInt64(slice.count) - section.offset else { continue }
            programs.append(section.name)
            let start = Int(section.offset)
            let end = start + Int(section.size) / 8 * 8
            for position in stride(from: start, to: end, by: 8) {
                // BPF_JMP | BPF_CALL with source register 0: a helper (1 is a call into the
                // object itself, 2 a kernel function by BTF id).
                guard slice[position] == 0x85 else { continue }
                let registers = slice[position + 1]
                let source = bigEndian ? registers & 0x0f : registers >> 4
                guard source == 0 else { continue }
                let immediate = (0..<4).reduce(UInt32(0)) { word, index in
                    let byte = UInt32(slice[position + 4 + (bigEndian ? index : 3 - index)])
                    return word << 8 | byte
                }
                calls.append(HelperCall(helper: Int32(bitPattern: immediate), section: section.name, offset: position - start))
            }
        }
        return EBPFObject(offset: offset, calls: calls, programs: programs)
    }
}

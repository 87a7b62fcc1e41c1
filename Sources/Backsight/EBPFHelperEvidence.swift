/// What the eBPF programs a file carries ask of the kernel, as rule evidence.
enum EBPFHelperEvidence {
    /// `BPF_FUNC_probe_write_user`.
    static let probeWriteUser: Int32 = 36
    /// Evidence items kept per file.
    static let evidenceLimit = 8

    /// One item per call of `bpf_probe_write_user` in the eBPF objects of `bytes` (the file
    /// itself, or embedded), nil when there is none.
    static func userMemoryWrites(in bytes: UnsafeRawBufferPointer, deadline: Deadline) -> [Evidence]? {
        var evidence: [Evidence] = []
        for object in EBPFObject.find(in: bytes, deadline: deadline) {
            for call in object.calls where call.helper == probeWriteUser {
                let place = object.offset == 0 ? "the file's own" : "the eBPF object at file offset 0x\(String(object.offset, radix: 16)),"
                evidence.append(Evidence(feature: "bpf-helper-call", value: "bpf_probe_write_user",
                                         location: Location(section: call.section, offset: UInt64(object.offset)),
                                         detail: "call 36 at offset 0x\(String(call.offset, radix: 16)) of \(place) section \(call.section)"))
            }
        }
        return evidence.isEmpty ? nil : Array(evidence.prefix(evidenceLimit))
    }
}

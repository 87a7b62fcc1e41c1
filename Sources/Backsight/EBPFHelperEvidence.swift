/// What the eBPF programs a file carries ask of the kernel, as rule evidence.
enum EBPFHelperEvidence {
    /// `BPF_FUNC_probe_write_user`.
    static let probeWriteUser: Int32 = 36
    /// Evidence items kept per file.
    static let evidenceLimit = 8
    /// Functions that receive a typed password: PAM's and OpenSSH's.
    static let authenticationFunctions = ["pam_get_authtok", "pam_get_item", "pam_authenticate", "pam_sm_authenticate",
                                          "auth_password", "sshpam_auth_passwd"]

    /// The eBPF objects of one file's bytes, found on first use. Used by one thread, while the bytes live.
    final class Objects {
        private let bytes: UnsafeRawBufferPointer
        private let deadline: Deadline
        private var cached: [EBPFObject]?

        init(bytes: UnsafeRawBufferPointer, deadline: Deadline) {
            self.bytes = bytes
            self.deadline = deadline
        }

        var found: [EBPFObject] {
            if let cached { return cached }
            let objects = EBPFObject.find(in: bytes, deadline: deadline)
            cached = objects
            return objects
        }
    }

    /// One item per call of `bpf_probe_write_user` in `objects`, nil when there is none.
    static func userMemoryWrites(_ objects: [EBPFObject]) -> [Evidence]? {
        var evidence: [Evidence] = []
        for object in objects {
            for call in object.calls where call.helper == probeWriteUser {
                evidence.append(Evidence(feature: "bpf-helper-call", value: "bpf_probe_write_user",
                                         location: Location(section: call.section, offset: UInt64(object.offset)),
                                         detail: "call 36 at offset 0x\(String(call.offset, radix: 16)) of \(place(object)) section \(call.section)"))
            }
        }
        return evidence.isEmpty ? nil : Array(evidence.prefix(evidenceLimit))
    }

    /// One item per user-space probe program on an authentication function: named in its
    /// section, or (for a probe whose section names no function) in the file's bytes.
    static func authenticationProbes(_ objects: [EBPFObject], in bytes: UnsafeRawBufferPointer) -> [Evidence]? {
        var evidence: [Evidence] = []
        var namedInFile: [String]?
        for object in objects {
            for program in object.programs where program.hasPrefix("uprobe") || program.hasPrefix("uretprobe") {
                if let function = authenticationFunctions.first(where: { program.contains($0) }) {
                    evidence.append(Evidence(feature: "bpf-program", value: program, location: Location(section: program, offset: UInt64(object.offset)),
                                             detail: "a \(program.hasPrefix("uretprobe") ? "return " : "")probe on \(function) in \(place(object)) section \(program)"))
                    continue
                }
                let names = namedInFile ?? authenticationFunctions.filter { contains(bytes, $0) }
                namedInFile = names
                if let function = names.first {
                    evidence.append(Evidence(feature: "bpf-program", value: program, location: Location(section: program, offset: UInt64(object.offset)),
                                             detail: "a user-space probe program (\(program) in \(place(object))) in a file that names \(function)"))
                }
            }
        }
        return evidence.isEmpty ? nil : Array(evidence.prefix(evidenceLimit))
    }

    private static func place(_ object: EBPFObject) -> String {
        object.offset == 0 ? "the file's own" : "the eBPF object at file offset 0x\(String(object.offset, radix: 16)),"
    }

    /// Whether `name` occurs in `bytes` as a whole string: a NUL (or the buffer's start) before it, a NUL after.
    private static func contains(_ bytes: UnsafeRawBufferPointer, _ name: String) -> Bool {
        firstOffset(of: Array(name.utf8) + [0], in: bytes) { $0 == 0 || bytes[$0 - 1] == 0 } != nil
    }
}

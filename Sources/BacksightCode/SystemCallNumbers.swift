/// The Linux system-call numbers of the few calls the program analysis names, per architecture
/// (x86-64, i386, AArch64's generic table, ARM EABI, MIPS o32). Static executables make these
/// calls themselves, so a constant number in the call register names the function.
enum SystemCallNumbers {
    static func name(of number: Int64, on architecture: CodeArchitecture) -> String? {
        table(for: architecture)[number]
    }

    private static func table(for architecture: CodeArchitecture) -> [Int64: String] {
        switch architecture {
        case .x86_64: return x86_64
        case .i386: return i386
        case .aarch64: return aarch64
        case .arm: return arm
        case .mips(is64Bit: false, _): return mipsO32
        case .mips: return [:]
        }
    }

    private static let x86_64: [Int64: String] = [
        41: "socket", 42: "connect", 43: "accept", 49: "bind", 50: "listen", 54: "setsockopt", 33: "dup2", 292: "dup3",
        59: "execve", 157: "prctl", 87: "unlink", 263: "unlinkat", 288: "accept4",
        2: "open", 257: "openat", 85: "creat", 89: "readlink", 267: "readlinkat", 76: "truncate", 90: "chmod", 268: "fchmodat",
        319: "memfd_create", 322: "execveat",
    ]
    private static let i386: [Int64: String] = [
        359: "socket", 362: "connect", 361: "bind", 363: "listen", 366: "setsockopt", 364: "accept4", 63: "dup2", 330: "dup3",
        11: "execve", 172: "prctl", 10: "unlink", 301: "unlinkat",
        5: "open", 295: "openat", 8: "creat", 85: "readlink", 305: "readlinkat", 92: "truncate", 193: "truncate64", 15: "chmod",
        306: "fchmodat", 356: "memfd_create", 358: "execveat",
    ]
    private static let aarch64: [Int64: String] = [
        198: "socket", 200: "bind", 201: "listen", 202: "accept", 203: "connect", 208: "setsockopt", 242: "accept4", 24: "dup3",
        221: "execve", 167: "prctl", 35: "unlinkat",
        56: "openat", 78: "readlinkat", 45: "truncate", 53: "fchmodat", 279: "memfd_create", 281: "execveat",
    ]
    private static let arm: [Int64: String] = [
        281: "socket", 282: "bind", 283: "connect", 284: "listen", 285: "accept", 294: "setsockopt", 366: "accept4", 63: "dup2",
        358: "dup3", 11: "execve", 172: "prctl", 10: "unlink", 328: "unlinkat",
        5: "open", 322: "openat", 8: "creat", 85: "readlink", 332: "readlinkat", 92: "truncate", 193: "truncate64", 15: "chmod",
        333: "fchmodat", 385: "memfd_create", 387: "execveat",
    ]
    private static let mipsO32: [Int64: String] = [
        4183: "socket", 4169: "bind", 4170: "connect", 4174: "listen", 4168: "accept", 4181: "setsockopt", 4334: "accept4",
        4063: "dup2", 4327: "dup3", 4011: "execve", 4192: "prctl", 4010: "unlink", 4294: "unlinkat",
        4005: "open", 4288: "openat", 4008: "creat", 4085: "readlink", 4298: "readlinkat", 4092: "truncate", 4211: "truncate64",
        4015: "chmod", 4299: "fchmodat", 4354: "memfd_create", 4356: "execveat",
    ]
}

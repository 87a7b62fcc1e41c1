import BacksightELF
import CCapstone

/// The instruction sets the code analysis disassembles, with the calling-convention facts the
/// interpreter needs.
enum CodeArchitecture: Hashable, Sendable {
    case x86_64
    case i386
    case aarch64
    case arm
    case mips(is64Bit: Bool, bigEndian: Bool)

    /// The architecture of an ELF file, or nil when the analysis does not cover it.
    init?(machine: UInt16, is64Bit: Bool, littleEndian: Bool) {
        switch machine {
        case 62 where is64Bit: self = .x86_64
        case 3 where !is64Bit: self = .i386
        case 183 where is64Bit && littleEndian: self = .aarch64
        case 40 where !is64Bit && littleEndian: self = .arm
        case 8: self = .mips(is64Bit: is64Bit, bigEndian: !littleEndian)
        default: return nil
        }
    }

    /// The architecture an ELF header names, or nil when the analysis does not cover it.
    init?(header: ELFHeader) {
        self.init(machine: header.machineNumber, is64Bit: header.is64Bit, littleEndian: header.isLittleEndian)
    }

    var wordSize: Int {
        switch self {
        case .x86_64, .aarch64: return 8
        case .i386, .arm: return 4
        case let .mips(is64Bit, _): return is64Bit ? 8 : 4
        }
    }

    var isBigEndian: Bool {
        if case let .mips(_, bigEndian) = self { return bigEndian }
        return false
    }

    var isX86: Bool { self == .x86_64 || self == .i386 }
    var isMIPS: Bool { if case .mips = self { return true }; return false }

    /// Whether IFUNC resolvers receive the hardware-capability word as their first argument.
    var passesHardwareCapabilities: Bool { !isX86 }

    /// The smallest instruction alignment: how far to step over bytes that do not decode.
    func instructionAlignment(thumb: Bool) -> Int {
        switch self {
        case .x86_64, .i386: return 1
        case .arm: return thumb ? 2 : 4
        case .aarch64, .mips: return 4
        }
    }

    /// Capstone's architecture and mode for this instruction set.
    func capstoneMode(thumb: Bool) -> (arch: cs_arch, mode: cs_mode) {
        switch self {
        case .x86_64: return (CS_ARCH_X86, CS_MODE_64)
        case .i386: return (CS_ARCH_X86, CS_MODE_32)
        case .aarch64: return (CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN)
        case .arm: return (CS_ARCH_ARM, thumb ? CS_MODE_THUMB : CS_MODE_ARM)
        case let .mips(is64Bit, bigEndian):
            var mode = is64Bit ? CS_MODE_MIPS64.rawValue : CS_MODE_MIPS32.rawValue
            if bigEndian { mode |= CS_MODE_BIG_ENDIAN.rawValue }
            return (CS_ARCH_MIPS, cs_mode(rawValue: mode))
        }
    }
}

/// The ELF file header: what kind of object this is and for which machine.
public struct ELFHeader: Sendable, Hashable, Codable {
    public enum FileClass: String, Sendable, Codable { case elf32, elf64 }
    public enum ByteOrder: String, Sendable, Codable { case little, big }

    public var fileClass: FileClass
    public var byteOrder: ByteOrder
    /// `e_ident[EI_OSABI]` as a name (`sysv`, `gnu`, …) or its number.
    public var osABI: String
    /// `e_type`: `REL`, `EXEC`, `DYN`, `CORE` or the number.
    public var type: String
    /// `e_machine` as a number.
    public var machineNumber: UInt16
    /// `e_machine` as a short name (`x86_64`, `aarch64`, `arm`, `mips`, …).
    public var machine: String
    /// The architecture as scanners usually name it, folding in class and byte order
    /// (`x86_64`, `i386`, `aarch64`, `arm`, `mipsel`, `mips`, `riscv64`, `ppc64le`, …).
    public var architecture: String
    public var flags: UInt32
    public var entry: UInt64

    public var is64Bit: Bool { fileClass == .elf64 }
    public var isLittleEndian: Bool { byteOrder == .little }
}

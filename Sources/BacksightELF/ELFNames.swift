/// Names of ELF constants, as readelf prints them without their prefixes.
enum ELFNames {
    static func machine(_ number: UInt16) -> String {
        switch number {
        case 2: return "sparc"
        case 3: return "i386"
        case 8: return "mips"
        case 10: return "mips_rs3_le"
        case 18: return "sparc32plus"
        case 20: return "ppc"
        case 21: return "ppc64"
        case 22: return "s390"
        case 40: return "arm"
        case 42: return "sh"
        case 43: return "sparcv9"
        case 50: return "ia64"
        case 62: return "x86_64"
        case 94: return "xtensa"
        case 183: return "aarch64"
        case 243: return "riscv"
        case 247: return "bpf"
        case 258: return "loongarch"
        default: return "em\(number)"
        }
    }

    /// The architecture as package managers and scanners name it, folding in class and byte order.
    static func architecture(machine: UInt16, is64Bit: Bool, littleEndian: Bool) -> String {
        switch machine {
        case 3: return "i386"
        case 62: return is64Bit ? "x86_64" : "x32"
        case 183: return littleEndian ? "aarch64" : "aarch64_be"
        case 40: return littleEndian ? "arm" : "armeb"
        case 8, 10:
            switch (is64Bit, littleEndian) {
            case (false, true): return "mipsel"
            case (false, false): return "mips"
            case (true, true): return "mips64el"
            case (true, false): return "mips64"
            }
        case 243: return is64Bit ? "riscv64" : "riscv32"
        case 20: return littleEndian ? "ppcle" : "ppc"
        case 21: return littleEndian ? "ppc64le" : "ppc64"
        case 22: return is64Bit ? "s390x" : "s390"
        case 258: return is64Bit ? "loongarch64" : "loongarch32"
        default: return Self.machine(machine)
        }
    }

    static func fileType(_ number: UInt16) -> String {
        switch number {
        case 0: return "NONE"
        case 1: return "REL"
        case 2: return "EXEC"
        case 3: return "DYN"
        case 4: return "CORE"
        default: return hex(UInt64(number))
        }
    }

    static func osABI(_ number: UInt8) -> String {
        switch number {
        case 0: return "sysv"
        case 1: return "hpux"
        case 2: return "netbsd"
        case 3: return "gnu"
        case 6: return "solaris"
        case 9: return "freebsd"
        case 97: return "arm"
        case 255: return "standalone"
        default: return String(number)
        }
    }

    static func sectionType(_ number: UInt32) -> String {
        switch number {
        case 0: return "NULL"
        case 1: return "PROGBITS"
        case 2: return "SYMTAB"
        case 3: return "STRTAB"
        case 4: return "RELA"
        case 5: return "HASH"
        case 6: return "DYNAMIC"
        case 7: return "NOTE"
        case 8: return "NOBITS"
        case 9: return "REL"
        case 11: return "DYNSYM"
        case 14: return "INIT_ARRAY"
        case 15: return "FINI_ARRAY"
        case 16: return "PREINIT_ARRAY"
        case 17: return "GROUP"
        case 18: return "SYMTAB_SHNDX"
        case 0x6fff_fff5: return "GNU_ATTRIBUTES"
        case 0x6fff_fff6: return "GNU_HASH"
        case 0x6fff_fff7: return "GNU_LIBLIST"
        case 0x6fff_fffd: return "GNU_verdef"
        case 0x6fff_fffe: return "GNU_verneed"
        case 0x6fff_ffff: return "GNU_versym"
        case 0x7000_0001: return "PROC_ATTRIBUTES"
        case 0x7000_0003: return "ARM_ATTRIBUTES"
        default: return hex(UInt64(number))
        }
    }

    static func segmentType(_ number: UInt32) -> String {
        switch number {
        case 0: return "NULL"
        case 1: return "LOAD"
        case 2: return "DYNAMIC"
        case 3: return "INTERP"
        case 4: return "NOTE"
        case 5: return "SHLIB"
        case 6: return "PHDR"
        case 7: return "TLS"
        case 0x6474_e550: return "GNU_EH_FRAME"
        case 0x6474_e551: return "GNU_STACK"
        case 0x6474_e552: return "GNU_RELRO"
        case 0x6474_e553: return "GNU_PROPERTY"
        case 0x7000_0000: return "PROC_0"
        case 0x7000_0001: return "ARM_EXIDX_OR_MIPS_REGINFO"
        case 0x7000_0002: return "MIPS_RTPROC"
        case 0x7000_0003: return "MIPS_ABIFLAGS"
        default: return hex(UInt64(number))
        }
    }

    static func dynamicTag(_ number: Int64) -> String {
        switch number {
        case 0: return "NULL"
        case 1: return "NEEDED"
        case 2: return "PLTRELSZ"
        case 3: return "PLTGOT"
        case 4: return "HASH"
        case 5: return "STRTAB"
        case 6: return "SYMTAB"
        case 7: return "RELA"
        case 8: return "RELASZ"
        case 9: return "RELAENT"
        case 10: return "STRSZ"
        case 11: return "SYMENT"
        case 12: return "INIT"
        case 13: return "FINI"
        case 14: return "SONAME"
        case 15: return "RPATH"
        case 16: return "SYMBOLIC"
        case 17: return "REL"
        case 18: return "RELSZ"
        case 19: return "RELENT"
        case 20: return "PLTREL"
        case 21: return "DEBUG"
        case 22: return "TEXTREL"
        case 23: return "JMPREL"
        case 24: return "BIND_NOW"
        case 25: return "INIT_ARRAY"
        case 26: return "FINI_ARRAY"
        case 27: return "INIT_ARRAYSZ"
        case 28: return "FINI_ARRAYSZ"
        case 29: return "RUNPATH"
        case 30: return "FLAGS"
        case 32: return "PREINIT_ARRAY"
        case 33: return "PREINIT_ARRAYSZ"
        case 34: return "SYMTAB_SHNDX"
        case 35: return "RELRSZ"
        case 36: return "RELR"
        case 37: return "RELRENT"
        case 0x6fff_fef5: return "GNU_HASH"
        case 0x6fff_fefc: return "CONFIG"
        case 0x6fff_fefd: return "DEPAUDIT"
        case 0x6fff_fefe: return "AUDIT"
        case 0x6fff_fff0: return "VERSYM"
        case 0x6fff_fff9: return "RELACOUNT"
        case 0x6fff_fffa: return "RELCOUNT"
        case 0x6fff_fffb: return "FLAGS_1"
        case 0x6fff_fffc: return "VERDEF"
        case 0x6fff_fffd: return "VERDEFNUM"
        case 0x6fff_fffe: return "VERNEED"
        case 0x6fff_ffff: return "VERNEEDNUM"
        case 0x7000_0001: return "MIPS_RLD_VERSION_OR_PROC"
        default: return hex(UInt64(bitPattern: number))
        }
    }

    /// Dynamic tags whose value is an offset into the dynamic string table.
    static func isStringTag(_ number: Int64) -> Bool {
        [1, 14, 15, 29, 0x6fff_fefd, 0x6fff_fefe, 0x6fff_fefc].contains(number)
    }

    static func symbolType(_ number: UInt8) -> String {
        switch number {
        case 0: return "NOTYPE"
        case 1: return "OBJECT"
        case 2: return "FUNC"
        case 3: return "SECTION"
        case 4: return "FILE"
        case 5: return "COMMON"
        case 6: return "TLS"
        case 10: return "IFUNC"
        default: return String(number)
        }
    }

    static func symbolBinding(_ number: UInt8) -> String {
        switch number {
        case 0: return "LOCAL"
        case 1: return "GLOBAL"
        case 2: return "WEAK"
        case 10: return "UNIQUE"
        default: return String(number)
        }
    }

    static func symbolVisibility(_ number: UInt8) -> String {
        switch number {
        case 0: return "DEFAULT"
        case 1: return "INTERNAL"
        case 2: return "HIDDEN"
        default: return "PROTECTED"
        }
    }

    static func noteType(owner: String, type: UInt32) -> String {
        switch (owner, type) {
        case ("GNU", 1): return "GNU_ABI_TAG"
        case ("GNU", 2): return "GNU_HWCAP"
        case ("GNU", 3): return "GNU_BUILD_ID"
        case ("GNU", 4): return "GNU_GOLD_VERSION"
        case ("GNU", 5): return "GNU_PROPERTY_TYPE_0"
        case ("stapsdt", 3): return "STAPSDT"
        case ("FDO", 0xcafe_1a7e): return "FDO_PACKAGING_METADATA"
        default: return hex(UInt64(type))
        }
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

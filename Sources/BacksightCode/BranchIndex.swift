import BacksightELF

/// Every direct branch and GOT reference in an object's code, found by one scan of the code
/// bytes for each architecture's encodings (x86 `call`/`jmp` rel32 and `call`/`jmp` through a
/// slot; AArch64 `bl`/`b`; ARM `bl`/`b`/`blx` and Thumb-2 `bl`/`blx`/`b.w`; MIPS `jal`, `bal`
/// and loads relative to `$gp`). The byte scan also reads encodings out of the middle of other
/// instructions; the searches that read the index decide what a branch means.
///
/// Built once per image of a file (``ObjectImage/branchIndex``), so that the call-site
/// searches of all the file's analyses do not each scan the code again.
struct BranchIndex {
    struct Branch {
        enum Kind: UInt8 {
            /// A direct call (or MIPS `jal`/`bal`): `target` is where it lands.
            case call
            /// A direct jump (a tail call, or a branch inside the function).
            case jump
            /// x86 `call`/`jmp` through a slot: `target` is the slot's address.
            case slot
            /// A MIPS load relative to `$gp`: `target` is the word's address.
            case gpLoad
            /// The same, into `$t9` (the register MIPS calls through).
            case gpLoadToT9
        }

        var site: UInt64
        var target: UInt64
        var kind: Kind
        var siteThumb: Bool
        var targetThumb: Bool
    }

    /// In the order of the code sections and, within each, of the sites.
    let branches: [Branch]

    init(image: ObjectImage) {
        let sections = image.model.sections.filter { $0.isExecutable && $0.hasFileBytes && $0.size > 0 && !image.isPLT($0.address) }
        var branches: [Branch] = []
        func add(_ site: UInt64, _ target: UInt64, _ kind: Branch.Kind, siteThumb: Bool = false, targetThumb: Bool = false) {
            // Direct branches that land outside all code (most encodings read out of other
            // instructions) can mean nothing to any search.
            if kind == .call || kind == .jump, !image.isExecutable(target) { return }
            branches.append(Branch(site: site, target: target, kind: kind, siteThumb: siteThumb, targetThumb: targetThumb))
        }
        for section in sections {
            let bytes = image.bytes(at: section.address, count: Int(clamping: section.size))
            Self.scan(bytes, base: section.address, image: image, add: add)
        }
        self.branches = branches
    }

    /// Whether some byte of `word` is zero.
    private static func hasByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    private static func scan(_ code: UnsafeRawBufferPointer, base: UInt64, image: ObjectImage,
                             add: (UInt64, UInt64, Branch.Kind, Bool, Bool) -> Void) {
        func littleWord(_ at: Int) -> UInt32 {
            UInt32(code[at]) | UInt32(code[at + 1]) << 8 | UInt32(code[at + 2]) << 16 | UInt32(code[at + 3]) << 24
        }
        func word(_ at: Int) -> UInt32 {
            image.architecture.isBigEndian
                ? UInt32(code[at]) << 24 | UInt32(code[at + 1]) << 16 | UInt32(code[at + 2]) << 8 | UInt32(code[at + 3])
                : littleWord(at)
        }
        let count = code.count
        switch image.architecture {
        case .x86_64, .i386:
            guard count >= 5 else { return }
            let is64Bit = image.architecture == .x86_64
            let gotBase = (image.model.section(named: ".got.plt") ?? image.model.section(named: ".got"))?.address ?? 0
            let last = count - 5     // a tail call can be the section's last five bytes
            var index = 0
            while index <= last {
                // Eight bytes at a time where none is 0xe8, 0xe9 or 0xff (most of them).
                if index + 7 <= last {
                    let word = code.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if !Self.hasByte(word & 0xfefe_fefe_fefe_fefe ^ 0xe8e8_e8e8_e8e8_e8e8) && !Self.hasByte(~word) {
                        index += 8
                        continue
                    }
                }
                defer { index += 1 }
                let opcode = code[index]
                let address = base &+ UInt64(index)
                if opcode == 0xe8 || opcode == 0xe9 {
                    let relative = Int64(Int32(bitPattern: littleWord(index + 1)))
                    add(address, UInt64(bitPattern: Int64(bitPattern: address &+ 5) &+ relative), opcode == 0xe8 ? .call : .jump, false, false)
                } else if opcode == 0xff, index + 6 <= count {
                    let modrm = code[index + 1]
                    let displacement = Int64(Int32(bitPattern: littleWord(index + 2)))
                    if modrm == 0x15 || modrm == 0x25 {
                        let slot = is64Bit
                            ? UInt64(bitPattern: Int64(bitPattern: address &+ 6) &+ displacement) : UInt64(UInt32(truncatingIfNeeded: displacement))
                        add(address, slot, .slot, false, false)
                    } else if !is64Bit, modrm == 0x93 || modrm == 0xa3 {
                        add(address, UInt64(UInt32(truncatingIfNeeded: Int64(gotBase) &+ displacement)), .slot, false, false)
                    }
                }
            }
        case .aarch64:
            var index = 0
            while index + 4 <= count {
                let instruction = littleWord(index)
                let opcode = instruction >> 26
                if opcode == 0x25 || opcode == 0x05 {
                    let offset = Int64(Int32(bitPattern: instruction << 6) >> 6) * 4
                    let address = base &+ UInt64(index)
                    add(address, UInt64(bitPattern: Int64(bitPattern: address) &+ offset), opcode == 0x25 ? .call : .jump, false, false)
                }
                index += 4
            }
        case .arm:
            var index = 0
            while index + 4 <= count {
                let address = base &+ UInt64(index)
                let instruction = littleWord(index)
                let immediate = Int64(Int32(bitPattern: instruction << 8) >> 8) * 4
                // BL, or B for a tail call.
                let isBranchWithLink = instruction & 0x0f00_0000 == 0x0b00_0000
                if instruction >> 28 != 0xf, isBranchWithLink || instruction & 0x0f00_0000 == 0x0a00_0000, index % 4 == 0 {
                    add(address, UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate), isBranchWithLink ? .call : .jump, false, false)
                }
                // BLX to Thumb code (ARM code calling a Thumb libc function): H adds a halfword.
                if instruction & 0xfe00_0000 == 0xfa00_0000, index % 4 == 0 {
                    let halfword = Int64((instruction >> 24) & 1) * 2
                    add(address, UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate &+ halfword), .call, false, true)
                }
                // Thumb-2 BL/BLX, or B.W for a tail call: two halfwords.
                let first = UInt32(code[index]) | UInt32(code[index + 1]) << 8
                let second = UInt32(code[index + 2]) | UInt32(code[index + 3]) << 8
                let isCall = second & 0xc000 == 0xc000
                if first & 0xf800 == 0xf000, isCall || second & 0xd000 == 0x9000 {
                    let sign = (first >> 10) & 1
                    let i1 = ~((second >> 13) & 1 ^ sign) & 1
                    let i2 = ~((second >> 11) & 1 ^ sign) & 1
                    let raw = sign << 24 | i1 << 23 | i2 << 22 | (first & 0x3ff) << 12 | (second & 0x7ff) << 1
                    let offset = Int64(Int32(bitPattern: raw << 7) >> 7)
                    let isExchange = second & 0x5000 == 0x4000     // BLX (BL and B.W have bit 12 set)
                    let origin = isExchange ? (address &+ 4) & ~3 : address &+ 4
                    add(address, UInt64(bitPattern: Int64(bitPattern: origin) &+ offset), isCall ? .call : .jump, true, !isExchange)
                }
                index += 2
            }
        case .mips:
            // $gp points 0x7ff0 past the start of the GOT (DT_PLTGOT; in a static executable, `.got`).
            let got = image.model.dynamic.entries.first(where: { $0.tagNumber == 3 })?.value ?? image.model.section(named: ".got")?.address
            let pointer = got.map { $0 &+ 0x7ff0 }
            var index = 0
            while index + 4 <= count {
                let instruction = word(index)
                let address = base &+ UInt64(index)
                // `lw/ld $t9, slot($gp)`; unoptimized code loads the slot into another register and
                // moves it to $t9, and clang copies $gp to another register first, so any load whose
                // displacement names a wanted slot is a candidate (the walk checks the call).
                let isLoad = instruction & 0xfc00_0000 == 0x8c00_0000 || instruction & 0xfc00_0000 == 0xdc00_0000
                // `lw/ld $t9, slot($gp)`, or from the copy of $gp clang keeps in a saved register.
                let isLoadToT9 = instruction & 0xfc1f_0000 == 0x8c19_0000 || instruction & 0xfc1f_0000 == 0xdc19_0000
                if let pointer, isLoad {
                    let displacement = Int64(Int16(truncatingIfNeeded: instruction & 0xffff))
                    let raw = UInt64(bitPattern: Int64(bitPattern: pointer) &+ displacement)
                    add(address, image.architecture.wordSize == 4 ? raw & 0xffff_ffff : raw, isLoadToT9 ? .gpLoadToT9 : .gpLoad, false, false)
                } else if instruction >> 26 == 0x03 {
                    // jal: a direct call inside the current 256 MiB region.
                    add(address, (address &+ 4) & ~UInt64(0x0fff_ffff) | UInt64(instruction & 0x03ff_ffff) << 2, .call, false, false)
                } else if instruction >> 16 == 0x0411 {
                    // bal (bgezal $zero): a PC-relative call, as position-independent code makes to a local function.
                    let offset = Int64(Int16(truncatingIfNeeded: instruction & 0xffff)) << 2
                    add(address, UInt64(bitPattern: Int64(bitPattern: address) &+ 4 &+ offset), .call, false, false)
                }
                index += 4
            }
        }
    }
}

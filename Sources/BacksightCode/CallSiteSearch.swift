import BacksightELF

/// Finds the calls to chosen functions anywhere in an object's code, with a cheap scan of the
/// code bytes for each architecture's direct call encodings (and GOT-indirect ones), then walks
/// the function holding each site up to the call to recover its arguments.
///
/// A callee is named by its import (a PLT stub or GOT slot bound to the name) or, in a static
/// executable, by the local function that carries the name: its symbol, or the system call its
/// few instructions make (`localNames`).
struct CallSiteSearch {
    let image: ObjectImage
    let walker: CodeWalker

    /// One call found: where, and to which of the chosen names.
    struct Site {
        var address: UInt64
        var thumb: Bool
        var callee: String
    }

    /// Call sites of `names` (imports) and of the local functions in `localNames`, at most `limit`.
    func sites(calling names: Set<String>, localNames: [UInt64: String] = [:], limit: Int) -> [Site] {
        let slots = image.slots(boundTo: names)
        var sites: [Site] = []
        var stubNames: [UInt64: String?] = [:]
        func callee(_ target: UInt64, thumb: Bool) -> String? {
            if let local = localNames[target] { return local }
            guard image.isPLT(target) else { return nil }
            if let known = stubNames[target] { return known }
            var name: String?
            if case let .imported(imported, _) = walker.stubTarget(target, thumb: thumb), names.contains(imported) { name = imported }
            stubNames[target] = name
            return name
        }
        for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 {
            guard !image.isPLT(section.address), sites.count < limit else { continue }
            let code = image.bytes(at: section.address, count: Int(clamping: section.size))
            scan(code, base: section.address, slots: slots, localTargets: Set(localNames.keys), callee: callee) { site, thumb, name in
                if sites.count < limit { sites.append(Site(address: site, thumb: thumb, callee: name)) }
            }
        }
        return sites
    }

    /// Walks the function holding `site` up to just past it: the calls made at the site (or in
    /// the few instructions after it, where MIPS calls through the register it loaded), and the
    /// walk itself.
    func calls(at site: Site) -> (calls: [CallSite], record: FunctionRecord)? {
        guard walker.budget > 0, let start = functionStart(for: site.address, thumb: site.thumb) else { return nil }
        let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
        let record = walker.walk(start: start.address, thumb: start.thumb, name: name, stopAfter: site.address &+ 16)
        return (record.calls.filter { $0.site.address >= site.address && $0.site.address <= site.address &+ 16 }, record)
    }

    /// Where to start walking to reach `site`: its function symbol, else the code block that
    /// leads to it in a window before it (a stripped object).
    func functionStart(for site: UInt64, thumb: Bool) -> (address: UInt64, thumb: Bool)? {
        let isARM = image.architecture == .arm
        if let symbol = image.symbol(containing: site), symbol.type == "FUNC" {
            return (isARM ? symbol.value & ~1 : symbol.value, isARM && symbol.value & 1 == 1)
        }
        guard let section = image.section(at: site) else { return nil }
        if image.architecture.isX86 {
            return walker.synchronizedStart(before: site, distance: 96).map { (walker.blockStart(from: $0, to: site, thumb: false), false) }
        }
        let window: UInt64 = 256
        let alignment = UInt64(image.architecture.instructionAlignment(thumb: thumb))
        let start = max(section.address, site >= window ? site - window : 0)
        let aligned = (start + alignment - 1) / alignment * alignment
        return (walker.blockStart(from: aligned, to: site, thumb: thumb), thumb)
    }

    /// Direct call targets in executable code (x86 `call`, AArch64 `bl`, ARM `bl`/`blx`, MIPS
    /// `jal`): where functions of a stripped object start. The byte scan also reads calls out of
    /// the middle of other instructions; a target counts when the compiler's function alignment
    /// holds for it (16 bytes on x86, 4 elsewhere) or two calls reach it.
    func directCallTargets(limit: Int) -> Set<UInt64> {
        var counts: [UInt64: Int] = [:]
        for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 {
            guard !image.isPLT(section.address), counts.count < limit else { continue }
            let code = image.bytes(at: section.address, count: Int(clamping: section.size))
            scan(code, base: section.address, slots: [:], localTargets: nil, callsOnly: true, callee: { target, _ in
                if counts.count < limit, self.image.isExecutable(target) { counts[target, default: 0] += 1 }
                return nil
            }, found: { _, _, _ in })
        }
        let alignment: UInt64 = image.architecture.isX86 ? 16 : 4
        return Set(counts.compactMap { target, count in target % alignment == 0 || count >= 2 || startsWithPrologue(target) ? target : nil })
    }

    /// Direct calls and jumps whose target lies in the object's own code (not a PLT stub), in
    /// site order, at most `limit`: the edges from each function to its local callees, as far as
    /// the encodings show them (calls through registers or, on MIPS, the GOT are not among them).
    func directBranches(limit: Int) -> [(site: UInt64, target: UInt64)] {
        let code = image.model.sections.filter { $0.isExecutable && $0.hasFileBytes && $0.size > 0 && !image.isPLT($0.address) }
        let ranges = code.compactMap { section in
            section.address <= UInt64.max - section.size ? section.address..<(section.address + section.size) : nil
        }
        var branches: [(site: UInt64, target: UInt64)] = []
        var target: UInt64 = 0
        for section in code where branches.count < limit {
            let bytes = image.bytes(at: section.address, count: Int(clamping: section.size))
            scan(bytes, base: section.address, slots: [:], localTargets: nil, callee: { candidate, _ in
                guard ranges.contains(where: { $0.contains(candidate) }) else { return nil }
                target = candidate
                return ""
            }, found: { site, _, _ in
                if branches.count < limit { branches.append((site, target)) }
            })
        }
        return branches.sorted { $0.site < $1.site }
    }

    /// Whether the code at `address` opens a stack frame the way compilers do (`push rbp`,
    /// `endbr64`, `sub rsp`; Thumb `push {…, lr}`; ARM `push`; MIPS `addiu sp, sp, -n` or `lui gp`):
    /// an unaligned function start (`-O0`) reached by one call.
    private func startsWithPrologue(_ address: UInt64) -> Bool {
        let bytes = image.bytes(at: address, count: 4)
        guard bytes.count == 4 else { return false }
        switch image.architecture {
        case .x86_64, .i386:
            return bytes[0] == 0x55 || bytes[0] == 0x53 || (bytes[0] == 0x41 && bytes[1] & 0xf0 == 0x50)
                || (bytes[0] == 0xf3 && bytes[1] == 0x0f && bytes[2] == 0x1e) || (bytes[0] == 0x48 && bytes[1] == 0x83 && bytes[2] == 0xec)
        case .arm:
            return bytes[1] == 0xb5 || (bytes[3] == 0xe9 && bytes[2] == 0x2d) || (bytes[0] == 0x2d && bytes[1] == 0xe9)
        case .aarch64:
            return bytes[3] == 0xa9 && bytes[2] & 0xc0 == 0x80 || bytes[3] == 0xd1 && bytes[0] & 0x1f == 0x1f
        case .mips:
            let word = image.architecture.isBigEndian
                ? UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
                : UInt32(bytes[3]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[0])
            return word >> 16 == 0x27bd || word >> 16 == 0x3c1c
        }
    }

    /// Scans code for calls; `callee` names a direct target (nil: not wanted), `slots` names GOT
    /// slots. `localTargets`, when given, limits direct targets outside the PLT to that set;
    /// `callsOnly` leaves out jumps (tail calls).
    private func scan(_ code: UnsafeRawBufferPointer, base: UInt64, slots: [UInt64: String], localTargets: Set<UInt64>?,
                      callsOnly: Bool = false, callee: (UInt64, Bool) -> String?, found: (UInt64, Bool, String) -> Void) {
        func littleWord(_ at: Int) -> UInt32 {
            UInt32(code[at]) | UInt32(code[at + 1]) << 8 | UInt32(code[at + 2]) << 16 | UInt32(code[at + 3]) << 24
        }
        func word(_ at: Int) -> UInt32 {
            image.architecture.isBigEndian
                ? UInt32(code[at]) << 24 | UInt32(code[at + 1]) << 16 | UInt32(code[at + 2]) << 8 | UInt32(code[at + 3])
                : littleWord(at)
        }
        let count = code.count
        // Direct calls reach an import only through a PLT stub: reject other targets at once.
        let stubRanges = image.model.sections.filter { image.isPLT($0.address) && $0.size > 0 }.map { $0.address..<($0.address &+ $0.size) }
        func direct(_ target: UInt64, thumb: Bool, site: UInt64, siteThumb: Bool) {
            let wanted = localTargets.map { $0.contains(target) } ?? true
            guard wanted || stubRanges.contains(where: { $0.contains(target) }), let name = callee(target, thumb) else { return }
            found(site, siteThumb, name)
        }
        switch image.architecture {
        case .x86_64, .i386:
            guard count >= 5 else { return }
            let gotBase = (image.model.section(named: ".got.plt") ?? image.model.section(named: ".got"))?.address ?? 0
            for index in 0...(count - 5) {     // a tail call can be the section's last five bytes
                let opcode = code[index]
                let address = base &+ UInt64(index)
                if opcode == 0xe8 || (opcode == 0xe9 && !callsOnly) {
                    let relative = Int64(Int32(bitPattern: littleWord(index + 1)))
                    direct(UInt64(bitPattern: Int64(bitPattern: address &+ 5) &+ relative), thumb: false, site: address, siteThumb: false)
                } else if opcode == 0xff, index + 6 <= count, !slots.isEmpty {
                    let modrm = code[index + 1]
                    let displacement = Int64(Int32(bitPattern: littleWord(index + 2)))
                    var slot: UInt64?
                    if modrm == 0x15 || modrm == 0x25 {
                        slot = image.architecture == .x86_64
                            ? UInt64(bitPattern: Int64(bitPattern: address &+ 6) &+ displacement) : UInt64(UInt32(truncatingIfNeeded: displacement))
                    } else if image.architecture == .i386, modrm == 0x93 || modrm == 0xa3 {
                        slot = UInt64(UInt32(truncatingIfNeeded: Int64(gotBase) &+ displacement))
                    }
                    if let slot, let name = slots[slot] { found(address, false, name) }
                }
            }
        case .aarch64:
            var index = 0
            while index + 4 <= count {
                let instruction = littleWord(index)
                let opcode = instruction >> 26
                if opcode == 0x25 || (opcode == 0x05 && !callsOnly) {
                    let offset = Int64(Int32(bitPattern: instruction << 6) >> 6) * 4
                    let address = base &+ UInt64(index)
                    direct(UInt64(bitPattern: Int64(bitPattern: address) &+ offset), thumb: false, site: address, siteThumb: false)
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
                if instruction >> 28 != 0xf, isBranchWithLink || (!callsOnly && instruction & 0x0f00_0000 == 0x0a00_0000), index % 4 == 0 {
                    direct(UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate), thumb: false, site: address, siteThumb: false)
                }
                // BLX to Thumb code (ARM code calling a Thumb libc function): H adds a halfword.
                if instruction & 0xfe00_0000 == 0xfa00_0000, index % 4 == 0 {
                    let halfword = Int64((instruction >> 24) & 1) * 2
                    direct(UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate &+ halfword), thumb: true, site: address, siteThumb: false)
                }
                // Thumb-2 BL/BLX, or B.W for a tail call: two halfwords.
                let first = UInt32(code[index]) | UInt32(code[index + 1]) << 8
                let second = UInt32(code[index + 2]) | UInt32(code[index + 3]) << 8
                if first & 0xf800 == 0xf000, second & 0xc000 == 0xc000 || (!callsOnly && second & 0xd000 == 0x9000) {
                    let sign = (first >> 10) & 1
                    let i1 = ~((second >> 13) & 1 ^ sign) & 1
                    let i2 = ~((second >> 11) & 1 ^ sign) & 1
                    let raw = sign << 24 | i1 << 23 | i2 << 22 | (first & 0x3ff) << 12 | (second & 0x7ff) << 1
                    let offset = Int64(Int32(bitPattern: raw << 7) >> 7)
                    let isExchange = second & 0x5000 == 0x4000     // BLX (BL and B.W have bit 12 set)
                    let origin = isExchange ? (address &+ 4) & ~3 : address &+ 4
                    direct(UInt64(bitPattern: Int64(bitPattern: origin) &+ offset), thumb: !isExchange, site: address, siteThumb: true)
                }
                index += 2
            }
        case .mips:
            // $gp points 0x7ff0 past the start of the GOT (DT_PLTGOT; in a static executable, `.got`).
            let got = image.model.dynamic.entries.first(where: { $0.tagNumber == 3 })?.value ?? image.model.section(named: ".got")?.address
            let pointer = got.map { $0 &+ 0x7ff0 }
            let isStatic = image.model.dynamic.entries.isEmpty
            var index = 0
            while index + 4 <= count {
                let instruction = word(index)
                let address = base &+ UInt64(index)
                // `lw/ld $t9, slot($gp)`; unoptimized code loads the slot into another register and
                // moves it to $t9, and clang copies $gp to another register first, so any load whose
                // displacement names a wanted slot is a candidate (the walk checks the call).
                let isLoad = instruction & 0xfc00_0000 == 0x8c00_0000 || instruction & 0xfc00_0000 == 0xdc00_0000
                // `lw/ld $t9, slot($gp)`, or from the copy of $gp clang keeps in a saved register.
                let isGPLoadToT9 = instruction & 0xfc1f_0000 == 0x8c19_0000 || instruction & 0xfc1f_0000 == 0xdc19_0000
                if let pointer, isLoad {
                    let displacement = Int64(Int16(truncatingIfNeeded: instruction & 0xffff))
                    let raw = UInt64(bitPattern: Int64(bitPattern: pointer) &+ displacement)
                    let slot = image.architecture.wordSize == 4 ? raw & 0xffff_ffff : raw
                    if let name = slots[slot] {
                        found(address, false, name)
                    } else if isStatic, isGPLoadToT9, let target = image.readUnsigned(at: slot, width: image.architecture.wordSize) {
                        // A static executable's GOT holds its own functions' addresses, unrelocated.
                        direct(target, thumb: false, site: address, siteThumb: false)
                    }
                } else if instruction >> 26 == 0x03 {
                    // jal: a direct call inside the current 256 MiB region.
                    let target = (address &+ 4) & ~UInt64(0x0fff_ffff) | UInt64(instruction & 0x03ff_ffff) << 2
                    direct(target, thumb: false, site: address, siteThumb: false)
                } else if instruction >> 16 == 0x0411 {
                    // bal (bgezal $zero): a PC-relative call, as position-independent code makes to a local function.
                    let offset = Int64(Int16(truncatingIfNeeded: instruction & 0xffff)) << 2
                    direct(UInt64(bitPattern: Int64(bitPattern: address) &+ 4 &+ offset), thumb: false, site: address, siteThumb: false)
                }
                index += 4
            }
        }
    }
}

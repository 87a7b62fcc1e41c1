import BacksightELF

/// Finds calls to `dlsym` anywhere in an object's code and checks whether their handle is
/// `RTLD_NEXT`: the way a library fetches the function it shadows.
///
/// Call sites are found with a cheap scan of the code bytes for each architecture's direct
/// call encodings (and GOT-indirect ones), then the function holding each site is walked up
/// to the call to learn the first argument.
struct SymbolLookupSearch {
    let image: ObjectImage
    let walker: CodeWalker

    private static let names: Set<String> = ["dlsym", "__libc_dlsym"]

    func rtldNextLookups(limit: Int) -> (evidence: [CodeEvidence], sitesExamined: Int) {
        let slots = image.slots(boundTo: Self.names)
        var sites: [(address: UInt64, thumb: Bool)] = []
        var stubNames: [UInt64: Bool] = [:]
        func isLookupStub(_ target: UInt64, thumb: Bool) -> Bool {
            guard image.isPLT(target) else { return false }
            if let known = stubNames[target] { return known }
            var matches = false
            if case let .imported(name, _) = walker.stubTarget(target, thumb: thumb) { matches = Self.names.contains(name) }
            stubNames[target] = matches
            return matches
        }
        for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 {
            guard !image.isPLT(section.address), sites.count < limit else { continue }
            let code = image.bytes(at: section.address, count: Int(clamping: section.size))
            scan(code, base: section.address, slots: slots, isLookupStub: isLookupStub) { site, thumb in
                if sites.count < limit { sites.append((site, thumb)) }
            }
        }
        var evidence: [CodeEvidence] = []
        for site in sites {
            guard walker.budget > 0, let start = functionStart(for: site.address, thumb: site.thumb) else { continue }
            let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
            let record = walker.walk(start: start.address, thumb: start.thumb, name: name, stopAfter: site.address &+ 16)
            let mask: UInt64 = image.architecture.wordSize == 8 ? .max : 0xffff_ffff
            for call in record.calls where call.site.address >= site.address && call.site.address <= site.address &+ 16 {
                guard case let .imported(callee, _) = call.kind, Self.names.contains(callee),
                      let handle = call.arguments.first?.constantValue, UInt64(bitPattern: handle) & mask == mask else { continue }
                evidence.append(CodeEvidence(instruction: walker.text(of: call.site), address: call.site.address,
                                             section: image.section(at: call.site.address)?.name,
                                             fileOffset: image.fileOffset(of: call.site.address), function: name,
                                             note: "calls \(callee) with the handle RTLD_NEXT (-1)"))
                break
            }
        }
        return (evidence, sites.count)
    }

    /// Where to start walking to reach `site`: its function symbol, else the code block that
    /// leads to it in a window before it (a stripped object).
    private func functionStart(for site: UInt64, thumb: Bool) -> (address: UInt64, thumb: Bool)? {
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

    private func scan(_ code: UnsafeRawBufferPointer, base: UInt64, slots: Set<UInt64>,
                      isLookupStub: (UInt64, Bool) -> Bool, found: (UInt64, Bool) -> Void) {
        func littleWord(_ at: Int) -> UInt32 {
            UInt32(code[at]) | UInt32(code[at + 1]) << 8 | UInt32(code[at + 2]) << 16 | UInt32(code[at + 3]) << 24
        }
        func word(_ at: Int) -> UInt32 {
            image.architecture.isBigEndian
                ? UInt32(code[at]) << 24 | UInt32(code[at + 1]) << 16 | UInt32(code[at + 2]) << 8 | UInt32(code[at + 3])
                : littleWord(at)
        }
        let count = code.count
        // Direct calls can only reach the lookup through a PLT stub: reject other targets at once.
        let stubRanges = image.model.sections.filter { image.isPLT($0.address) && $0.size > 0 }.map { $0.address..<($0.address &+ $0.size) }
        func mayBeStub(_ target: UInt64) -> Bool { stubRanges.contains { $0.contains(target) } }
        switch image.architecture {
        case .x86_64, .i386:
            guard count >= 5 else { return }
            let gotBase = (image.model.section(named: ".got.plt") ?? image.model.section(named: ".got"))?.address ?? 0
            for index in 0...(count - 5) {     // a tail call can be the section's last five bytes
                let opcode = code[index]
                let address = base &+ UInt64(index)
                if opcode == 0xe8 || opcode == 0xe9 {
                    let relative = Int64(Int32(bitPattern: littleWord(index + 1)))
                    let target = UInt64(bitPattern: Int64(bitPattern: address &+ 5) &+ relative)
                    if mayBeStub(target), isLookupStub(target, false) { found(address, false) }
                } else if opcode == 0xff, index + 6 <= count {
                    let modrm = code[index + 1]
                    let displacement = Int64(Int32(bitPattern: littleWord(index + 2)))
                    if modrm == 0x15 || modrm == 0x25 {
                        let slot = image.architecture == .x86_64
                            ? UInt64(bitPattern: Int64(bitPattern: address &+ 6) &+ displacement) : UInt64(UInt32(truncatingIfNeeded: displacement))
                        if slots.contains(slot) { found(address, false) }
                    } else if image.architecture == .i386, modrm == 0x93 || modrm == 0xa3 {
                        let slot = UInt64(UInt32(truncatingIfNeeded: Int64(gotBase) &+ displacement))
                        if slots.contains(slot) { found(address, false) }
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
                    let target = UInt64(bitPattern: Int64(bitPattern: address) &+ offset)
                    if mayBeStub(target), isLookupStub(target, false) { found(address, false) }
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
                if instruction >> 28 != 0xf, instruction & 0x0e00_0000 == 0x0a00_0000, index % 4 == 0,
                   case let target = UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate),
                   mayBeStub(target), isLookupStub(target, false) {
                    found(address, false)
                }
                // Thumb-2 BL/BLX, or B.W for a tail call: two halfwords.
                let first = UInt32(code[index]) | UInt32(code[index + 1]) << 8
                let second = UInt32(code[index + 2]) | UInt32(code[index + 3]) << 8
                if first & 0xf800 == 0xf000, second & 0xc000 == 0xc000 || second & 0xd000 == 0x9000 {
                    let sign = (first >> 10) & 1
                    let i1 = ~((second >> 13) & 1 ^ sign) & 1
                    let i2 = ~((second >> 11) & 1 ^ sign) & 1
                    let raw = sign << 24 | i1 << 23 | i2 << 22 | (first & 0x3ff) << 12 | (second & 0x7ff) << 1
                    let offset = Int64(Int32(bitPattern: raw << 7) >> 7)
                    let isExchange = second & 0x5000 == 0x4000     // BLX (BL and B.W have bit 12 set)
                    let origin = isExchange ? (address &+ 4) & ~3 : address &+ 4
                    let target = UInt64(bitPattern: Int64(bitPattern: origin) &+ offset)
                    if mayBeStub(target), isLookupStub(target, !isExchange) { found(address, true) }
                }
                index += 2
            }
        case .mips:
            guard let got = image.model.dynamic.entries.first(where: { $0.tagNumber == 3 })?.value else { return }
            let pointer = got &+ 0x7ff0
            var index = 0
            while index + 4 <= count {
                let instruction = word(index)
                // `lw/ld $t9, slot($gp)`; unoptimized code loads the slot into another register and
                // moves it to $t9, and clang copies $gp to another register first, so any load whose
                // displacement names a lookup slot is a candidate (the walk checks the call).
                if instruction & 0xfc00_0000 == 0x8c00_0000 || instruction & 0xfc00_0000 == 0xdc00_0000 {
                    let displacement = Int64(Int16(truncatingIfNeeded: instruction & 0xffff))
                    let slot = UInt64(bitPattern: Int64(bitPattern: pointer) &+ displacement)
                    if slots.contains(image.architecture.wordSize == 4 ? slot & 0xffff_ffff : slot) { found(base &+ UInt64(index), false) }
                }
                index += 4
            }
        }
    }
}

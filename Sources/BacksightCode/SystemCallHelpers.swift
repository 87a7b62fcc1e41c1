import BacksightELF

/// System calls a static ARM executable makes through a shared helper: glibc's Thumb code keeps
/// the frame pointer in `r7`, so its C wrappers (the cancellable `accept`, `connect`, `open`…)
/// load the call number into `ip` and call a helper (`__libc_do_syscall`, the cancellation
/// wrapper), which moves it to `r7` and makes the call. The number is a constant at the call
/// site, not in the helper.
enum SystemCallHelpers {
    /// One call of a helper: where, and the number `ip` holds.
    struct Call {
        var site: UInt64
        var thumb: Bool
        var helper: UInt64
        var number: Int64
    }

    /// Calls (`bl`) preceded within 32 bytes by a constant move into `ip`, to targets
    /// at least two such calls reach with different numbers (one call with `ip` set is no helper).
    static func calls(in image: ObjectImage) -> [Call] {
        guard image.architecture == .arm else { return [] }
        var found: [Call] = []
        for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 {
            let code = image.bytes(at: section.address, count: Int(clamping: section.size))
            func half(_ at: Int) -> UInt32 { UInt32(code[at]) | UInt32(code[at + 1]) << 8 }
            func word(_ at: Int) -> UInt32 { half(at) | half(at + 2) << 16 }
            var index = 0
            while index + 4 <= code.count, found.count < 4096 {
                let address = section.address &+ UInt64(index)
                let first = half(index), second = half(index + 2)
                // Thumb-2 BL (not BLX): the helper is Thumb code too.
                if first & 0xf800 == 0xf000, second & 0xd000 == 0xd000 {
                    let sign = (first >> 10) & 1
                    let i1 = ~((second >> 13) & 1 ^ sign) & 1
                    let i2 = ~((second >> 11) & 1 ^ sign) & 1
                    let raw = sign << 24 | i1 << 23 | i2 << 22 | (first & 0x3ff) << 12 | (second & 0x7ff) << 1
                    let target = UInt64(bitPattern: Int64(bitPattern: address &+ 4) &+ Int64(Int32(bitPattern: raw << 7) >> 7))
                    let number = stride(from: index - 4, through: max(index - 32, 0), by: -2).lazy.compactMap { at in
                        at >= 0 ? thumbMoveToIP(half(at), half(at + 2)) : nil
                    }.first
                    if let number { found.append(Call(site: address, thumb: true, helper: target, number: number)) }
                }
                // ARM BL.
                if index % 4 == 0, word(index) & 0x0f00_0000 == 0x0b00_0000, word(index) >> 28 == 0xe {
                    let immediate = Int64(Int32(bitPattern: word(index) << 8) >> 8) * 4
                    let target = UInt64(bitPattern: Int64(bitPattern: address &+ 8) &+ immediate)
                    let number = stride(from: index - 4, through: max(index - 32, 0), by: -4).lazy.compactMap { at in
                        at >= 0 ? armMoveToIP(word(at)) : nil
                    }.first
                    if let number { found.append(Call(site: address, thumb: false, helper: target, number: number)) }
                }
                index += 2
            }
        }
        let numbersByHelper = Dictionary(grouping: found, by: \.helper).mapValues { Set($0.map(\.number)) }
        return found.filter { (numbersByHelper[$0.helper]?.count ?? 0) >= 2 && image.isExecutable($0.helper) }
    }

    /// `mov.w ip, #imm` (a modified immediate) or `movw ip, #imm16`.
    private static func thumbMoveToIP(_ first: UInt32, _ second: UInt32) -> Int64? {
        guard second & 0x8f00 == 0x0c00 else { return nil }
        let i = (first >> 10) & 1, imm3 = (second >> 12) & 7, imm8 = second & 0xff
        if first & 0xfbef == 0xf04f {
            return expandThumbImmediate(i << 11 | imm3 << 8 | imm8).map(Int64.init)
        }
        if first & 0xfbf0 == 0xf240 {
            return Int64((first & 0xf) << 12 | i << 11 | imm3 << 8 | imm8)
        }
        return nil
    }

    /// `mov ip, #imm` (rotated) or `movw ip, #imm16`, unconditional.
    private static func armMoveToIP(_ word: UInt32) -> Int64? {
        guard word >> 28 == 0xe else { return nil }
        if word & 0x0fef_f000 == 0x03a0_c000 {
            let rotation = (word >> 8 & 0xf) * 2
            let value = word & 0xff
            return Int64(rotation == 0 ? value : value >> rotation | value << (32 - rotation))
        }
        if word & 0x0ff0_f000 == 0x0300_c000 { return Int64((word >> 16 & 0xf) << 12 | word & 0xfff) }
        return nil
    }

    /// ThumbExpandImm for the values a system-call number can take (no replicated patterns beyond a byte).
    private static func expandThumbImmediate(_ imm12: UInt32) -> UInt32? {
        if imm12 >> 10 == 0 { return imm12 >> 8 == 0 ? imm12 & 0xff : nil }
        let unrotated = 0x80 | imm12 & 0x7f
        let rotation = imm12 >> 7
        return unrotated >> rotation | unrotated << (32 - rotation)
    }
}

extension SystemCallHelpers {
    /// The argument a MIPS o32 helper (`__mips_syscall5` to `7`: the calls with more arguments
    /// than registers) reads its call number from: a stack slot of its caller's outgoing
    /// arguments (`sp+16` is the fifth).
    static func stackNumberArgument(_ number: SymbolicValue, on architecture: CodeArchitecture) -> Int? {
        guard case .mips(is64Bit: false, _) = architecture, case let .loaded(.stack(offset), delta: 0) = number,
              offset >= 16, offset <= 40, offset % 4 == 0 else { return nil }
        return 4 + Int(offset - 16) / 4
    }
}

extension ProgramBehaviour {
    /// The calls made through system-call helpers, named by their numbers: a call at the start
    /// of a function that passes its own first argument on names that function (a libc wrapper);
    /// any other call with the arguments it passes is a call of its own. ARM helpers take the
    /// number in ip (``SystemCallHelpers/calls(in:)``), MIPS ones in a stack argument
    /// (`stackHelpers`: helper start, argument index).
    func helperSystemCalls(naming localNames: inout [UInt64: String], stackHelpers: [UInt64: Int], starts: [UInt64]) -> [ProgramCall] {
        var calls: [ProgramCall] = []
        func add(_ raw: String, _ passed: [SymbolicValue], site: InstructionSite, start: (address: UInt64, thumb: Bool), function: String) {
            let (callee, arguments) = Self.relativeToWorkingDirectory(raw, passed)
            if case .argument(0)? = arguments.first {
                if localNames[start.address] == nil { localNames[start.address] = callee }
                return
            }
            calls.append(ProgramCall(name: callee, arguments: arguments, site: site, function: function, viaSystemCall: true))
        }
        for helperCall in SystemCallHelpers.calls(in: image) where walker.budget > 0 {
            guard let raw = SystemCallNumbers.name(of: helperCall.number, on: image.architecture),
                  let start = start(of: helperCall.site, thumb: helperCall.thumb, starts: starts, within: 256) else { continue }
            let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
            let record = walker.walk(start: start.address, thumb: start.thumb, name: name, stopAfter: helperCall.site)
            guard let call = record.calls.last(where: { $0.site.address == helperCall.site }) else { continue }
            add(raw, call.arguments, site: call.site, start: start, function: name)
        }
        guard !stackHelpers.isEmpty else { return calls }
        let helperNames = stackHelpers.mapValues { _ in "a system-call helper" }
        for site in search.sites(calling: [], localNames: helperNames, limit: 256) where walker.budget > 0 {
            guard let start = start(of: site.address, thumb: false, starts: starts, within: 512) else { continue }
            let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
            // The site loads $t9; the call follows a few instructions on.
            let record = walker.walk(start: start.address, thumb: false, name: name, stopAfter: site.address &+ 48)
            for call in record.calls where call.site.address >= site.address && call.site.address <= site.address &+ 48 {
                guard case let .local(address, _) = call.kind, let index = stackHelpers[address], index < call.arguments.count,
                      let number = call.arguments[index].constantValue,
                      let raw = SystemCallNumbers.name(of: number, on: image.architecture) else { continue }
                add(raw, Array(call.arguments.prefix(index)), site: call.site, start: start, function: name)
                break
            }
        }
        return calls
    }
}

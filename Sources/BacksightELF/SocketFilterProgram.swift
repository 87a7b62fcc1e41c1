/// One classic BPF instruction (`struct sock_filter`: 16-bit code, two 8-bit jump offsets, 32-bit k).
public struct SocketFilterInstruction: Sendable, Hashable, Codable {
    public var code: UInt16
    public var jt: UInt8
    public var jf: UInt8
    public var k: UInt32

    public init(code: UInt16, jt: UInt8, jf: UInt8, k: UInt32) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    var instructionClass: UInt16 { code & 0x07 }
    var isConditionalJump: Bool { instructionClass == 0x05 && code & 0xf0 != 0x00 }
    var isReturn: Bool { instructionClass == 0x06 }

    /// The mnemonic and operand as `tcpdump -d` prints them, or nil for a code no kernel accepts.
    func mnemonic(at index: Int) -> (op: String, operand: String)? {
        let signed = Int32(bitPattern: k)
        let hexK = "#0x" + String(k, radix: 16)
        switch code {
        case 0x06: return ("ret", "#\(k)")
        case 0x0e: return ("ret", "x")
        case 0x16: return ("ret", "")
        case 0x20: return ("ld", "[\(signed)]")
        case 0x28: return ("ldh", "[\(signed)]")
        case 0x30: return ("ldb", "[\(signed)]")
        case 0x80: return ("ld", "#pktlen")
        case 0x81: return ("ldx", "#pktlen")
        case 0x40: return ("ld", "[x + \(signed)]")
        case 0x48: return ("ldh", "[x + \(signed)]")
        case 0x50: return ("ldb", "[x + \(signed)]")
        case 0x00: return ("ld", hexK)
        case 0x01: return ("ldx", hexK)
        case 0xb1: return ("ldxb", "4*([\(signed)]&0xf)")
        case 0x60: return ("ld", "M[\(k)]")
        case 0x61: return ("ldx", "M[\(k)]")
        case 0x02: return ("st", "M[\(k)]")
        case 0x03: return ("stx", "M[\(k)]")
        case 0x05: return ("ja", "\(index + 1 + Int(k))")
        case 0x07: return ("tax", "")
        case 0x87: return ("txa", "")
        case 0x84: return ("neg", "")
        default: break
        }
        let usesX = code & 0x08 != 0
        switch instructionClass {
        case 0x05:
            let names: [UInt16: String] = [0x10: "jeq", 0x20: "jgt", 0x30: "jge", 0x40: "jset"]
            guard code & 0xf7 == code, let name = names[code & 0xf0] else { return nil }
            return (name, usesX ? "x" : hexK)
        case 0x04:
            let names: [UInt16: (String, Bool)] = [
                0x00: ("add", false), 0x10: ("sub", false), 0x20: ("mul", false), 0x30: ("div", false), 0x90: ("mod", false),
                0x40: ("or", true), 0x50: ("and", true), 0xa0: ("xor", true), 0x60: ("lsh", false), 0x70: ("rsh", false),
            ]
            guard code & 0xf7 == code, let (name, hexadecimal) = names[code & 0xf0] else { return nil }
            return (name, usesX ? "x" : hexadecimal ? hexK : "#\(k)")
        default:
            return nil
        }
    }

    /// The line `tcpdump -d` prints for this instruction at `index`.
    public func text(at index: Int) -> String {
        let number = String(index)
        let label = "(" + String(repeating: "0", count: max(0, 3 - number.count)) + number + ")"
        guard let (op, operand) = mnemonic(at: index) else { return "\(label) unimp    0x\(String(code, radix: 16))" }
        let paddedOp = op + String(repeating: " ", count: max(0, 8 - op.count))
        if isConditionalJump {
            let paddedOperand = operand + String(repeating: " ", count: max(0, 16 - operand.count))
            return "\(label) \(paddedOp) \(paddedOperand) jt \(index + 1 + Int(jt))\tjf \(index + 1 + Int(jf))"
        }
        return "\(label) \(paddedOp) \(operand)"
    }
}

/// A classic BPF program (`sock_filter[]`) stored as static data: what a socket filter matches.
public struct SocketFilterProgram: Sendable, Hashable, Codable {
    public var section: String
    public var address: UInt64
    public var fileOffset: UInt64
    public var instructions: [SocketFilterInstruction]

    public init(section: String, address: UInt64, fileOffset: UInt64, instructions: [SocketFilterInstruction]) {
        self.section = section
        self.address = address
        self.fileOffset = fileOffset
        self.instructions = instructions
    }

    /// A seccomp filter rather than a socket filter: it loads the architecture word of
    /// `struct seccomp_data` (`ld [4]`) and compares it with an `AUDIT_ARCH_*` value.
    public var isSeccomp: Bool {
        instructions.contains { $0.code == 0x20 && $0.k == 4 }
            && instructions.contains { $0.code == 0x15 && $0.k & 0x3fff_0000 == 0 && $0.k & 0x4000_0000 != 0 && $0.k & 0xffff != 0 }
    }

    /// The program as `tcpdump -d` prints it, one line per instruction.
    public var listing: [String] { instructions.enumerated().map { $1.text(at: $0) } }

    /// What the program compares packets with, in words: EtherTypes, IP protocols, ports and
    /// other constants, from the loads and the comparisons that follow them.
    public var summary: String {
        var matched: [String] = []
        var lastLoad: (code: UInt16, k: UInt32)?
        for instruction in instructions {
            switch instruction.code {
            case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50: lastLoad = (instruction.code, instruction.k)
            case 0x15, 0x25, 0x35, 0x45:
                let value = instruction.k
                let hex = "0x" + String(value, radix: 16)
                let description: String
                switch (lastLoad?.code, lastLoad?.k) {
                case (0x28, 12): description = "EtherType " + (Self.etherTypes[value].map { "\($0) (\(hex))" } ?? hex)
                case (0x30, 23), (0x30, 9), (0x30, 20), (0x30, 6):
                    description = "IP protocol " + (Self.protocols[value].map { "\($0) (\(value))" } ?? "\(value)")
                case (0x48, 14), (0x48, 16), (0x28, 34), (0x28, 36), (0x28, 54), (0x28, 56):
                    // After `ldxb 4*([14]&0xf)`, [x + 14] and [x + 16] are the TCP/UDP ports; [34], [36]
                    // (IPv4 without options) and [54], [56] (IPv6) too.
                    description = "port \(value)"
                default:
                    description = (instruction.code == 0x45 ? "bits " : "value ") + hex
                }
                if !matched.contains(description) { matched.append(description) }
            default: break
            }
        }
        if isSeccomp { return "\(instructions.count) instructions; a seccomp filter (system calls, not packets)" }
        let accepts = instructions.filter { $0.code == 0x06 && $0.k != 0 }.map { "\($0.k)" }
        return "\(instructions.count) instructions; compares \(matched.isEmpty ? "nothing" : matched.prefix(12).joined(separator: ", "))"
            + (accepts.isEmpty ? "; never accepts" : "; accepts \(Set(accepts).sorted().joined(separator: "/")) bytes")
    }

    private static let etherTypes: [UInt32: String] = [0x800: "IPv4", 0x86dd: "IPv6", 0x806: "ARP", 0x8100: "802.1Q", 0x8035: "RARP", 0x888e: "EAPOL"]
    private static let protocols: [UInt32: String] = [1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP"]

    /// Finds classic BPF programs in the file's initialised, non-executable data (`.rodata`,
    /// `.data`, `.data.rel.ro`): runs of 8-byte `sock_filter` entries, in the file's byte order,
    /// that start with a packet load, hold a conditional jump, keep every jump inside the program
    /// and end in a return. At most `limit` programs are returned.
    public static func find(in model: ELFModel, bytes: UnsafeRawBufferPointer, limit: Int = 16) -> [SocketFilterProgram] {
        var found: [SocketFilterProgram] = []
        let little = model.header.isLittleEndian
        for section in model.sections where section.hasFileBytes && !section.isExecutable && section.size >= 32 && section.isAllocated {
            guard section.typeNumber == 1 else { continue }  // SHT_PROGBITS
            let start = Int(clamping: section.offset)
            let end = min(bytes.count, Int(clamping: section.offset.addingReportingOverflow(section.size).partialValue))
            guard start < end else { continue }
            // sock_filter is 4-byte aligned: try every 4-byte position.
            var offset = start + (4 - start % 4) % 4
            while offset + 32 <= end, found.count < limit {
                if let program = decode(bytes, from: offset, end: end, littleEndian: little) {
                    let address = section.address &+ UInt64(offset - start)
                    found.append(SocketFilterProgram(section: section.name, address: address, fileOffset: UInt64(offset), instructions: program))
                    offset += program.count * 8
                } else {
                    offset += 4
                }
            }
        }
        return found
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, from start: Int, end: Int, littleEndian: Bool) -> [SocketFilterInstruction]? {
        func instruction(at offset: Int) -> SocketFilterInstruction {
            let code = littleEndian ? UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 : UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            var k: UInt32 = 0
            for index in 0..<4 {
                let byte = UInt32(bytes[offset + 4 + index])
                k |= littleEndian ? byte << (8 * index) : byte << (8 * (3 - index))
            }
            return SocketFilterInstruction(code: code, jt: bytes[offset + 2], jf: bytes[offset + 3], k: k)
        }
        // A filter starts by loading from the packet (or its length), never with a constant.
        let first = instruction(at: start)
        guard [0x20, 0x28, 0x30, 0x80, 0xb1].contains(first.code), first.jt == 0, first.jf == 0, first.k < 0x10000 || first.k >= 0xffff_f000 else { return nil }
        var program: [SocketFilterInstruction] = []
        var furthest = 0
        var conditionalJumps = 0
        var offset = start
        while offset + 8 <= end, program.count < 4096 {
            let next = instruction(at: offset)
            let index = program.count
            guard next.mnemonic(at: index) != nil else { return nil }
            if next.isConditionalJump {
                conditionalJumps += 1
                furthest = max(furthest, index + 1 + Int(max(next.jt, next.jf)))
            } else if next.code == 0x05 {
                furthest = max(furthest, index + 1 + Int(clamping: next.k))
            } else if next.jt != 0 || next.jf != 0 {
                return nil
            }
            if [0x60, 0x61, 0x02, 0x03].contains(next.code), next.k >= 16 { return nil }
            program.append(next)
            if next.isReturn, index >= furthest {
                return program.count >= 4 && conditionalJumps >= 1 && furthest <= index ? program : nil
            }
            offset += 8
        }
        return nil
    }
}

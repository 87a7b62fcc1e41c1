import CCapstone
import Foundation

/// Capstone register ids folded to full registers by name (`eax` -> `rax`, `w3` -> `x3`), and
/// the registers the calling convention names.
struct RegisterNames: Sendable {
    /// The tables of each architecture, built once per process (capstone's names never change).
    private static let cache = RegisterNameCache()

    static func shared(for architecture: CodeArchitecture, handle: csh) -> RegisterNames {
        cache.names(for: architecture) { RegisterNames(handle: handle, architecture: architecture) }
    }

    /// For every capstone id: the folded register, or nil for "no register" and zero registers.
    private let folded: [Register?]
    /// For every capstone id: whether the register always reads as zero (`xzr`, `wzr`, MIPS `$zero`).
    private let zeroIDs: [Bool]
    /// For every capstone id: whether it is a 32-bit view of a 64-bit register (AArch64 `w0`…),
    /// whose writes zero-extend.
    private let narrowIDs: [Bool]
    private let byName: [String: Register]
    private let names: [String]

    init(handle: csh, architecture: CodeArchitecture) {
        let limit: UInt32
        switch architecture {
        case .x86_64, .i386: limit = X86_REG_ENDING.rawValue
        case .aarch64: limit = ARM64_REG_ENDING.rawValue
        case .arm: limit = ARM_REG_ENDING.rawValue
        case .mips: limit = MIPS_REG_ENDING.rawValue
        }
        var names: [String] = []
        for id in 0..<limit {
            names.append(cs_reg_name(handle, id).map { String(cString: $0) } ?? "")
        }
        var byName: [String: Register] = [:]
        for (id, name) in names.enumerated() where !name.isEmpty && byName[name] == nil {
            byName[name] = Register(id: UInt16(id))
        }
        var folded: [Register?] = []
        var zeroIDs = [Bool](repeating: false, count: names.count)
        var narrowIDs = [Bool](repeating: false, count: names.count)
        for (id, name) in names.enumerated() {
            guard id > 0, !name.isEmpty else { folded.append(nil); continue }
            if Self.isZeroRegister(name, architecture) {
                zeroIDs[id] = true
                folded.append(nil)
                continue
            }
            let full = Self.fullName(of: name, architecture)
            if architecture == .aarch64, full != name, name.hasPrefix("w") { narrowIDs[id] = true }
            folded.append(byName[full] ?? Register(id: UInt16(id)))
        }
        self.folded = folded
        self.zeroIDs = zeroIDs
        self.narrowIDs = narrowIDs
        self.byName = byName
        self.names = names
    }

    /// The disassembler's name of a register (`x0`, `r4`, `d8`).
    func name(of register: Register) -> String {
        Int(register.id) < names.count ? names[Int(register.id)] : ""
    }

    /// The full register for a capstone id; nil for no register and for zero registers.
    func register(_ id: UInt32) -> Register? {
        guard id < UInt32(folded.count) else { return nil }
        return folded[Int(id)]
    }

    func isZero(_ id: UInt32) -> Bool { id < UInt32(zeroIDs.count) && zeroIDs[Int(id)] }

    /// Whether the capstone id names a 32-bit view whose writes clear the upper half (AArch64 `w`).
    func isNarrow(_ id: UInt32) -> Bool { id < UInt32(narrowIDs.count) && narrowIDs[Int(id)] }

    /// The register with this (full) name, such as `rsp`, `x0`, `r0`, `a0`.
    func named(_ name: String) -> Register? { byName[name] }

    /// Operand for reading register `id`: zero registers read as the immediate 0.
    func readOperand(_ id: UInt32) -> Operand? {
        if isZero(id) { return .immediate(0) }
        return register(id).map(Operand.register)
    }

    private static func isZeroRegister(_ name: String, _ architecture: CodeArchitecture) -> Bool {
        switch architecture {
        case .aarch64: return name == "xzr" || name == "wzr"
        case .mips: return name == "zero" || name == "0"
        default: return false
        }
    }

    private static let x86Families: [String: String] = {
        var map: [String: String] = [:]
        for (full, parts) in [
            ("rax", ["al", "ah", "ax", "eax"]), ("rbx", ["bl", "bh", "bx", "ebx"]),
            ("rcx", ["cl", "ch", "cx", "ecx"]), ("rdx", ["dl", "dh", "dx", "edx"]),
            ("rsi", ["sil", "si", "esi"]), ("rdi", ["dil", "di", "edi"]),
            ("rbp", ["bpl", "bp", "ebp"]), ("rsp", ["spl", "sp", "esp"]), ("rip", ["ip", "eip"]),
        ] {
            for part in parts { map[part] = full }
        }
        for number in 8...15 {
            for suffix in ["b", "w", "d"] { map["r\(number)\(suffix)"] = "r\(number)" }
        }
        return map
    }()

    private static func fullName(of name: String, _ architecture: CodeArchitecture) -> String {
        switch architecture {
        case .x86_64:
            return x86Families[name] ?? name
        case .i386:
            // 32-bit code: the e-registers are the full ones.
            guard let wide = x86Families[name], wide.hasPrefix("r"), wide.count == 3 else { return name }
            return "e" + wide.dropFirst()
        case .aarch64:
            if name == "wsp" { return "sp" }
            if name.hasPrefix("w"), let number = Int(name.dropFirst()), (0...30).contains(number) { return "x\(number)" }
            return name
        case .arm, .mips:
            return name
        }
    }
}

/// A lock-protected table of ``RegisterNames`` by architecture.
private final class RegisterNameCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [CodeArchitecture: RegisterNames] = [:]

    func names(for architecture: CodeArchitecture, build: () -> RegisterNames) -> RegisterNames {
        lock.lock()
        defer { lock.unlock() }
        if let known = tables[architecture] { return known }
        let built = build()
        tables[architecture] = built
        return built
    }
}

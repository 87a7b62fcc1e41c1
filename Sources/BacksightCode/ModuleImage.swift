import BacksightELF

/// A relocatable object (a kernel module) as the module analysis sees it: its sections by name,
/// its symbol table by index, what each relocation points at. Every read is bounds-checked.
final class ModuleImage {
    let model: ELFModel
    private let view: UnsafeRawBufferPointer
    private let symtab: [Int: ELFSymbol]
    /// Undefined symbol names: the kernel symbols the module imports.
    let imports: Set<String>
    /// Executable sections with bytes in the file.
    let codeSections: [ELFSection]

    /// A relocation that points at a NUL-terminated string in read-only data.
    struct StringReference {
        var relocation: ELFRelocation
        var text: String
    }

    init(model: ELFModel, bytes: UnsafeRawBufferPointer) {
        self.model = model
        self.view = bytes
        var symtab: [Int: ELFSymbol] = [:]
        var imports: Set<String> = []
        for symbol in model.symbols where symbol.table == .symtab {
            symtab[symbol.index] = symbol
            if symbol.isUndefined, !symbol.name.isEmpty { imports.insert(symbol.name) }
        }
        self.symtab = symtab
        self.imports = imports
        codeSections = model.sections.filter { $0.isExecutable && $0.hasFileBytes && $0.size > 0 }
    }

    func isCode(_ sectionName: String?) -> Bool {
        guard let sectionName, let section = model.section(named: sectionName) else { return false }
        return section.isExecutable
    }

    func isDebug(_ sectionName: String?) -> Bool {
        guard let sectionName else { return true }
        return sectionName.hasPrefix(".debug") || sectionName.hasPrefix(".BTF") || sectionName == ".comment"
    }

    /// The bytes of a section in the file (empty for `NOBITS` or out-of-file sections).
    func bytes(of section: ELFSection) -> UnsafeRawBufferPointer {
        guard section.hasFileBytes, let start = Int(exactly: section.offset), start <= view.count else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        let length = Int(exactly: section.size).map { min($0, view.count - start) } ?? 0
        return UnsafeRawBufferPointer(rebasing: view[start..<(start + length)])
    }

    /// A little- or big-endian word of `section` at `offset`.
    func word(in section: ELFSection, at offset: UInt64, width: Int) -> UInt64? {
        let region = bytes(of: section)
        guard let start = Int(exactly: offset), start >= 0, start <= region.count, region.count - start >= width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(region[start + (model.header.isLittleEndian ? width - 1 - index : index)])
            value = (value << 8) | byte
        }
        return value
    }

    func symbol(of relocation: ELFRelocation) -> ELFSymbol? { symtab[Int(relocation.symbolIndex)] }

    /// Where the relocation applies, as a file offset.
    func fileOffset(of relocation: ELFRelocation) -> UInt64? {
        relocation.targetSection.flatMap(model.section(named:)).map { $0.offset &+ relocation.offset }
    }

    /// The offsets from the start of the relocation's symbol it may stand for. PC-relative x86
    /// relocations carry the distance from the end of the instruction, so the field's own
    /// position within the instruction (4 to 8 bytes before its end) is added back; absolute and
    /// AArch64 relocations carry the offset itself.
    func effectiveOffsets(of relocation: ELFRelocation) -> [Int64] {
        let addend = relocation.addend ?? implicitAddend(relocation) ?? 0
        switch relocation.type {
        case "R_X86_64_PC32", "R_X86_64_PLT32", "R_386_PC32", "R_386_PLT32":
            return [4, 5, 6, 8].map { addend &+ $0 }
        default:
            return [addend]
        }
    }

    /// REL relocations keep the addend in the field they patch (4 bytes on the 32-bit machines).
    private func implicitAddend(_ relocation: ELFRelocation) -> Int64? {
        guard relocation.addend == nil, let section = relocation.targetSection.flatMap(model.section(named:)),
              let stored = word(in: section, at: relocation.offset, width: 4) else { return nil }
        return Int64(Int32(truncatingIfNeeded: stored))
    }

    /// Whether the relocation points at the module's own `struct module`: `__this_module`, or
    /// the section that holds it when the object defines it and refers to it by section.
    func pointsAtThisModule(_ relocation: ELFRelocation) -> Bool {
        if relocation.symbolName == "__this_module" { return true }
        guard let symbol = symbol(of: relocation), symbol.type == "SECTION", Int(symbol.sectionIndex) < model.sections.count else { return false }
        return model.sections[Int(symbol.sectionIndex)].name == ".gnu.linkonce.this_module"
    }

    /// Whether the relocation points at code: a function symbol, or an executable section.
    func pointsIntoCode(_ relocation: ELFRelocation) -> Bool {
        guard let symbol = symbol(of: relocation), !symbol.isUndefined else { return false }
        if symbol.type == "FUNC" { return true }
        guard symbol.type == "SECTION", Int(symbol.sectionIndex) < model.sections.count else { return false }
        return model.sections[Int(symbol.sectionIndex)].isExecutable
    }

    /// Relocations outside debug information that point at the start of a string in read-only,
    /// allocated data.
    private(set) lazy var stringReferences: [StringReference] = {
        var references: [StringReference] = []
        for relocation in model.relocations where !isDebug(relocation.targetSection) {
            guard let symbol = symbol(of: relocation), !symbol.isUndefined, Int(symbol.sectionIndex) < model.sections.count else { continue }
            let section = model.sections[Int(symbol.sectionIndex)]
            guard section.isAllocated, !section.isExecutable, !section.isWritable, section.hasFileBytes else { continue }
            let region = bytes(of: section)
            for candidate in effectiveOffsets(of: relocation) {
                let start = Int64(bitPattern: symbol.value) &+ candidate
                guard start >= 0, start < Int64(region.count) else { continue }
                let at = Int(start)
                guard at == 0 || region[at - 1] == 0, let text = Self.identifierString(in: region, at: at) else { continue }
                references.append(StringReference(relocation: relocation, text: text))
                break
            }
        }
        return references
    }()

    /// A NUL-terminated string of identifier characters (up to 128) at `at`.
    private static func identifierString(in region: UnsafeRawBufferPointer, at: Int) -> String? {
        var end = at
        while end < region.count, end - at <= 128 {
            let byte = region[end]
            if byte == 0 { break }
            guard byte == 0x5f || (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2e else { return nil }
            end += 1
        }
        guard end > at, end < region.count, region[end] == 0 else { return nil }
        return String(decoding: region[at..<end], as: UTF8.self)
    }

    /// A function's code: its symbol's range in its section.
    struct FunctionRange {
        var start: UInt64
        var end: UInt64
        var name: String
    }

    private var functionRangesBySection: [Int: [FunctionRange]] = [:]

    /// The sized function symbols of `section`, sorted by start.
    func functionRanges(in section: ELFSection) -> [FunctionRange] {
        if let known = functionRangesBySection[section.index] { return known }
        let ranges = model.symbols.filter { $0.table == .symtab && $0.type == "FUNC" && Int($0.sectionIndex) == section.index && $0.size > 0 }
            .map { FunctionRange(start: $0.value, end: $0.value &+ $0.size, name: $0.name) }
            .sorted { $0.start < $1.start }
        functionRangesBySection[section.index] = ranges
        return ranges
    }

    /// The function whose code holds `offset` of `section`.
    func functionRange(in section: ELFSection, at offset: UInt64) -> FunctionRange? {
        let ranges = functionRanges(in: section)
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].start <= offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0, offset < ranges[low - 1].end else { return nil }
        return ranges[low - 1]
    }

    func function(in section: ELFSection, at offset: UInt64) -> String? { functionRange(in: section, at: offset)?.name }

    /// The ranges of `section` to decode so that every offset of `offsets` is seen on an
    /// instruction boundary: the functions holding them, or the whole section where no sized
    /// function symbol covers one.
    func rangesToSweep(in section: ELFSection, covering offsets: [UInt64]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for offset in offsets.sorted() {
            guard let function = functionRange(in: section, at: offset),
                  let start = Int(exactly: function.start), let end = Int(exactly: min(function.end, section.size)), start < end else {
                return [0..<Int(clamping: section.size)]
            }
            if ranges.last != start..<end { ranges.append(start..<end) }
        }
        return ranges
    }

    func function(containing relocation: ELFRelocation) -> String? {
        relocation.targetSection.flatMap(model.section(named:)).flatMap { function(in: $0, at: relocation.offset) }
    }

    /// The evidence of an instruction at `position` of `section`: its text, where it is, the
    /// function holding it.
    func evidence(at position: Int, in section: ELFSection, disassembler: Disassembler, note: String) -> CodeEvidence {
        let code = bytes(of: section)
        let text = position < code.count
            ? disassembler.decode(UnsafeRawBufferPointer(rebasing: code[position...]), address: UInt64(position), withText: true)?.text
            : nil
        return CodeEvidence(instruction: text ?? "?", address: UInt64(position), section: section.name,
                            fileOffset: section.offset &+ UInt64(position), function: function(in: section, at: UInt64(position)), note: note)
    }

    /// Decodes `code` from start to end, stepping over bytes that do not decode, and hands each
    /// instruction to `body` with its offset. Stops when `budget` instructions are spent.
    func sweep(_ code: UnsafeRawBufferPointer, range: Range<Int>? = nil, disassembler: Disassembler, budget: inout Int,
               _ body: (Int, Instruction) -> Void) {
        let step = disassembler.architecture.instructionAlignment(thumb: false)
        var position = max(range?.lowerBound ?? 0, 0)
        let end = min(range?.upperBound ?? code.count, code.count)
        while position < end, budget > 0 {
            budget -= 1
            guard let instruction = disassembler.decode(UnsafeRawBufferPointer(rebasing: code[position...]), address: UInt64(position)) else {
                position += step
                continue
            }
            body(position, instruction)
            position += max(instruction.size, step)
        }
    }
}

import BacksightELF

/// Whether anything in an x86 object could hand the code a pointer to one of a few data
/// addresses, read from the bytes without decoding: a RIP-relative displacement (x86-64) or a
/// displacement from the GOT (i386 position-independent code), a 32-bit immediate or (x86-64)
/// a 64-bit one (`movabs`, the large code model) at every byte of the code, a pointer-sized
/// word at every four-byte boundary of the data, a relocation's addend. Every position is
/// tried, so the answer errs towards yes.
///
/// Other instruction sets build addresses from pairs of instructions (`adrp`/`add`,
/// `movw`/`movt`, `lui`/`addiu`) that a byte scan cannot pair up exactly: for them the answer
/// is nil, and nothing may be ruled out.
enum LiteralReferences {
    static func mayReference(_ addresses: [UInt64], in image: ObjectImage) -> Bool? {
        guard image.architecture.isX86 else { return nil }
        let targets = addresses.sorted()
        guard let lowest = targets.first, let highest = targets.last else { return false }
        func isTarget(_ value: UInt64) -> Bool {
            guard value >= lowest, value <= highest else { return false }
            let index = targets.countOfPrefix { $0 < value }
            return index < targets.count && targets[index] == value
        }
        let is64Bit = image.architecture == .x86_64
        let gotBase = (image.model.section(named: ".got.plt") ?? image.model.section(named: ".got"))?.address ?? 0
        // Tables the loader and unwinder read hold no pointers the code is handed.
        let tables: Set<String> = [".eh_frame", ".eh_frame_hdr", ".gcc_except_table", ".dynsym", ".dynstr", ".gnu.hash", ".hash",
                                   ".gnu.version", ".gnu.version_r", ".rela.dyn", ".rela.plt", ".rel.dyn", ".rel.plt"]
        for section in image.model.sections where section.isAllocated && section.hasFileBytes && section.size > 0 && !tables.contains(section.name) {
            let bytes = image.bytes(at: section.address, count: Int(clamping: section.size))
            guard bytes.count >= 4 else { continue }
            if section.isExecutable {
                // At every byte: a displacement or an immediate of four bytes.
                for offset in 0...(bytes.count - 4) {
                    let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
                    let displacement = Int64(Int32(bitPattern: word))
                    let address = section.address &+ UInt64(offset)
                    let relative = is64Bit
                        ? UInt64(bitPattern: Int64(bitPattern: address &+ 4) &+ displacement)
                        : UInt64(UInt32(truncatingIfNeeded: Int64(bitPattern: gotBase) &+ displacement))
                    if isTarget(relative) || isTarget(UInt64(word)) { return true }
                    if is64Bit, offset + 8 <= bytes.count, isTarget(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian) {
                        return true
                    }
                }
            } else {
                // Pointers in data, at every four-byte boundary.
                for offset in stride(from: 0, through: bytes.count - 4, by: 4) {
                    let pointer = is64Bit && offset + 8 <= bytes.count
                        ? bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                        : UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                    if isTarget(pointer) { return true }
                }
            }
        }
        return image.model.relocations.contains { relocation in relocation.addend.map { isTarget(UInt64(bitPattern: $0)) } ?? false }
    }
}

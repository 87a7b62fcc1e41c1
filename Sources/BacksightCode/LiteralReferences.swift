import BacksightELF

/// Whether anything in an x86 object could hand the code a pointer to one of a few data
/// addresses, read from the bytes without decoding: a RIP-relative displacement (x86-64) or a
/// displacement from the GOT (i386 position-independent code), a 32- or 64-bit immediate, a
/// pointer-sized word in data, a relocation's addend. Every position of every encoding is
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
        for section in image.model.sections where section.isAllocated && section.hasFileBytes && section.size > 0 {
            let bytes = image.bytes(at: section.address, count: Int(clamping: section.size))
            guard bytes.count >= 4 else { continue }
            for offset in 0...(bytes.count - 4) {
                let word = UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                let address = section.address &+ UInt64(offset)
                if section.isExecutable {
                    let displacement = Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: word)))
                    let relative = is64Bit
                        ? UInt64(bitPattern: Int64(bitPattern: address &+ 4) &+ displacement)
                        : UInt64(UInt32(truncatingIfNeeded: Int64(bitPattern: gotBase) &+ displacement))
                    if isTarget(relative) { return true }
                }
                if isTarget(word) { return true }
                if is64Bit, offset + 8 <= bytes.count, isTarget(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian) {
                    return true
                }
            }
        }
        return image.model.relocations.contains { relocation in relocation.addend.map { isTarget(UInt64(bitPattern: $0)) } ?? false }
    }
}

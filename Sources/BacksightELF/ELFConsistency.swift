/// Checks of a model for what no toolchain writes but a hostile file may, to mislead one
/// parser while another loads it: sections overlapping in the file, entry sizes that lie,
/// string tables without their final NUL, relocations that point outside every section,
/// extended section numbering used without need. Each finding becomes an ``ELFProblem``.
/// Every check is linear or `n log n` in the number of sections and relocations.
enum ELFConsistency {
    /// `headerSectionCount` is `e_shnum` as the ELF header states it.
    static func problems(in model: ELFModel, headerSectionCount: UInt16, bytes: ByteView, isRelocatable: Bool) -> [ELFProblem] {
        var found: [ELFProblem] = []
        found += extendedNumbering(model, headerSectionCount: headerSectionCount)
        found += overlaps(model)
        found += entrySizes(model)
        found += unterminatedStringTables(model, bytes: bytes)
        found += strayRelocations(model, isRelocatable: isRelocatable)
        return found
    }

    /// `e_shnum` 0 with the count in section 0 is for files of 0xff00 sections or more.
    static func extendedNumbering(_ model: ELFModel, headerSectionCount: UInt16) -> [ELFProblem] {
        guard headerSectionCount == 0, model.sections.count > 1, model.sections.count < 0xff00 else { return [] }
        return [ELFProblem("the ELF header counts 0 sections; the real count, \(model.sections.count), is hidden in section 0 (extended numbering, needed only from 65280 sections)")]
    }

    /// Sections whose file bytes overlap another's.
    static func overlaps(_ model: ELFModel) -> [ELFProblem] {
        let placed = model.sections
            .filter { $0.typeNumber != 0 && $0.hasFileBytes && $0.size > 0 }
            .sorted { ($0.offset, $0.index) < ($1.offset, $1.index) }
        var found: [ELFProblem] = []
        // The section reaching furthest into the file so far, and where it ends (saturating).
        var reaching: ELFSection?
        var reach: UInt64 = 0
        var count = 0
        for section in placed {
            if let previous = reaching, section.offset < reach {
                count += 1
                if found.isEmpty {
                    found.append(ELFProblem("sections \(previous.index) \(previous.name) and \(section.index) \(section.name) overlap in the file", offset: section.offset))
                }
            }
            let end = section.offset.addingReportingOverflow(section.size)
            let sectionReach = end.overflow ? UInt64.max : end.partialValue
            if reaching == nil || sectionReach > reach {
                reaching = section
                reach = sectionReach
            }
        }
        if count > 1 { found.append(ELFProblem("\(count) section overlaps in all")) }
        return found
    }

    /// Tables whose `sh_entsize` is not the size of their records (libelf reads them by
    /// record size; a tool that trusts `sh_entsize` reads something else).
    static func entrySizes(_ model: ELFModel) -> [ELFProblem] {
        let wide = model.header.is64Bit
        var found: [ELFProblem] = []
        for section in model.sections {
            let expected: UInt64
            switch section.typeNumber {
            case 2, 11: expected = wide ? 24 : 16   // SHT_SYMTAB, SHT_DYNSYM
            case 4: expected = wide ? 24 : 12       // SHT_RELA
            case 9: expected = wide ? 16 : 8        // SHT_REL
            case 6: expected = wide ? 16 : 8        // SHT_DYNAMIC
            default: continue
            }
            if section.entrySize != expected {
                found.append(ELFProblem("section \(section.index) \(section.name): sh_entsize \(section.entrySize) is not the \(expected) bytes of one \(section.type) record", offset: section.offset))
            }
        }
        return found
    }

    /// String tables whose last byte is not NUL: their last string runs past the table.
    static func unterminatedStringTables(_ model: ELFModel, bytes: ByteView) -> [ELFProblem] {
        model.sections.compactMap { section in
            guard section.typeNumber == 3, section.size > 0 else { return nil }   // SHT_STRTAB
            let last = section.offset.addingReportingOverflow(section.size - 1)
            guard !last.overflow, let byte = bytes.unsigned(at: last.partialValue, width: 1), byte != 0 else { return nil }
            return ELFProblem("string table \(section.index) \(section.name) does not end with a NUL", offset: section.offset)
        }
    }

    /// Relocations whose place is in no section: in linked files, outside every allocated
    /// section's memory image; in relocatable files, past the end of their target section.
    /// `R_*_NONE` (type 0) changes nothing and may sit anywhere (MIPS puts one at address 0).
    static func strayRelocations(_ model: ELFModel, isRelocatable: Bool) -> [ELFProblem] {
        guard !model.relocations.isEmpty else { return [] }
        var strays: [String: (count: Int, first: UInt64)] = [:]
        if isRelocatable {
            var sizes: [String: UInt64] = [:]
            for section in model.sections where sizes[section.name] == nil { sizes[section.name] = section.size }
            for relocation in model.relocations where relocation.typeNumber != 0 {
                guard let target = relocation.targetSection, let size = sizes[target], relocation.offset >= size else { continue }
                strays[relocation.section, default: (0, relocation.offset)].count += 1
            }
        } else {
            let ranges = allocatedRanges(model)
            for relocation in model.relocations where relocation.typeNumber != 0 && !ranges.contains(relocation.offset) {
                strays[relocation.section, default: (0, relocation.offset)].count += 1
            }
        }
        return strays.keys.sorted().compactMap { name in
            guard let stray = strays[name] else { return nil }
            let what = stray.count == 1 ? "1 relocation of \(name) points" : "\(stray.count) relocations of \(name) point"
            return ELFProblem("\(what) outside every section (the first at address 0x\(String(stray.first, radix: 16)))")
        }
    }

    /// The memory images of allocated sections.
    static func allocatedRanges(_ model: ELFModel) -> AddressRanges {
        AddressRanges(model.sections.filter { $0.isAllocated && $0.size > 0 }.map { section in
            let end = section.address.addingReportingOverflow(section.size)
            return (section.address, end.overflow ? UInt64.max : end.partialValue)
        })
    }
}

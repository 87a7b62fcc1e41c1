import BacksightELF

/// Indexes over one subject that leaves share, each built at most once per `match` call and
/// only when a leaf first asks for it. Local to one call and one thread.
final class SubjectFacts {
    let subject: ScanSubject
    /// The verified pattern hits in the subject's bytes (set once the search has run).
    var hits: PatternHits
    /// The exact symbol names rules look up; name indexes keep only names that pass it.
    private let names: NameFilter
    /// Where regex searches that PCRE2 stopped at a limit are logged (one log per `match` call).
    let regexLimits: RegexLimitLog

    init(subject: ScanSubject, hits: PatternHits, names: NameFilter, regexLimits: RegexLimitLog = RegexLimitLog()) {
        self.subject = subject
        self.hits = hits
        self.names = names
        self.regexLimits = regexLimits
    }

    var elf: ELFModel? { subject.elf }

    /// Imported names rules look up exactly, each with the index of its first symbol.
    lazy var imports: [String: Int] = index { $0.isImport }

    /// Exported names rules look up exactly, each with the index of its first symbol.
    lazy var exports: [String: Int] = index { $0.isExport }

    /// Symbol entries by name, for names rules look up exactly, in table order.
    lazy var symbolsByName: [String: [Int]] = {
        var index: [String: [Int]] = [:]
        guard let symbols = elf?.symbols else { return index }
        for position in symbols.indices where names.mayContain(symbols[position].name) {
            index[symbols[position].name, default: []].append(position)
        }
        return index
    }()

    /// The relocation types present, each once: `(number, name)`.
    lazy var relocationTypes: [(number: UInt32, name: String)] = {
        var found: [(number: UInt32, name: String)] = []
        guard let relocations = elf?.relocations else { return found }
        var last: UInt32?
        for position in relocations.indices {
            let number = relocations[position].typeNumber
            if number == last { continue }
            last = number
            if !found.contains(where: { $0.number == number }) { found.append((number, relocations[position].type)) }
        }
        return found
    }()

    /// Where the printable strings lie, found on first use (when the engine gave no strings):
    /// regexes run over these bytes, and only matches become `String`s.
    lazy var stringSpans: [PrintableSpan] = PrintableStrings.spans(in: subject.bytes, model: elf)

    /// `text` or `data` for non-ELF subjects (nil for ELF and for empty buffers), as the engine
    /// recognised it or else by ``ContentKind/classify(_:)``.
    lazy var contentKind: String? = {
        guard elf == nil, !subject.bytes.isEmpty else { return nil }
        return (subject.contentKind ?? ContentKind.classify(subject.bytes)).rawValue
    }()

    /// Names of the symbols passing `include` that rules look up exactly, with their first index.
    private func index(_ include: (ELFSymbol) -> Bool) -> [String: Int] {
        var index: [String: Int] = [:]
        guard let symbols = elf?.symbols else { return index }
        for position in symbols.indices where names.mayContain(symbols[position].name) {
            let name = symbols[position].name
            if index[name] == nil, include(symbols[position]) { index[name] = position }
        }
        return index
    }

    /// The name of the section whose file bytes hold `offset`.
    func sectionName(atFileOffset offset: UInt64) -> String? {
        guard let elf else { return nil }
        for section in elf.sections where section.hasFileBytes && section.typeNumber != 0 && section.size > 0 {
            if offset >= section.offset, offset - section.offset < section.size { return section.name }
        }
        return nil
    }

    /// The name of the section a symbol is defined in.
    func sectionName(of symbol: ELFSymbol) -> String? {
        guard let elf, symbol.sectionIndex != 0, symbol.sectionIndex < 0xff00,
              let index = Int(exactly: symbol.sectionIndex), index < elf.sections.count else { return nil }
        return elf.sections[index].name
    }
}

import BacksightELF
import BacksightRules

/// Looks for XOR-hidden strings, but only in objects that interpose on the functions a hooking
/// library shadows, so ordinary libraries pay one pass over their export names and nothing else.
///
/// The gate is the union of the rule set's interposition lists (``gateLists``): an object that
/// exports none of those names is never searched. Without those lists in the rule set the gate
/// is empty and nothing is searched.
struct HiddenStringsAnalyzer: Sendable {
    /// The symbol lists whose exports open the gate.
    static let gateLists = ["libc-hiding-set", "auth-set", "network-set", "ssh-crypto-set", "log-hiding-set"]

    /// Export names that open the gate.
    let gate: Set<String>

    init(ruleSet: RuleSet) {
        gate = ruleSet.lists.filter { Self.gateLists.contains($0.name) }.reduce(into: []) { $0.formUnion($1.symbols) }
    }

    /// Whether `model` exports a name of the gate.
    func interposes(_ model: ELFModel) -> Bool {
        guard !gate.isEmpty else { return false }
        return model.symbols.contains { $0.table == .dynsym && $0.isExport && gate.contains($0.name) }
    }

    /// The `xor-hidden-strings` evidence for an object, or nil when it is not searched or
    /// nothing was found.
    func characteristic(bytes: UnsafeRawBufferPointer, model: ELFModel) -> [Evidence]? {
        guard interposes(model) else { return nil }
        let found = XORHiddenStrings.find(in: bytes, model: model)
        guard !found.isEmpty else { return nil }
        return found.map { hidden in
            Evidence(feature: "xor-string", value: hidden.word, location: Location(section: hidden.section, offset: hidden.offset),
                     detail: "key \(hidden.keyDescription), decodes to \"\(hidden.decoded)\"")
        }
    }
}

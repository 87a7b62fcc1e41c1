/// The parts of an ``ELFModel`` that are read only when asked for. The header, sections,
/// segments, dynamic entries, symbols (with versions) and relocations are always read: the
/// dynamic entries' function arrays and the model's consistency problems depend on them.
/// A scan asks for the parts its rules and analyses read; `inspect` asks for all of them.
public struct ELFModelParts: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// ``ELFModel/gotSlots``: the GOT slots relocations fill (the code analysis reads them).
    public static let gotSlots = ELFModelParts(rawValue: 1 << 0)
    /// ``ELFModel/resolvers``: IFUNC resolvers (the code analysis reads them).
    public static let resolvers = ELFModelParts(rawValue: 1 << 1)
    /// ``ELFModel/notes``.
    public static let notes = ELFModelParts(rawValue: 1 << 2)
    /// ``ELFSection/entropy`` of every section; without it the entropy is nil and
    /// ``ELFSection/entropy(in:)`` computes it for one section.
    public static let sectionEntropy = ELFModelParts(rawValue: 1 << 3)

    public static let all: ELFModelParts = [.gotSlots, .resolvers, .notes, .sectionEntropy]
}

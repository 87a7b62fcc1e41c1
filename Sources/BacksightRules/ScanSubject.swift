import BacksightELF

/// The scopes a rule can match in.
public enum Scope: String, Sendable, Codable, CaseIterable {
    /// The whole file or buffer, whatever its format.
    case file
    /// An ELF file (rules in this scope never match other files).
    case elf
    /// One IFUNC resolver.
    case resolver
    /// One function the code analysis names (a constructor, a PAM entry point, …).
    case function
    /// Bytes decoded by the unpacker.
    case payload
}

/// One instance of a narrow scope (a resolver, a function) and the facts analysers found in it.
public struct ScopeInstance: Sendable {
    public var scope: Scope
    /// A display name: the resolver symbol, `constructor at 0x1234`, …
    public var name: String
    public var location: Location
    /// Named facts that hold for this instance, each with the evidence showing it.
    public var characteristics: [String: [Evidence]]
    /// Numeric facts (`instructions`, `local-calls`, …).
    public var metrics: [String: Double]
    /// Symbols the instance's code reaches (imported functions it calls, data it references).
    public var references: [String]
    /// The file offsets of the instance's own bytes (a resolver's code). `bytes` and `string`
    /// leaves in this scope only count matches inside it; without it they never match here.
    public var byteRange: Range<UInt64>?

    public init(scope: Scope, name: String, location: Location, characteristics: [String: [Evidence]] = [:],
                metrics: [String: Double] = [:], references: [String] = [], byteRange: Range<UInt64>? = nil) {
        self.scope = scope
        self.name = name
        self.location = location
        self.characteristics = characteristics
        self.metrics = metrics
        self.references = references
        self.byteRange = byteRange
    }
}

/// Everything rules may look at for one file or decoded payload. Built by the engine; rules
/// never see the file system, only these values.
public struct ScanSubject: @unchecked Sendable {
    /// The path inside the scanned root, `/`-separated, without a leading `/`
    /// (`pkg.deb!/usr/lib/x.so` for container members).
    public var path: String
    /// The bytes of the file or payload; valid for the duration of the match call.
    public var bytes: UnsafeRawBufferPointer
    /// The ELF model, when the bytes are ELF.
    public var elf: ELFModel?
    /// File-level named facts from the analysers, each with its evidence.
    public var characteristics: [String: [Evidence]]
    /// File-level numeric facts.
    public var metrics: [String: Double]
    /// Resolvers, functions and other narrow-scope instances.
    public var instances: [ScopeInstance]
    /// Decoded payloads, matched by `payload`-scope rules.
    public var payloads: [ScanSubject]
    /// Whether the bytes are text, when the engine already looked (the `type: text` leaf);
    /// nil lets matching classify them itself.
    public var contentKind: ContentKind?
    /// Characteristics that cost an analysis of their own, computed the first time a rule
    /// reads one (most files never get that far), keyed by name.
    public var deferredCharacteristics: [String: DeferredCharacteristic] = [:]
    /// Printable strings, when the engine already extracted them; otherwise `match` extracts
    /// them itself, and only if a rule reaches a regex `string` leaf.
    public var strings: [PrintableString]?

    public init(path: String, bytes: UnsafeRawBufferPointer, elf: ELFModel? = nil,
                characteristics: [String: [Evidence]] = [:], metrics: [String: Double] = [:],
                instances: [ScopeInstance] = [], payloads: [ScanSubject] = [], strings: [PrintableString]? = nil) {
        self.path = path
        self.bytes = bytes
        self.elf = elf
        self.characteristics = characteristics
        self.metrics = metrics
        self.instances = instances
        self.payloads = payloads
        self.strings = strings
    }
}

/// A file-level characteristic computed on first use and then kept: an analysis too costly to
/// run on every file before the rules that read it have ruled the file out by cheaper facts.
/// Used by one matching thread at a time, like the subject that holds it.
public final class DeferredCharacteristic: @unchecked Sendable {
    private let compute: () -> [Evidence]?
    private var computed: [Evidence]??

    /// `compute` returns the evidence when the characteristic holds, nil when it does not. It
    /// runs at most once, during a `match` call, so it may use the subject's bytes.
    public init(_ compute: @escaping () -> [Evidence]?) {
        self.compute = compute
    }

    /// The evidence, computing it on the first call.
    public var evidence: [Evidence]? {
        if let computed { return computed }
        let result = compute()
        computed = .some(result)
        return result
    }
}

/// Text or data: what the `type: text` and `type: data` leaves test in files that are not ELF.
public enum ContentKind: String, Sendable {
    case text
    case data

    /// How many leading bytes decide.
    public static let sampleSize = 8192

    /// Text has no NUL and under 5% control bytes (other than tab, line feed, form feed,
    /// carriage return and escape) in its first ``sampleSize`` bytes; bytes above 0x7f count
    /// as text, so UTF-8 is text.
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> ContentKind {
        let sample = UnsafeRawBufferPointer(rebasing: bytes.prefix(sampleSize))
        var control = 0
        for byte in sample {
            if byte == 0 { return .data }
            if (byte < 0x20 && byte != 0x09 && byte != 0x0a && byte != 0x0c && byte != 0x0d && byte != 0x1b) || byte == 0x7f {
                control += 1
            }
        }
        return control * 20 < sample.count ? .text : .data
    }
}

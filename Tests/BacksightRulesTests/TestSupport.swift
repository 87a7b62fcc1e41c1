import Foundation
import XCTest
@testable import BacksightELF
@testable import BacksightRules

/// Rule files written to a fresh temporary directory, compiled the way the CLI compiles them.
final class RuleDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `relative` (directories created) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func compile() throws -> RuleSet {
        try RuleSet.compile(directories: [path])
    }

    /// The one-line error compiling this directory gives, or nil when it compiles.
    func compileError() -> String? {
        do {
            _ = try RuleSet.compile(directories: [path])
            return nil
        } catch {
            return error.description
        }
    }
}

/// A rule file with the usual metadata around `condition` (indented YAML, no leading key).
func ruleYAML(id: String, scope: String = "file", severity: String = "high", condition: String) -> String {
    """
    id: \(id)
    title: Test rule \(id)
    description: A rule written by a test.
    severity: \(severity)
    scope: \(scope)
    condition:
    \(condition.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))

    """
}

/// Compiles rules from memory; each entry is (file name, text).
func compileRules(_ files: [(String, String)]) throws(RuleCompileError) -> RuleSet {
    try RuleSet.compile(sources: files.map { RuleSource(path: $0.0, text: $0.1) })
}

/// Compiles one rule with the given condition.
func compileRule(_ condition: String, scope: String = "file", id: String = "test/rule") throws -> RuleSet {
    try compileRules([("rule.yaml", ruleYAML(id: id, scope: scope, condition: condition))])
}

/// The error compiling these in-memory files gives.
func compileErrorText(_ files: [(String, String)]) -> String? {
    do {
        _ = try compileRules(files)
        return nil
    } catch {
        return error.description
    }
}

/// The ids of the rules that match `bytes` (with `elf`, instances, payloads as given).
func matchedIDs(_ ruleSet: RuleSet, bytes: [UInt8], path: String = "usr/lib/test.so", elf: ELFModel? = nil,
                characteristics: [String: [Evidence]] = [:], metrics: [String: Double] = [:],
                instances: [ScopeInstance] = []) -> [String] {
    findings(ruleSet, bytes: bytes, path: path, elf: elf, characteristics: characteristics, metrics: metrics,
             instances: instances).map(\.ruleID)
}

func findings(_ ruleSet: RuleSet, bytes: [UInt8], path: String = "usr/lib/test.so", elf: ELFModel? = nil,
              characteristics: [String: [Evidence]] = [:], metrics: [String: Double] = [:],
              instances: [ScopeInstance] = []) -> [Finding] {
    bytes.withUnsafeBytes { buffer in
        ruleSet.match(ScanSubject(path: path, bytes: buffer, elf: elf, characteristics: characteristics,
                                  metrics: metrics, instances: instances)).findings
    }
}

/// The file offsets where a one-rule set's pattern leaves matched in `bytes`.
func patternOffsets(_ condition: String, in bytes: [UInt8], elf: ELFModel? = nil) throws -> [UInt64] {
    let ruleSet = try compileRule(condition)
    return findings(ruleSet, bytes: bytes, elf: elf).flatMap(\.evidence).compactMap(\.location?.offset)
}

/// Hex text to bytes (`"4a 9c"`).
func hexBytes(_ text: String) -> [UInt8] {
    text.split(separator: " ").compactMap { UInt8($0, radix: 16) }
}

/// Reads a system ELF file (such as /bin/true) and its model; nil when it is missing.
func systemELF(_ path: String) -> (bytes: [UInt8], model: ELFModel)? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let bytes = [UInt8](data)
    guard let model = try? bytes.withUnsafeBytes({ buffer throws(ELFError) in try ELFReader.model(of: buffer) }) else { return nil }
    return (bytes, model)
}

/// Hand-built ELF models: a header, sections at chosen file offsets, and symbols.
enum ModelBuilder {
    static func header(type: String = "DYN", architecture: String = "x86_64") -> ELFHeader {
        ELFHeader(fileClass: .elf64, byteOrder: .little, osABI: "sysv", type: type, machineNumber: 62, machine: "x86_64",
                  architecture: architecture, flags: 0, entry: 0)
    }

    static func section(_ index: Int, _ name: String, offset: UInt64, size: UInt64, type: String = "PROGBITS",
                        typeNumber: UInt32 = 1, flags: UInt64 = 0x2, address: UInt64 = 0, entropy: Double = 4) -> ELFSection {
        ELFSection(index: index, name: name, type: type, typeNumber: typeNumber, flags: flags, address: address, offset: offset,
                   size: size, link: 0, info: 0, entrySize: 0, entropy: entropy)
    }

    static func symbol(_ name: String, index: Int, table: ELFSymbol.Table = .dynsym, type: String = "FUNC",
                       binding: String = "GLOBAL", sectionIndex: UInt32 = 1, value: UInt64 = 0x1000,
                       version: String? = nil) -> ELFSymbol {
        ELFSymbol(table: table, index: index, name: name, type: type, binding: binding, visibility: "DEFAULT",
                  sectionIndex: sectionIndex, value: value, size: 16, version: version)
    }

    static func model(type: String = "DYN", architecture: String = "x86_64", sections: [ELFSection] = [],
                      segments: [ELFSegment] = [], symbols: [ELFSymbol] = [], relocations: [ELFRelocation] = [],
                      dynamic: DynamicInfo = DynamicInfo()) -> ELFModel {
        let null = section(0, "", offset: 0, size: 0, type: "NULL", typeNumber: 0, flags: 0)
        return ELFModel(header: header(type: type, architecture: architecture), sections: [null] + sections, segments: segments,
                        dynamic: dynamic, symbols: symbols, relocations: ELFRelocations(relocations), gotSlots: [], resolvers: [], notes: [],
                        problems: [])
    }
}

/// A deterministic pseudo-random byte source (xorshift), so tests with random data repeat.
struct SeededBytes {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func bytes(_ count: Int, alphabet: [UInt8]? = nil) -> [UInt8] {
        (0..<count).map { _ in
            let value = next()
            if let alphabet { return alphabet[Int(value % UInt64(alphabet.count))] }
            return UInt8(truncatingIfNeeded: value >> 24)
        }
    }
}

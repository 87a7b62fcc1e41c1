import ArgumentParser
import Backsight
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the feature model of one file: exactly what rules can match."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The file to inspect.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Include printable strings with their sections and offsets.")
    var strings = false

    func run() throws {
        let inspection: Inspection
        do { inspection = try Inspection.inspect(file: file, includeStrings: strings) } catch {
            Output.error("backsight: \(error.description)")
            throw ExitCode(2)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(inspection)
            print(String(decoding: data, as: UTF8.self))
        case .text:
            print(InspectionText.render(inspection))
        }
    }
}

/// The text form of an inspection, section by section.
enum InspectionText {
    static func render(_ inspection: Inspection) -> String {
        var out: [String] = ["\(inspection.path): \(inspection.kind.rawValue), \(inspection.size) bytes, sha256 \(inspection.sha256)"]
        if let error = inspection.error { out.append("error: \(error)") }
        if let model = inspection.elf {
            let header = model.header
            out.append("header: \(header.architecture) \(header.fileClass.rawValue) \(header.byteOrder.rawValue)-endian \(header.type), machine \(header.machine) (\(header.machineNumber)), OS/ABI \(header.osABI), entry \(hex(header.entry))")
            out.append("sections (\(model.sections.count)):")
            for section in model.sections {
                out.append("  [\(section.index)] \(section.name.isEmpty ? "-" : section.name) \(section.type) flags \(hex(section.flags)) addr \(hex(section.address)) off \(hex(section.offset)) size \(section.size) entropy \(section.entropy.map { String(format: "%.2f", $0) } ?? "-")")
            }
            out.append("segments (\(model.segments.count)):")
            for segment in model.segments {
                out.append("  \(segment.type) \(segment.permissions) off \(hex(segment.offset)) vaddr \(hex(segment.virtualAddress)) filesz \(segment.fileSize) memsz \(segment.memorySize)")
            }
            let dynamic = model.dynamic
            out.append("dynamic (\(dynamic.entries.count) entries): needed \(dynamic.needed), soname \(dynamic.soname ?? "-"), rpath \(dynamic.rpath), runpath \(dynamic.runpath), audit \(dynamic.audit + dynamic.depaudit), bind-now \(dynamic.bindsNow), textrel \(dynamic.hasTextRelocations)")
            out.append("  init \(dynamic.initFunction.map(hex) ?? "-"), init_array \(dynamic.initArray.map(hex)), fini_array \(dynamic.finiArray.map(hex))")
            for entry in dynamic.entries { out.append("  \(entry.tag) \(entry.string ?? hex(entry.value))") }
            out.append("symbols (\(model.symbols.count)): \(model.imports.count) imports, \(model.exports.count) exports")
            for symbol in model.symbols where !symbol.name.isEmpty {
                let version = symbol.version.map { (symbol.versionHidden ? "@" : "@@") + $0 } ?? ""
                out.append("  \(symbol.table.rawValue) \(symbol.type) \(symbol.binding) \(symbol.visibility) \(symbol.isUndefined ? "UND" : String(symbol.sectionIndex)) \(hex(symbol.value)) \(symbol.size) \(symbol.name)\(version)")
            }
            out.append("relocations (\(model.relocations.count)):")
            for relocation in model.relocations {
                out.append("  \(relocation.section) \(hex(relocation.offset)) \(relocation.type) \(relocation.symbolName ?? "-") \(relocation.addend.map { String($0) } ?? "")")
            }
            out.append("GOT slots (\(model.gotSlots.count)):")
            for slot in model.gotSlots {
                out.append("  \(slot.section) \(hex(slot.address)) \(slot.relocationType) \(slot.symbol ?? slot.target.map(hex) ?? "-")\(slot.targetSection.map { " -> \($0)" } ?? "")")
            }
            out.append("IFUNC resolvers (\(model.resolvers.count)):")
            for resolver in model.resolvers {
                out.append("  \(resolver.displayName) at \(hex(resolver.address)) for \(resolver.ifuncSymbols) in \(resolver.section ?? "-") (\(resolver.codeSize) bytes, from \(resolver.sources.joined(separator: "+")))")
            }
            out.append("notes (\(model.notes.count)):")
            for note in model.notes { out.append("  \(note.owner) \(note.type) \(note.value)") }
            if !model.problems.isEmpty {
                out.append("problems:")
                for problem in model.problems { out.append("  \(problem)") }
            }
        }
        if let module = inspection.kernelModule { render(module: module, into: &out) }
        if let unpacked = inspection.unpacked {
            if let container = unpacked.container { out.append("container: \(container), \(unpacked.memberCount) members") }
            for member in unpacked.members { out.append("  \(member)") }
            render(characteristics: unpacked.characteristics, indent: "", into: &out)
            render(payloads: unpacked.payloads, indent: "", into: &out)
            if !unpacked.problems.isEmpty {
                out.append("unpacking problems:")
                for problem in unpacked.problems { out.append("  \(problem)") }
            }
        }
        if let code = inspection.code {
            let statistics = code.statistics
            out.append("code analysis: \(statistics.resolvers) resolvers, \(statistics.constructors) constructors, \(statistics.entryPoints) entry points, \(statistics.instructions) instructions\(statistics.budgetExhausted ? " (budget exhausted)" : "")")
            for function in code.functions {
                let metrics = function.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(Int($0.value))" }.joined(separator: " ")
                out.append("  \(function.role.rawValue) \(function.name) at \(hex(function.address)) in \(function.section ?? "-"): \(metrics)")
                if !function.references.isEmpty { out.append("    references: \(function.references.joined(separator: ", "))") }
                for line in function.callTargets { out.append("    call \(line)") }
                for (name, items) in function.facts.sorted(by: { $0.key < $1.key }) {
                    out.append("    \(name):")
                    for item in items { out.append("      \(describe(item))") }
                }
            }
            for (name, items) in code.fileFacts.sorted(by: { $0.key < $1.key }) {
                out.append("  file \(name):")
                for item in items { out.append("    \(describe(item))") }
            }
            for program in code.filterPrograms {
                out.append("  BPF program at \(hex(program.address)) in \(program.section) (file offset \(hex(program.fileOffset))): \(program.summary)")
                for line in program.listing { out.append("    \(line)") }
            }
        }
        if let strings = inspection.strings {
            out.append("strings (\(strings.count)):")
            for string in strings { out.append("  \(string.section ?? "-")+\(hex(string.offset)) \(string.value)") }
        }
        return out.joined(separator: "\n")
    }

    static func render(characteristics: [String: [Evidence]], indent: String, into out: inout [String]) {
        guard !characteristics.isEmpty else { return }
        out.append("\(indent)characteristics:")
        for (name, evidence) in characteristics.sorted(by: { $0.key < $1.key }) {
            out.append("\(indent)  \(name)")
            for item in evidence {
                let offset = item.location?.offset.map { " at \(hex($0))" } ?? ""
                out.append("\(indent)    \(item.value)\(offset)\(item.detail.map { ": \($0)" } ?? "")")
            }
        }
    }

    static func render(payloads: [PayloadInspection], indent: String, into out: inout [String]) {
        guard !payloads.isEmpty else { return }
        out.append("\(indent)payloads (\(payloads.count)):")
        for payload in payloads {
            let what = [payload.architecture, payload.elfType, payload.kind.rawValue].compactMap { $0 }.joined(separator: " ")
            out.append("\(indent)  \(payload.path): \(payload.format) at \(hex(payload.offset)), \(payload.compressedSize) -> \(payload.decodedSize) bytes\(payload.integrityVerified ? ", check verified" : ""), \(what)")
            render(characteristics: payload.characteristics, indent: indent + "    ", into: &out)
            render(payloads: payload.payloads, indent: indent + "    ", into: &out)
        }
    }

    static func render(module: KernelModule, into out: inout [String]) {
        out.append("kernel module: \(module.name ?? "-"), license \(module.license ?? "-"), vermagic \(module.vermagic ?? "-")")
        out.append("  livepatch \(module.isLivepatch), intree \(module.isInTree), retpoline \(module.hasRetpoline), depends \(module.depends)")
        if let signature = module.signature {
            out.append("  signature: \(signature.length) bytes at \(hex(signature.offset)), id type \(signature.idType), signer \(signature.signer ?? "-")")
        } else {
            out.append("  signature: none")
        }
        let versioned = module.imports.filter { $0.crc != nil }.count
        out.append("  imports (\(module.imports.count), \(versioned) with modversions CRCs):")
        for symbol in module.imports { out.append("    \(symbol.name)\(symbol.crc.map { " crc " + hex($0) } ?? "")") }
        out.append("  modinfo (\(module.modinfo.count)):")
        for entry in module.modinfo { out.append("    \(entry.key)=\(entry.value)") }
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    static func describe(_ item: CodeEvidence) -> String {
        let place = item.address.map { "\(hex($0)) " } ?? ""
        let holder = item.function.map { " [\($0)]" } ?? ""
        return "\(place)\(item.instruction): \(item.note)\(holder)"
    }
}

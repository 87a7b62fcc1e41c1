// seeds: Corpus/ifunc Corpus/auth
// The code analysis over arbitrary code: `CodeAnalyzer.analyze(_:bytes:request:)` must return
// facts for any bytes, never trap, hang or read outside the buffer. Two kinds of input:
//   - an ELF file (starts with \x7FELF): modelled and analysed whole, with every analysis on;
//   - anything else: the first byte picks a real corpus sample (x86-64, AArch64, Thumb, i386,
//     MIPS, MIPS little-endian) and the rest overwrites its resolver's code (else its
//     pam_sm_authenticate, else the start of .text), up to the end of that section. The model
//     stays the sample's, so the analysis starts from a real resolver into arbitrary code.
import BacksightCode
import BacksightELF
import Foundation

/// A corpus sample whose code the input replaces.
struct Template {
    let bytes: [UInt8]
    let model: ELFModel
    /// The file offsets of the code the input overwrites: the root's first byte to its section's end.
    let code: Range<Int>

    init(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("\(path) not found; run from the repository root (fuzz.sh does)")
        }
        let bytes = [UInt8](data)
        let model: ELFModel
        do {
            model = try bytes.withUnsafeBytes { buffer throws(ELFError) in try ELFReader.model(of: buffer) }
        } catch {
            fatalError("\(path): \(error)")
        }
        let authentication = model.symbols.first { $0.name == "pam_sm_authenticate" && !$0.isUndefined }
        let text = model.section(named: ".text")
        guard let start = model.resolvers.compactMap(\.fileOffset).first
                ?? authentication.flatMap({ model.fileOffset(ofAddress: $0.value & ~1) }) ?? text?.offset,
              let section = model.sections.first(where: { $0.hasFileBytes && $0.isExecutable && $0.offset <= start && start - $0.offset < $0.size })
        else { fatalError("\(path): no code to overwrite") }
        self.bytes = bytes
        self.model = model
        code = Int(start)..<min(Int(section.offset + section.size), bytes.count)
    }
}

let templates = [
    "Corpus/ifunc/xz-got-hijack/x86_64/libcrc_hijack.so",
    "Corpus/ifunc/xz-got-hijack/aarch64/libcrc_hijack.so",
    "Corpus/ifunc/xz-got-hijack/armhf/libcrc_hijack.so",
    "Corpus/arch/hello/i386/libhello.so",
    "Corpus/auth/pam-master-password/mips/pam_backdoor.so",
    "Corpus/auth/pam-master-password/mipsel/pam_backdoor.so",
    "Corpus/preload/rootkit/x86_64/libprocesshider.so",
    "Corpus/preload/rootkit/mips/libprocesshider.so",
].map(Template.init)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodeAnalysis(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    guard let selector = input.first else { return 0 }
    if input.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
        guard let model = try? ELFReader.model(of: input) else { return 0 }
        check(CodeAnalyzer.analyze(model, bytes: input, request: .all))
        return 0
    }
    let template = templates[Int(selector) % templates.count]
    let body = UnsafeRawBufferPointer(rebasing: input.dropFirst())
    var bytes = template.bytes
    let length = min(body.count, template.code.count)
    bytes.withUnsafeMutableBytes { image in
        UnsafeMutableRawBufferPointer(rebasing: image[template.code.lowerBound..<template.code.lowerBound + length])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: body.prefix(length)))
        check(CodeAnalyzer.analyze(template.model, bytes: UnsafeRawBufferPointer(image), request: .all))
    }
    return 0
}

/// What must hold for any input: the work stays within the instruction budget (a few
/// instructions of slack for the one being decoded when it ran out).
func check(_ facts: CodeFacts) {
    if facts.statistics.instructions > CodeAnalyzer.instructionBudget + 16 {
        fatalError("\(facts.statistics.instructions) instructions decoded, budget \(CodeAnalyzer.instructionBudget)")
    }
    _ = facts.functions.count + facts.fileFacts.count
}

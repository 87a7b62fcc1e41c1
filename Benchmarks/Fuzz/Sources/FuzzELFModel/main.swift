// seeds: Corpus
// The ELF feature model over arbitrary bytes: `ELFReader.model(of:)` must return a model or a
// typed error for any input, never trap, hang or touch memory outside the buffer.
import BacksightELF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELFModel(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    do throws(ELFError) {
        let model = try ELFReader.model(of: bytes)
        // Touch what the rules read, so lazily computed parts run too.
        _ = model.problems.count + model.imports.count + model.exports.count + model.relocations.count
        for resolver in model.resolvers { _ = model.fileOffset(ofAddress: resolver.address) }
        _ = PrintableStrings.extract(from: bytes, model: model).count
    } catch {
        _ = error.description
    }
    return 0
}

import BacksightWalk

/// What Backsight sees in one file: the feature model rules match against.
public struct Inspection: Sendable, Codable {
    public var path: String
    public var kind: FileKind
    public var size: UInt64
    public var sha256: String
    /// The ELF model, for ELF files.
    public var elf: ELFModel?
    /// What the code analysis found (resolvers, constructors, entry points), for ELF files
    /// where it had something to analyse.
    public var code: CodeFacts?
    /// What a loadable kernel module says about itself (modinfo, signature, imports), for `.ko` files.
    public var kernelModule: KernelModule?
    /// Why the ELF model could not be built, if it could not.
    public var error: String?
    /// Printable strings with their sections and offsets, when asked for.
    public var strings: [PrintableString]?
    /// Members, payloads and unpacking facts (characteristics rules can test).
    public var unpacked: UnpackedInspection?

    /// Reads one regular file (never a FIFO or device) and models it.
    public static func inspect(file: String, includeStrings: Bool = false, maximumFileSize: UInt64 = 256 << 20) throws(InspectionError) -> Inspection {
        try read(file: file, maximumFileSize: maximumFileSize) { _, bytes in inspect(file: file, bytes: bytes, includeStrings: includeStrings) }
    }

    /// Reads one regular file as a single-file scan would (never a FIFO or device) and hands
    /// `body` the path a scan reports for it and its bytes, valid during the call.
    static func read<Result>(file: String, maximumFileSize: UInt64,
                             _ body: (String, UnsafeRawBufferPointer) -> Result) throws(InspectionError) -> Result {
        var options = WalkOptions()
        options.maximumFileSize = maximumFileSize
        var item: WalkItem?
        do throws(WalkError) {
            try Walker(root: file, options: options).walk { found in
                item = found
                return false
            }
        } catch {
            throw .walk(error)
        }
        guard case let .file(opened) = item else {
            if case let .skipped(_, _, reason) = item { throw .unreadable(path: file, reason: reason.description) }
            throw .unreadable(path: file, reason: "not a regular file")
        }
        let buffer = ReadBuffer()
        let bytes: UnsafeRawBufferPointer
        do throws(FileReadError) { bytes = try opened.read(into: buffer, limit: maximumFileSize) } catch {
            throw .unreadable(path: file, reason: error.description)
        }
        return withExtendedLifetime(buffer) { body(opened.path.description, bytes) }
    }

    private static func inspect(file: String, bytes: UnsafeRawBufferPointer, includeStrings: Bool) -> Inspection {
        let features = FileAnalyzer.Features(bytes)
        var inspection = Inspection(path: file, kind: features.kind, size: UInt64(bytes.count), sha256: SHA256Digest.hex(bytes) ?? "unavailable")
        switch features.elf {
        case let .success(model):
            inspection.elf = model
            inspection.kernelModule = KernelModule.read(model, bytes: bytes)
            let code = CodeAnalyzer.analyze(model, bytes: bytes)
            let statistics = code.statistics
            if !code.isEmpty || statistics.instructions > 0 || statistics.resolvers + statistics.constructors + statistics.entryPoints > 0 {
                inspection.code = code
            }
        case let .failure(error): inspection.error = error.description
        case nil: break
        }
        if includeStrings { inspection.strings = PrintableStrings.extract(from: bytes, model: inspection.elf) }
        inspection.unpacked = UnpackedInspection.inspect(path: file, bytes: bytes, elf: inspection.elf)
        return inspection
    }
}

/// Why a file could not be inspected: one line naming the file and the reason.
public struct InspectionError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func unreadable(path: String, reason: String) -> InspectionError { InspectionError(description: "\(path): \(reason)") }
    static func walk(_ error: WalkError) -> InspectionError { InspectionError(description: error.description) }
    static func unknownRule(_ id: String) -> InspectionError { InspectionError(description: "no rule '\(id)' in the loaded rules") }
}

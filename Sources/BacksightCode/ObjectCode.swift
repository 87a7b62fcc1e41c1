import BacksightELF

/// The code of one ELF file as all its analyses read it: the image (sections, GOT, symbol
/// indexes) and the index of its branches are built on first use and shared by every analysis
/// of the file, instead of once per analysis. Used by one thread at a time, while `bytes` lives.
public final class ObjectCode {
    public let model: ELFModel
    public let bytes: UnsafeRawBufferPointer
    /// The instruction set, when the code analysis covers it.
    let architecture: CodeArchitecture?
    private var builtImage: ObjectImage?

    public init(model: ELFModel, bytes: UnsafeRawBufferPointer) {
        self.model = model
        self.bytes = bytes
        architecture = CodeArchitecture(header: model.header)
    }

    /// The loaded image, nil when the instruction set is not covered.
    var image: ObjectImage? {
        if let builtImage { return builtImage }
        guard let architecture else { return nil }
        let image = ObjectImage(model: model, bytes: bytes, architecture: architecture)
        builtImage = image
        return image
    }
}

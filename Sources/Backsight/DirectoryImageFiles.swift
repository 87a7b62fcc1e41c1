import BacksightWalk

/// The files of an OCI image layout directory on disk, read through ``RootConfinedFileSystem``:
/// nothing outside the directory is opened, and links inside it are followed only inside it.
struct DirectoryImageFiles: ImageFiles {
    let fileSystem: RootConfinedFileSystem

    init(root: String, openRecorder: OpenRecorder?) {
        fileSystem = RootConfinedFileSystem(root: root, openRecorder: openRecorder)
    }

    func contains(_ path: String) -> Bool {
        if case .success = fileSystem.resolve(Array(path.utf8)) { return true }
        return false
    }

    func withFile(_ path: String, limit: UInt64, _ body: (UnsafeRawBufferPointer, UInt64) -> Void) -> ImageFileError? {
        // One byte past the limit tells a file at the limit from a larger one.
        switch fileSystem.readFile(Array(path.utf8), limit: Int(clamping: min(limit, UInt64(Int.max - 1))) + 1) {
        case let .success(bytes):
            guard UInt64(bytes.count) <= limit else { return .tooLarge(path: path, size: UInt64(bytes.count), limit: limit) }
            bytes.withUnsafeBytes { body($0, 0) }
            return nil
        case .failure(.missing):
            return .missing(path: path)
        case let .failure(error):
            return .unreadable(path: path, reason: error.description)
        }
    }
}

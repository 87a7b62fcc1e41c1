import BacksightWalk

/// Finds, inside a configured tree, the file a configuration line names, chroot-style through
/// ``TreeFiles`` (a directory on disk or an image's files): absolute names are taken relative to the tree root, bare names
/// are looked up in the directories the loader (or PAM) searches. Nothing outside the tree is
/// ever looked at.
public struct LibraryResolver: Sendable {
    let fileSystem: any TreeFiles

    /// What became of one name.
    public enum Resolution: Sendable, Hashable {
        /// The regular file (or link to one) the name resolves to.
        case found(RelativePath)
        /// Nothing of that name exists in any place searched.
        case missing(searched: [String])
        /// The name cannot be resolved offline (it uses `$LIB`, `$PLATFORM`, `$ORIGIN`), or the
        /// path is unusable (a loop, a directory).
        case unresolvable(String)
    }

    /// Debian's multiarch directory names, searched below `lib` and `usr/lib`.
    static let multiarchTriplets = [
        "x86_64-linux-gnu", "i386-linux-gnu", "aarch64-linux-gnu", "arm-linux-gnueabihf", "arm-linux-gnueabi",
        "mips-linux-gnu", "mipsel-linux-gnu", "mips64el-linux-gnuabi64", "powerpc64le-linux-gnu",
        "riscv64-linux-gnu", "s390x-linux-gnu",
    ]

    /// Where the loader looks for a preload name without a `/`.
    static let librarySearchDirectories: [String] = {
        var directories = ["lib", "usr/lib", "lib64", "usr/lib64", "usr/local/lib"]
        for triplet in multiarchTriplets { directories += ["lib/\(triplet)", "usr/lib/\(triplet)"] }
        return directories
    }()

    /// Where libpam looks for a module named without a `/`.
    static let pamModuleDirectories: [String] = {
        var directories = ["lib/security", "lib64/security", "usr/lib/security", "usr/lib64/security"]
        for triplet in multiarchTriplets { directories += ["lib/\(triplet)/security", "usr/lib/\(triplet)/security"] }
        return directories
    }()

    func resolve(_ reference: LibraryReference) -> Resolution {
        let name = reference.written
        if name.contains("$") { return .unresolvable("uses a loader variable, which depends on the running system") }
        if name.contains("/") {
            return resolve(path: name, described: [name.hasPrefix("/") ? name : "/" + name])
        }
        let directories: [String]
        switch reference.role {
        case .preload: directories = Self.librarySearchDirectories
        case .pamModule: directories = Self.pamModuleDirectories
        }
        for directory in directories {
            if case let .found(path) = resolve(path: "/\(directory)/\(name)", described: []) { return .found(path) }
        }
        return .missing(searched: directories.map { "/\($0)" })
    }

    private func resolve(path: String, described: [String]) -> Resolution {
        switch fileSystem.resolve(Array(path.utf8)) {
        case let .success(resolved):
            return .found(resolved)
        case .failure(.missing), .failure(.notADirectory):
            return .missing(searched: described)
        case let .failure(error):
            return .unresolvable(error.description)
        }
    }
}

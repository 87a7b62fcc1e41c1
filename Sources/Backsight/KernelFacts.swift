import BacksightELF
import BacksightUnpack

/// What one scanned file says about a Linux kernel: a loadable module's release and signature,
/// or a kernel image's version string. The scan summary gathers them per kernel release.
public struct KernelFileFacts: Sendable, Codable, Hashable {
    public enum Role: String, Sendable, Codable, Hashable { case module, image }

    public var role: Role
    /// The kernel release (`6.1.0-57-amd64`): a module's vermagic, an image's version string.
    public var release: String
    /// Modules: whether a signature is appended (`~Module signature appended~`).
    public var signed: Bool?
    /// Modules: `intree=Y` in modinfo.
    public var inTree: Bool?
    /// Images: the whole version string (`6.1.0-57-amd64 (…) #1 SMP PREEMPT_DYNAMIC …`).
    public var version: String?

    /// The facts of a module, from its ELF model; nil for other ELF files.
    static func module(_ model: ELFModel, bytes: UnsafeRawBufferPointer) -> KernelFileFacts? {
        guard let module = KernelModule.read(model, bytes: bytes), let release = module.kernelRelease else { return nil }
        return KernelFileFacts(role: .module, release: release, signed: module.signature != nil, inTree: module.isInTree, version: nil)
    }

    /// The facts of an x86 kernel image (bzImage), from its boot header; nil for other data.
    static func image(_ bytes: UnsafeRawBufferPointer) -> KernelFileFacts? {
        guard let version = KernelImageHeader.read(bytes)?.version,
              let release = version.split(separator: " ").first.map(String.init) else { return nil }
        return KernelFileFacts(role: .image, release: release, signed: nil, inTree: nil, version: version)
    }
}

/// One kernel found in a scanned tree: its release, the images that carry it, and how many of
/// its modules are signed. A tool feeding a vulnerability scanner reads these from the JSON
/// Lines summary (`kernels`) or the SARIF run's `properties.kernels`.
public struct KernelSummary: Sendable, Codable, Hashable {
    public var release: String
    /// The version string of an image (`… #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-20)`):
    /// its part from `#` on is the build (`uname -v`).
    public var version: String?
    /// Paths of the kernel images of this release.
    public var images: [String] = []
    public var modules = 0
    public var signedModules = 0
    public var unsignedModules = 0
    /// Modules without `intree=Y`.
    public var outOfTreeModules = 0
    /// Paths of unsigned out-of-tree modules (the first 32).
    public var unsignedOutOfTree: [String] = []

    mutating func record(_ facts: KernelFileFacts, path: String) {
        switch facts.role {
        case .image:
            if images.count < 32 { images.append(path) }
            if version == nil { version = facts.version }
        case .module:
            modules += 1
            if facts.signed == true { signedModules += 1 } else { unsignedModules += 1 }
            if facts.inTree != true {
                outOfTreeModules += 1
                if facts.signed != true, unsignedOutOfTree.count < 32 { unsignedOutOfTree.append(path) }
            }
        }
    }
}

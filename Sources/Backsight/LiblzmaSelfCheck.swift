import BacksightWalk
import CLzma
import Foundation

/// The liblzma this process actually runs with: the file mapped into it, and the version that
/// library reports about itself.
public struct LoadedLiblzma: Sendable, Hashable {
    /// The mapped file as the kernel names it (`/usr/lib/x86_64-linux-gnu/liblzma.so.5.4.1`).
    public var path: String
    /// What `lzma_version_string()` returns.
    public var version: String

    public init(path: String, version: String) {
        self.path = path
        self.version = version
    }
}

/// Why Backsight will not run with the liblzma it has loaded.
public enum LiblzmaRefusal: Sendable, Hashable, CustomStringConvertible {
    /// A release that shipped the CVE-2024-3094 backdoor.
    case backdooredVersion(String)
    /// Rules at high or critical severity match the library file.
    case rulesMatched([Finding])
    /// The library could not be found or read, so it could not be checked.
    case uncheckable(String)

    public var description: String {
        switch self {
        case let .backdooredVersion(version):
            return "liblzma \(version) is a release that shipped the xz-utils backdoor (CVE-2024-3094)"
        case let .rulesMatched(findings):
            let rules = findings.map { "\($0.ruleID) (\($0.severity.rawValue))" }.joined(separator: ", ")
            return "the library file matches backdoor rules: \(rules)"
        case let .uncheckable(reason):
            return "it could not be checked: \(reason)"
        }
    }
}

/// What the check concluded.
public enum LiblzmaCheckResult: Sendable, Hashable {
    /// Neither the version nor the rules object to the library.
    case trusted(LoadedLiblzma)
    /// The library must not be trusted; `library` is nil when it could not be found.
    case refused(LoadedLiblzma?, LiblzmaRefusal)

    /// One sentence for the user.
    public var message: String {
        switch self {
        case let .trusted(library):
            return "liblzma \(library.version) at \(library.path): no known-bad version, no high or critical rule matches"
        case let .refused(library, reason):
            let which = library.map { "the liblzma loaded in this process (\($0.path), version \($0.version))" } ?? "the liblzma loaded in this process"
            return "\(which) is not trusted: \(reason)"
        }
    }
}

/// Backsight decodes xz streams with liblzma, the library the xz-utils backdoor lived in. Before
/// scanning, it checks its own copy: the version the loaded library reports, and the loaded
/// rule set applied to the bytes of the library file mapped into this process.
///
/// Only this process is inspected (`dladdr` and `/proc/self/maps`); nothing scanned is ever
/// loaded. The file read is the one the kernel mapped: its device and inode must match.
public enum LiblzmaSelfCheck {
    /// Releases that shipped the backdoor.
    public static let backdooredVersions: Set<String> = ["5.6.0", "5.6.1"]

    /// The environment variable that lets a scan run despite a refusal (for research).
    public static let overrideVariable = "BACKSIGHT_ALLOW_UNSAFE_LIBLZMA"

    /// Findings at or above this severity on the library file refuse it.
    public static let refusingSeverity = Severity.high

    /// Locates the loaded liblzma, reads it and decides.
    public static func run(ruleSet: RuleSet) -> LiblzmaCheckResult {
        let library: LoadedLiblzma
        switch locate() {
        case let .success(found): library = found
        case let .failure(problem): return .refused(nil, .uncheckable(problem.description))
        }
        switch readMappedFile(library.path) {
        case let .success(bytes):
            return bytes.withUnsafeBytes { evaluate(library: library, bytes: $0, ruleSet: ruleSet) }
        case let .failure(problem):
            return .refused(library, .uncheckable(problem.description))
        }
    }

    /// The decision, given a library's reported version and its file's bytes.
    public static func evaluate(library: LoadedLiblzma, bytes: UnsafeRawBufferPointer, ruleSet: RuleSet) -> LiblzmaCheckResult {
        if isBackdooredVersion(library.version) { return .refused(library, .backdooredVersion(library.version)) }
        // Rules see the path as a scan of `/` would show it.
        let relative = String(library.path.drop { $0 == "/" })
        let report = Scanner(ruleSet: ruleSet, options: ScanOptions(jobs: 1)).scan(bytes: bytes, path: relative)
        let serious = report.findings.filter { $0.severity >= refusingSeverity }
        if !serious.isEmpty { return .refused(library, .rulesMatched(serious)) }
        if let skip = report.skip { return .refused(library, .uncheckable("\(skip.reason): \(skip.message)")) }
        return .trusted(library)
    }

    /// Whether `version` (`5.6.1`, `5.6.1alpha`) is one of ``backdooredVersions``, comparing
    /// the leading dotted numbers only.
    public static func isBackdooredVersion(_ version: String) -> Bool {
        var numeric = ""
        for character in version.trimmingCharacters(in: .whitespaces) {
            guard character.isASCII, character.isNumber || character == "." else { break }
            numeric.append(character)
        }
        return backdooredVersions.contains(numeric)
    }

    /// Whether the environment asks to run despite a refusal.
    public static var overriddenByEnvironment: Bool {
        guard let value = ProcessInfo.processInfo.environment[overrideVariable] else { return false }
        return !value.isEmpty && value != "0"
    }

    // MARK: Finding the library in this process

    /// Why the loaded library could not be found or read.
    public struct LocateError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The object that defines `lzma_version_string`, as the kernel mapped it, and the
    /// version it reports.
    public static func locate() -> Result<LoadedLiblzma, LocateError> {
        guard let versionPointer = lzma_version_string() else {
            return .failure(LocateError(description: "lzma_version_string() returned nothing"))
        }
        let version = String(cString: versionPointer)
        guard let address = definingAddress() else {
            return .failure(LocateError(description: "no loaded object defines lzma_version_string"))
        }
        guard let mapping = mapping(containing: UInt(bitPattern: address)) else {
            return .failure(LocateError(description: "the address of lzma_version_string is in no file mapping of /proc/self/maps"))
        }
        return .success(LoadedLiblzma(path: mapping.path, version: version))
    }

    /// The address of `lzma_version_string` in the object that defines it: `dlsym` over the
    /// objects already loaded (`RTLD_DEFAULT`; it loads nothing), the definition this
    /// process's calls bind to. A direct function reference could be a PLT stub instead.
    private static func definingAddress() -> UnsafeRawPointer? {
        dlsym(nil, "lzma_version_string").map { UnsafeRawPointer($0) }
    }

    struct Mapping {
        var start: UInt
        var end: UInt
        var device: (major: UInt32, minor: UInt32)
        var inode: UInt64
        var path: String
    }

    /// The line of `/proc/self/maps` whose range holds `address`.
    static func mapping(containing address: UInt) -> Mapping? {
        guard let text = readProcFile("/proc/self/maps") else { return nil }
        for line in text.split(separator: "\n") {
            // start-end perms offset major:minor inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let range = fields[0].split(separator: "-")
            let device = fields[3].split(separator: ":")
            guard range.count == 2, device.count == 2,
                  let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                  let major = UInt32(device[0], radix: 16), let minor = UInt32(device[1], radix: 16),
                  let inode = UInt64(fields[4]) else { continue }
            guard start <= address, address < end else { continue }
            let path = fields[5].trimmingCharacters(in: .whitespaces)
            guard path.hasPrefix("/") else { return nil }
            return Mapping(start: start, end: end, device: (major, minor), inode: inode, path: path)
        }
        return nil
    }

    /// A `/proc` file's text, read until end of file (its `stat` size is 0).
    static func readProcFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < 64 << 20 {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            bytes += chunk[0..<got]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of the mapped library file, refusing a file that is not the one mapped (a
    /// different device or inode: replaced on disk since it was loaded).
    static func readMappedFile(_ path: String, limit: Int = 64 << 20) -> Result<[UInt8], LocateError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(LocateError(description: "\(path): \(errnoDescription(errno))"))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(LocateError(description: "\(path): not a regular file"))
        }
        if let mapped = mappedIdentity(path: path), mapped != (UInt64(info.st_dev), UInt64(info.st_ino)) {
            return .failure(LocateError(description: "\(path) was replaced on disk since it was loaded; the file read would not be the one running"))
        }
        let size = Int(clamping: info.st_size)
        guard size <= limit else {
            return .failure(LocateError(description: "\(path): \(size) bytes is over the \(limit)-byte limit of the self-check"))
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + filled }, size - filled, off_t(filled))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return .success(Array(bytes[0..<filled]))
    }

    /// Device and inode of the mapping of `path`, as `stat` numbers them.
    private static func mappedIdentity(path: String) -> (UInt64, UInt64)? {
        guard let address = definingAddress(), let mapping = mapping(containing: UInt(bitPattern: address)),
              mapping.path == path else { return nil }
        return (deviceNumber(major: mapping.device.major, minor: mapping.device.minor), mapping.inode)
    }

    /// glibc's `makedev`: how `stat` packs a major and minor device number.
    static func deviceNumber(major: UInt32, minor: UInt32) -> UInt64 {
        let major = UInt64(major)
        let minor = UInt64(minor)
        return (major & 0xffff_f000) << 32 | (major & 0xfff) << 8 | (minor & 0xffff_ff00) << 12 | (minor & 0xff)
    }
}

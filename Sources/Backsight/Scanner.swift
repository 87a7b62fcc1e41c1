import BacksightWalk
import Foundation

/// Scans directory trees, single files and byte buffers with one compiled ``RuleSet``.
///
/// ```swift
/// let scanner = Scanner(ruleSet: try RuleSet.compile(directories: ["Rules"]))
/// for await report in try scanner.scan(root: "/srv/rootfs") {
///     if report.verdict != .clean { print(report.path, report.verdict) }
/// }
/// ```
///
/// The scanner only reads: it never executes, loads or `dlopen`s what it scans, never
/// follows a symbolic link out of the root, and never opens FIFOs, sockets or devices.
public struct Scanner: Sendable {
    public let ruleSet: RuleSet
    public let options: ScanOptions

    public init(ruleSet: RuleSet, options: ScanOptions = ScanOptions()) {
        self.ruleSet = ruleSet
        self.options = options
    }

    /// Scans `root` (a directory, or a single regular file) in parallel. Reports stream out as
    /// files finish, in no fixed order; memory stays bounded however large the tree is.
    /// Throws only when the root itself cannot be scanned.
    public func scan(root: String) throws(ScanError) -> ScanResults {
        let walker = Walker(root: root, options: walkOptions)
        let rootIsFile: Bool
        do throws(WalkError) {
            rootIsFile = (try walker.checkRoot().st_mode & S_IFMT) == S_IFREG
        } catch {
            throw .rootUnreadable(path: root, reason: error.reason)
        }
        let analyzer = FileAnalyzer(ruleSet: ruleSet, options: options)
        return ScanResults(walker: walker, analyzer: analyzer, options: options, rootIsFile: rootIsFile)
    }

    /// Scans one buffer as if it were a file at `path` inside a root. The reports of container
    /// members (`path!/usr/lib/x.so`) go to `members` as they are made.
    public func scan(bytes: UnsafeRawBufferPointer, path: String, members: (FileReport) -> Void = { _ in }) -> FileReport {
        FileAnalyzer(ruleSet: ruleSet, options: options).analyze(path: path, bytes: bytes) { members($0); return true }
    }

    /// Scans one buffer as if it were a file at `path` inside a root.
    public func scan(bytes: [UInt8], path: String, members: (FileReport) -> Void = { _ in }) -> FileReport {
        bytes.withUnsafeBytes { scan(bytes: $0, path: path, members: members) }
    }

    var walkOptions: WalkOptions {
        var walk = WalkOptions()
        walk.maximumFileSize = options.maximumFileSize
        walk.maximumDepth = options.maximumDepth
        walk.staysOnFilesystem = options.staysOnFilesystem
        walk.openRecorder = options.openRecorder
        walk.hooks = options.walkHooks
        // An OCI image layout is one container, its layers merged, not a tree of blobs.
        walk.claimsDirectory = options.unpacks ? ImageLayout.isLayout(names:) : nil
        return walk
    }
}

/// Why a scan could not start.
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    case rootUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .rootUnreadable(path, reason): return "cannot scan \(path): \(reason)"
        }
    }
}

import BacksightWalk
import Foundation

/// Records every path a scan opens (see ``ScanOptions/openRecorder``).
public typealias OpenRecorder = BacksightWalk.OpenRecorder

/// Limits and parallelism of a scan. Every limit hit is reported as a skip with a reason.
public struct ScanOptions: Sendable {
    /// Scanning threads; all cores by default.
    public var jobs: Int
    /// Files larger than this are reported as skipped, not read.
    public var maximumFileSize: UInt64 = 256 << 20
    /// Directories nested deeper than this are reported as skipped.
    public var maximumDepth = 256
    /// Stay on the root's filesystem (mount points below the root are reported, not entered).
    public var staysOnFilesystem = true
    /// Open packages, archives and compressed files (each member is reported on its own, as
    /// `pkg.deb!/usr/lib/x.so`) and decode streams embedded in files as payloads.
    public var unpacks = true
    /// Limits on unpacking: decoder memory, decoded bytes per stream and per file, nesting.
    /// Members are also held to `maximumFileSize`.
    public var unpackLimits = UnpackLimits()
    /// How long the analysis of one file may take; nil for no limit. Checked between analysis
    /// stages and inside their long loops; a file over it is reported as skipped (`time-limit`).
    public var maximumFileTime: Duration? = .seconds(30)
    /// Give every file's report its SHA-256 (an inventory). By default only ELF files,
    /// containers, and files or members with a finding, skip or problem carry one.
    public var hashesEveryFile = false
    /// Receives every path the scan opens, as the kernel resolved it (an audit and test aid);
    /// nil, the default, costs nothing.
    public var openRecorder: OpenRecorder?
    /// Test hooks called by the walker; nil, the default, costs nothing.
    @_spi(Testing) public var walkHooks: WalkHooks?

    public init(jobs: Int? = nil) {
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
}

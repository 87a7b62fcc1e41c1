/// Why the walker did not read an entry. Every skip is reported; none is silent.
public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// FIFOs, sockets and devices are never opened.
    case notRegularFile(EntryKind)
    /// Larger than the file-size limit.
    case tooLarge(size: UInt64, limit: UInt64)
    /// `open`, `stat` or `opendir` failed (permission denied, …).
    case unreadable(errno: Int32)
    /// Gone between listing and opening.
    case vanished
    /// Replaced by something else between listing and opening.
    case changedDuringScan
    /// Deeper than the nesting limit.
    case depthLimit(Int)
    /// A mount point of another filesystem (the walk stays on the root's filesystem).
    case otherFilesystem
    /// A directory that is its own ancestor (a bind mount loop).
    case directoryLoop

    public var description: String {
        switch self {
        case let .notRegularFile(kind): return "\(kind.rawValue): not a regular file, never opened"
        case let .tooLarge(size, limit): return "\(size) bytes is over the \(limit)-byte file size limit"
        case let .unreadable(code): return "unreadable: \(errnoDescription(code))"
        case .vanished: return "vanished during the scan"
        case .changedDuringScan: return "changed type during the scan"
        case let .depthLimit(limit): return "nested deeper than \(limit) directories"
        case .otherFilesystem: return "mount point of another filesystem, not descended"
        case .directoryLoop: return "directory loop, not descended"
        }
    }

    /// A stable machine-readable code (`not-regular-file`, `too-large`, …).
    public var code: String {
        switch self {
        case .notRegularFile: return "not-regular-file"
        case .tooLarge: return "too-large"
        case .unreadable: return "unreadable"
        case .vanished: return "vanished"
        case .changedDuringScan: return "changed-during-scan"
        case .depthLimit: return "depth-limit"
        case .otherFilesystem: return "other-filesystem"
        case .directoryLoop: return "directory-loop"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `strerror` text for an errno value.
public func errnoDescription(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

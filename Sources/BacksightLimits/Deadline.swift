/// A cooperative time limit for the analysis of one file. Nothing is interrupted: each stage
/// asks ``hasExpired`` between its parts and every few hundred turns of a long loop, and
/// stops with what it has. The engine then reports the file as skipped (`time-limit`), so a
/// limit hit is never silent.
///
/// ```swift
/// let deadline = Deadline(after: .seconds(30))
/// for index in 0..<count {
///     if Deadline.isCheckpoint(index), deadline.hasExpired { break }
///     …
/// }
/// ```
public struct Deadline: Sendable, Hashable {
    /// When the limit is reached; nil for no limit.
    public let instant: ContinuousClock.Instant?

    /// No limit: ``hasExpired`` is always false and costs one comparison.
    public static let never = Deadline(instant: nil)

    /// A limit already reached: every check fails at once.
    public static var expired: Deadline { Deadline(instant: .now - .seconds(1)) }

    public init(instant: ContinuousClock.Instant?) {
        self.instant = instant
    }

    /// A limit `duration` from now; no limit when `duration` is nil.
    public init(after duration: Duration?) {
        instant = duration.map { ContinuousClock.now + $0 }
    }

    /// Whether the limit has been reached.
    public var hasExpired: Bool {
        guard let instant else { return false }
        return ContinuousClock.now >= instant
    }

    /// How many turns of a loop pass between two clock readings (a power of two).
    public static let checkInterval = 256

    /// Whether loop turn `index` should read the clock: every ``checkInterval`` turns, the
    /// first included, so a clock reading (tens of nanoseconds) is spread over
    /// many turns, and a loop whose turns are slow still stops soon after the limit.
    @inline(__always)
    public static func isCheckpoint(_ index: Int) -> Bool {
        index & (checkInterval - 1) == 0
    }
}

/// Why the analysis of a file stopped early: the time limit was reached during `stage`.
public struct TimeLimitReached: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stage that was running: `ELF model`, `rule matching`, …
    public var stage: String
    /// The limit that was set.
    public var limit: Duration?

    public init(stage: String, limit: Duration?) {
        self.stage = stage
        self.limit = limit
    }

    public var description: String {
        let seconds = limit.map { " \(Deadline.formatSeconds($0)) s" } ?? ""
        return "analysis stopped at the\(seconds) time limit during \(stage)"
    }
}

extension Deadline {
    /// `1.5` for 1.5 s, `30` for 30 s.
    static func formatSeconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = attoseconds / 1_000_000_000_000_000
        if millis == 0 { return "\(seconds)" }
        var fraction = String(millis)
        while fraction.count < 3 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(seconds).\(fraction)"
    }
}

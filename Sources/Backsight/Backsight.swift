/// Facts about this build of Backsight.
public enum BacksightBuild {
    /// The version written into reports.
    public static let version = "0.1.0"
}

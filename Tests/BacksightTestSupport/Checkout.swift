import Foundation

/// The repository checkout the tests run in, and its bundled folders.
public enum Checkout {
    /// The repository root (this file is `Tests/BacksightTestSupport/Checkout.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let corpus = root.appendingPathComponent("Corpus")
    public static let rules = root.appendingPathComponent("Rules")
}

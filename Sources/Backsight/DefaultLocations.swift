import Foundation

/// Where the bundled `Rules/` and `Corpus/` folders are, from any working directory.
public enum DefaultLocations {
    /// The rule folder used when none is given: `$BACKSIGHT_RULES`, else `share/backsight/Rules`
    /// beside an installed binary, else the source checkout this binary was built from.
    public static func rules() -> String? {
        locate(environment: "BACKSIGHT_RULES", folder: "Rules")
    }

    /// The corpus used by `rules test` and by `scan` with no argument.
    public static func corpus() -> String? {
        locate(environment: "BACKSIGHT_CORPUS", folder: "Corpus")
    }

    private static func locate(environment: String, folder: String) -> String? {
        if let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty { return value }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("../share/backsight/\(folder)"))
        // The checkout this file was compiled in: Sources/Backsight/DefaultLocations.swift.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(checkout.appendingPathComponent(folder))
        var isDirectory: ObjCBool = false
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue {
            return candidate.standardizedFileURL.path
        }
        return nil
    }
}

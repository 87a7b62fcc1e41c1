import Backsight
import BacksightTestSupport
import Foundation
import XCTest

/// The SARIF renderer's document, checked against the constraints of the official SARIF 2.1.0
/// JSON schema (OASIS, `sarif-schema-2.1.0.json`) for every object kind it writes: the
/// properties each object may have (the schema closes them with `additionalProperties: false`),
/// the required ones, the enumerations, the minimums and the value types. No Debian or pip
/// package ships the schema file, so its constraints are written here, from the published schema.
final class SARIFSchemaTests: XCTestCase {
    /// What the schema says of one definition; `children` names the definition a property's
    /// value (or each item of it, for arrays, or each value, for maps) must satisfy.
    struct Definition {
        var allowed: Set<String>
        var required: Set<String> = []
        /// At least one of these (the schema's `anyOf` of `required` lists).
        var oneOfRequired: Set<String> = []
        var children: [String: String] = [:]
        var enums: [String: Set<String>] = [:]
        var minimums: [String: Int] = [:]
        var strings: Set<String> = []
        var integers: Set<String> = []
        var booleans: Set<String> = []
        var arrays: Set<String> = []
        /// Properties whose value is a map from names to `children[name]` objects.
        var maps: Set<String> = []
    }

    static let levels: Set<String> = ["none", "note", "warning", "error"]

    static let schema: [String: Definition] = [
        "sarifLog": Definition(allowed: ["$schema", "version", "runs", "inlineExternalProperties", "properties"],
                               required: ["version", "runs"], children: ["runs": "run", "properties": "propertyBag"],
                               enums: ["version": ["2.1.0"]], strings: ["$schema"], arrays: ["runs"]),
        "run": Definition(allowed: ["tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds",
                                    "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates",
                                    "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences",
                                    "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
                                    "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties"],
                          required: ["tool"],
                          children: ["tool": "tool", "invocations": "invocation", "results": "result", "originalUriBaseIds": "artifactLocation",
                                     "properties": "propertyBag"],
                          arrays: ["invocations", "results"], maps: ["originalUriBaseIds"]),
        "tool": Definition(allowed: ["driver", "extensions", "properties"], required: ["driver"],
                           children: ["driver": "toolComponent", "properties": "propertyBag"]),
        "toolComponent": Definition(allowed: ["guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription",
                                              "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
                                              "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations",
                                              "language", "contents", "isComprehensive", "localizedDataSemanticVersion",
                                              "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata",
                                              "supportedTaxonomies", "properties"],
                                    required: ["name"], children: ["rules": "reportingDescriptor", "properties": "propertyBag"],
                                    strings: ["name", "version", "informationUri"], arrays: ["rules"]),
        "reportingDescriptor": Definition(allowed: ["id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription",
                                                    "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help",
                                                    "relationships", "properties"],
                                          required: ["id"],
                                          children: ["shortDescription": "multiformatMessageString", "fullDescription": "multiformatMessageString",
                                                     "help": "multiformatMessageString", "defaultConfiguration": "reportingConfiguration",
                                                     "properties": "propertyBag"],
                                          strings: ["id", "name", "helpUri"]),
        "multiformatMessageString": Definition(allowed: ["text", "markdown", "properties"], required: ["text"], strings: ["text", "markdown"]),
        "reportingConfiguration": Definition(allowed: ["enabled", "level", "rank", "parameters", "properties"], enums: ["level": levels]),
        "propertyBag": Definition(allowed: [], arrays: ["tags"]),
        "result": Definition(allowed: ["ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
                                       "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows",
                                       "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank",
                                       "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
                                       "webResponse", "properties"],
                             required: ["message"],
                             children: ["message": "message", "locations": "location", "properties": "propertyBag"],
                             enums: ["level": levels], minimums: ["ruleIndex": -1], strings: ["ruleId"], integers: ["ruleIndex"],
                             arrays: ["locations"]),
        "message": Definition(allowed: ["text", "markdown", "id", "arguments", "properties"], oneOfRequired: ["text", "id"], strings: ["text"]),
        "location": Definition(allowed: ["id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"],
                               children: ["physicalLocation": "physicalLocation", "message": "message"]),
        "physicalLocation": Definition(allowed: ["address", "artifactLocation", "region", "contextRegion", "properties"],
                                       oneOfRequired: ["address", "artifactLocation"],
                                       children: ["artifactLocation": "artifactLocation", "region": "region"]),
        "artifactLocation": Definition(allowed: ["uri", "uriBaseId", "index", "description", "properties"], minimums: ["index": -1],
                                       strings: ["uri", "uriBaseId"]),
        "region": Definition(allowed: ["startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
                                       "byteLength", "snippet", "message", "sourceLanguage", "properties"],
                             minimums: ["startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1, "charOffset": -1, "charLength": 0,
                                        "byteOffset": -1, "byteLength": 0],
                             integers: ["startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset", "byteLength"]),
        "invocation": Definition(allowed: ["commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc", "exitCode",
                                           "ruleConfigurationOverrides", "notificationConfigurationOverrides", "toolExecutionNotifications",
                                           "toolConfigurationNotifications", "exitCodeDescription", "exitSignalName", "exitSignalNumber",
                                           "processStartFailureMessage", "executionSuccessful", "machine", "account", "processId",
                                           "executableLocation", "workingDirectory", "environmentVariables", "stdin", "stdout", "stderr",
                                           "stdoutStderr", "properties"],
                                 required: ["executionSuccessful"], children: ["toolExecutionNotifications": "notification"],
                                 booleans: ["executionSuccessful"], arrays: ["toolExecutionNotifications"]),
        "notification": Definition(allowed: ["locations", "message", "level", "threadId", "timeUtc", "exception", "descriptor", "associatedRule",
                                             "properties"],
                                   required: ["message"],
                                   children: ["locations": "location", "message": "message", "descriptor": "reportingDescriptorReference"],
                                   enums: ["level": levels], arrays: ["locations"]),
        "reportingDescriptorReference": Definition(allowed: ["id", "index", "guid", "toolComponent", "properties"],
                                                   oneOfRequired: ["id", "index", "guid"], minimums: ["index": -1], strings: ["id"]),
    ]

    /// Every violation of the constraints in `value`, read as definition `name`, with its JSON path.
    static func violations(_ value: Any, as name: String, at path: String) -> [String] {
        guard let definition = schema[name] else { return ["\(path): no definition \(name) in the test"] }
        guard let object = value as? [String: Any] else { return ["\(path): \(name) must be an object"] }
        var found: [String] = []
        let keys = Set(object.keys)
        // The property bag is the schema's only open object.
        if name != "propertyBag" {
            for key in keys.subtracting(definition.allowed).sorted() { found.append("\(path): \(name) has no property '\(key)'") }
        }
        for key in definition.required.subtracting(keys).sorted() { found.append("\(path): \(name) requires '\(key)'") }
        if !definition.oneOfRequired.isEmpty, keys.isDisjoint(with: definition.oneOfRequired) {
            found.append("\(path): \(name) requires one of \(definition.oneOfRequired.sorted())")
        }
        for (key, value) in object {
            let here = "\(path).\(key)"
            if let allowed = definition.enums[key], !((value as? String).map(allowed.contains) ?? false) {
                found.append("\(here): \(value) is not one of \(allowed.sorted())")
            }
            if definition.strings.contains(key), !(value is String) { found.append("\(here): must be a string") }
            if definition.booleans.contains(key), !(value is Bool) {
                found.append("\(here): must be a boolean")
            }
            if definition.integers.contains(key) || definition.minimums[key] != nil {
                guard let number = value as? Int else { found.append("\(here): must be an integer"); continue }
                if let minimum = definition.minimums[key], number < minimum { found.append("\(here): \(number) is below \(minimum)") }
            }
            if definition.arrays.contains(key) {
                guard let items = value as? [Any] else { found.append("\(here): must be an array"); continue }
                if key == "tags" {
                    let tags = items.compactMap { $0 as? String }
                    if tags.count != items.count || Set(tags).count != tags.count { found.append("\(here): tags must be unique strings") }
                }
                if let child = definition.children[key] {
                    for (index, item) in items.enumerated() { found += violations(item, as: child, at: "\(here)[\(index)]") }
                }
            } else if definition.maps.contains(key), let child = definition.children[key] {
                guard let map = value as? [String: Any] else { found.append("\(here): must be an object"); continue }
                for (entry, item) in map { found += violations(item, as: child, at: "\(here).\(entry)") }
            } else if let child = definition.children[key] {
                found += violations(value, as: child, at: here)
            }
        }
        if name == "result", let fingerprints = object["partialFingerprints"] {
            if !((fingerprints as? [String: Any])?.values.allSatisfy { $0 is String } ?? false) {
                found.append("\(path).partialFingerprints: must map names to strings")
            }
        }
        return found
    }

    func testTheDocumentOfACorpusScanMeetsTheSchema() async throws {
        let ruleSet = try RuleSet.compile(directories: [Checkout.rules.path])
        let root = Checkout.corpus.path
        var renderer = SARIFRenderer(rules: ruleSet.rules, root: root)
        var summary = ScanSummary()
        for await report in try Scanner(ruleSet: ruleSet, options: ScanOptions(jobs: 2)).scan(root: root) {
            summary.record(report)
            _ = renderer.render(report)
        }
        // A skipped entry, so tool execution notifications are checked too.
        _ = renderer.render(FileReport(path: "dev/null", kind: .characterDevice,
                                       skip: Skip(reason: "not-regular-file", message: "character-device: not a regular file, never opened")))
        let text = renderer.finish(summary: summary)
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8))
        XCTAssertEqual(Self.violations(document, as: "sarifLog", at: "$"), [])

        let run = try XCTUnwrap(((document as? [String: Any])?["runs"] as? [[String: Any]])?.first)
        XCTAssertGreaterThan((run["results"] as? [Any])?.count ?? 0, 10, "the corpus has findings, so results are checked")
        // The corpus's hostile images add skips of their own; the one added here must be among them.
        let notifications = ((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]]) ?? []
        XCTAssertTrue(notifications.contains { "\($0)".contains("dev/null") }, "\(notifications)")
    }

    func testTheCheckCatchesWhatTheSchemaForbids() {
        let bad: [String: Any] = [
            "version": "2.0.0",
            "runs": [["tool": ["driver": ["name": "x", "colour": "red"]],
                      "results": [["level": "fatal", "ruleIndex": -2, "message": ["markdown": "m"]]]]],
        ]
        XCTAssertEqual(Set(Self.violations(bad, as: "sarifLog", at: "$")), [
            "$.version: 2.0.0 is not one of [\"2.1.0\"]",
            "$.runs[0].tool.driver: toolComponent has no property 'colour'",
            "$.runs[0].results[0].level: fatal is not one of [\"error\", \"none\", \"note\", \"warning\"]",
            "$.runs[0].results[0].ruleIndex: -2 is below -1",
            "$.runs[0].results[0].message: message requires one of [\"id\", \"text\"]",
        ])
    }
}

import Foundation

/// JSON Lines: one object per entry (`"type": "file"`), then one `"type": "summary"` object.
public struct JSONLinesRenderer: ReportRenderer {
    private let encoder: JSONEncoder

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    public mutating func render(_ report: FileReport) -> String? {
        FileReportJSON.line(report, type: "file")
    }

    public mutating func finish(summary: ScanSummary) -> String {
        line(Tagged(type: "summary", value: summary)) ?? "{\"type\":\"summary\"}"
    }

    private func line<Value: Encodable>(_ value: Value) -> String? {
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Encodes a value's fields with a `type` field beside them.
struct Tagged<Value: Encodable>: Encodable {
    let type: String
    let value: Value

    private enum Key: String, CodingKey { case type }

    func encode(to encoder: Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: .type)
    }
}

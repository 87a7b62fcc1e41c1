/// Writes a ``FileReport`` as one line of JSON, byte for byte what `JSONEncoder` with
/// `.sortedKeys` and `.withoutEscapingSlashes` writes for the `Tagged` report, several times
/// faster. A test compares the two on every report of a corpus scan, so a field added to the
/// report types without being added here fails it.
struct FileReportJSON {
    private var out: [UInt8] = []

    static func line(_ report: FileReport, type: String) -> String {
        var writer = FileReportJSON()
        writer.out.reserveCapacity(256)
        writer.write(report, type: type)
        return String(decoding: writer.out, as: UTF8.self)
    }

    // Keys in sorted order, as `.sortedKeys` writes them.
    private mutating func write(_ report: FileReport, type: String) {
        var object = ObjectState()
        if let value = report.architecture { key("architecture", &object); string(value) }
        if let value = report.container { key("container", &object); string(value) }
        if let value = report.elfType { key("elfType", &object); string(value) }
        key("findings", &object); array(report.findings) { $0.write($1) }
        if let kernel = report.kernel {
            key("kernel", &object)
            var inner = ObjectState()
            if let value = kernel.inTree { key("inTree", &inner); boolean(value) }
            key("release", &inner); string(kernel.release)
            key("role", &inner); string(kernel.role.rawValue)
            if let value = kernel.signed { key("signed", &inner); boolean(value) }
            if let value = kernel.version { key("version", &inner); string(value) }
            close(&inner)
        }
        key("kind", &object); string(report.kind.rawValue)
        if let value = report.layer { key("layer", &object); string(value) }
        if let value = report.linkTarget { key("linkTarget", &object); string(value) }
        key("path", &object); string(report.path)
        key("problems", &object); array(report.problems) { $0.string($1) }
        if let value = report.sha256 { key("sha256", &object); string(value) }
        if let value = report.size { key("size", &object); number(value) }
        if let skip = report.skip {
            key("skip", &object)
            var inner = ObjectState()
            key("message", &inner); string(skip.message)
            key("reason", &inner); string(skip.reason)
            out.append(UInt8(ascii: "}"))
        }
        key("type", &object); string(type)
        key("verdict", &object); string(report.verdict.rawValue)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func write(_ finding: Finding) {
        var object = ObjectState()
        key("evidence", &object); array(finding.evidence) { $0.write($1) }
        if let value = finding.instance { key("instance", &object); string(value) }
        key("ruleID", &object); string(finding.ruleID)
        key("scope", &object); string(finding.scope)
        key("severity", &object); string(finding.severity.rawValue)
        key("title", &object); string(finding.title)
        out.append(UInt8(ascii: "}"))
    }

    private mutating func write(_ evidence: Evidence) {
        var object = ObjectState()
        if let value = evidence.detail { key("detail", &object); string(value) }
        key("feature", &object); string(evidence.feature)
        if let location = evidence.location {
            key("location", &object)
            var inner = ObjectState()
            if let value = location.address { key("address", &inner); number(value) }
            if let value = location.file { key("file", &inner); string(value) }
            if let value = location.line { key("line", &inner); number(value) }
            if let value = location.offset { key("offset", &inner); number(value) }
            if let value = location.section { key("section", &inner); string(value) }
            if let value = location.symbol { key("symbol", &inner); string(value) }
            close(&inner)
        }
        key("value", &object); string(evidence.value)
        out.append(UInt8(ascii: "}"))
    }

    /// Whether an object's opening brace is written and a comma is due.
    private struct ObjectState { var started = false }

    private mutating func close(_ state: inout ObjectState) {
        if !state.started { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }

    private mutating func key(_ name: StaticString, _ state: inout ObjectState) {
        out.append(UInt8(ascii: state.started ? "," : "{"))
        state.started = true
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private mutating func array<Element>(_ elements: [Element], _ body: (inout FileReportJSON, Element) -> Void) {
        out.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            body(&self, element)
        }
        out.append(UInt8(ascii: "]"))
    }

    private mutating func boolean(_ value: Bool) {
        out.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    private mutating func number<Number: BinaryInteger>(_ value: Number) {
        out.append(contentsOf: String(value).utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func string(_ value: String) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0a: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0d: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0c: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x00 ..< 0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 0xf)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

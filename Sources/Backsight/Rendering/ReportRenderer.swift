/// Turns a stream of reports into output text, one piece per report, so output streams and
/// memory does not grow with the number of files.
public protocol ReportRenderer {
    /// Text for one report, or nil when this format shows nothing for it.
    mutating func render(_ report: FileReport) -> String?
    /// Closing text once every report has been rendered.
    mutating func finish(summary: ScanSummary) -> String
}

/// Formats a location as `section+0xoffset @0xaddress <symbol> line N`, leaving out what is unknown.
func describe(_ location: Location?) -> String {
    guard let location else { return "" }
    var parts: [String] = []
    if let section = location.section {
        parts.append(location.offset.map { "\(section) offset 0x\(String($0, radix: 16))" } ?? section)
    } else if let offset = location.offset {
        parts.append("offset 0x\(String(offset, radix: 16))")
    }
    if let address = location.address { parts.append("address 0x\(String(address, radix: 16))") }
    if let symbol = location.symbol { parts.append("symbol \(symbol)") }
    if let line = location.line { parts.append("line \(line)") }
    if let file = location.file { parts.append("file \(file)") }
    return parts.joined(separator: ", ")
}

/// A set of files with the verdicts they must get, read from a tab-separated list
/// (`path<TAB>MALICIOUS|SUSPICIOUS|CLEAN<TAB>group[<TAB>anything]`, paths relative to the
/// scanned root; a first line starting with `path` is a header). `../shared/real/expect.tsv` is
/// one; a firmware team's own labelled samples are another.
public struct LabelledSet: Sendable, Hashable {
    /// The verdict a labelled file must get.
    public enum Expectation: String, Sendable, Hashable, CaseIterable {
        /// A finding of severity high or critical on the file (or on a member it holds).
        case malicious = "MALICIOUS"
        /// A finding of severity medium or above.
        case suspicious = "SUSPICIOUS"
        /// Nothing at medium or above.
        case clean = "CLEAN"

        /// Whether the highest severity found on a file meets the expectation.
        public func isMet(byHighest highest: Severity?) -> Bool {
            switch self {
            case .malicious: return highest.map { $0 >= .high } ?? false
            case .suspicious: return highest.map { $0 >= .medium } ?? false
            case .clean: return highest.map { $0 < .medium } ?? true
            }
        }
    }

    public struct Sample: Sendable, Hashable {
        public var path: String
        public var expectation: Expectation
        public var group: String
    }

    /// A line of the list that could not be read.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public var samples: [Sample]

    public init(samples: [Sample]) {
        self.samples = samples
    }

    /// Reads the list; blank lines and `#` comments are skipped.
    public init(parsing text: String) throws(ParseError) {
        var samples: [Sample] = []
        var seen: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || (index == 0 && trimmed.hasPrefix("path")) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0.filter { $0 != "\r" }) }
            guard fields.count >= 3 else {
                throw ParseError(line: index + 1, message: "expected path, verdict and group separated by tabs")
            }
            guard let expectation = Expectation(rawValue: fields[1]) else {
                throw ParseError(line: index + 1, message: "unknown verdict '\(fields[1])' (MALICIOUS, SUSPICIOUS or CLEAN)")
            }
            guard !fields[0].isEmpty, !fields[0].hasPrefix("/"), !fields[0].split(separator: "/").contains("..") else {
                throw ParseError(line: index + 1, message: "path '\(fields[0])' must be relative to the root, without '..'")
            }
            guard seen.insert(fields[0]).inserted else { throw ParseError(line: index + 1, message: "'\(fields[0])' is listed twice") }
            samples.append(Sample(path: fields[0], expectation: expectation, group: fields[2]))
        }
        self.samples = samples
    }
}

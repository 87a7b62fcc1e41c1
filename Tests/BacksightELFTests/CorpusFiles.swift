import BacksightTestSupport
import Foundation

/// The repository's corpus and the readelf runner the agreement tests compare against.
enum CorpusFiles {
    static let root = Checkout.corpus

    /// Every regular file under `Corpus/` that starts with the ELF magic.
    static func elfFiles() throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]) else { return [] }
        var found: [URL] = []
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true, values.isSymbolicLink != true else { continue }
            let handle = try FileHandle(forReadingFrom: url)
            let magic = try handle.read(upToCount: 4) ?? Data()
            try handle.close()
            if magic == Data([0x7f, 0x45, 0x4c, 0x46]) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }
}

enum Readelf {
    static func run(_ arguments: [String], _ file: URL) throws -> String {
        String(decoding: try ChildProcess.output("/usr/bin/readelf", arguments + [file.path]), as: UTF8.self)
    }

    /// The number between `after` and `before` on the first line that has both.
    static func firstNumber(in text: String, after: String, before: String) -> Int? {
        numbers(in: text, after: after, before: before).first
    }

    /// The sum of the numbers between `after` and `before` on every line that has both.
    static func sum(in text: String, after: String, before: String) -> Int {
        numbers(in: text, after: after, before: before).reduce(0, +)
    }

    private static func numbers(in text: String, after: String, before: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            guard let start = line.range(of: after), let end = line.range(of: before, range: start.upperBound..<line.endIndex) else { return nil }
            return Int(line[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces))
        }
    }
}

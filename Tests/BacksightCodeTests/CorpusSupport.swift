import Foundation
import BacksightELF
import BacksightTestSupport
@testable import BacksightCode

/// Reads corpus samples and runs the code analysis on them.
enum Corpus {
    static let root = Checkout.corpus

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func facts(_ path: String) throws -> CodeFacts {
        let data = try bytes(path)
        return try data.withUnsafeBytes { buffer in
            let model = try ELFReader.model(of: buffer)
            return CodeAnalyzer.analyze(model, bytes: buffer)
        }
    }
}

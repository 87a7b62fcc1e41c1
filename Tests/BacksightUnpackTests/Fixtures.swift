import BacksightTestSupport
@testable import BacksightUnpack
import Foundation

/// Corpus blobs and helpers shared by the unpacking tests.
enum Fixtures {
    static let corpus = Checkout.corpus

    static func blob(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent("blobs/tests/files/\(name)")))
    }

    static func corpusFile(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(path)))
    }

    /// Runs `xz` (or another compressor) over `input` and returns its output.
    static func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        try ChildProcess.spawn("/usr/bin/env", [tool] + arguments, input: input).output
    }

    static func xz(_ input: [UInt8], _ arguments: [String] = []) throws -> [UInt8] {
        try run("xz", ["-c", "--check=crc64"] + arguments, input: input)
    }

    /// Unpacks `bytes` at `path` and collects the members (copying their bytes).
    static func unpack(_ bytes: [UInt8], path: String, limits: UnpackLimits = UnpackLimits(),
                       unpacker: Unpacker = Unpacker()) -> (result: UnpackResult, members: [(path: String, content: MemberContent)]) {
        var members: [(path: String, content: MemberContent)] = []
        let budget = UnpackBudget(limits: limits)
        let result = bytes.withUnsafeBytes { buffer in
            unpacker.unpack(path: path, bytes: buffer, budget: budget) { member in
                let content: MemberContent
                switch member.content {
                case let .file(data): content = .file(Array(data))
                case let .symbolicLink(target): content = .symlink(String(decoding: target, as: UTF8.self))
                case let .hardLink(target): content = .hardLink(String(decoding: target, as: UTF8.self))
                case let .skipped(reason, message): content = .skipped(reason, message)
                }
                members.append((String(decoding: member.path, as: UTF8.self), content))
                return true
            }
        }
        return (result, members)
    }

    enum MemberContent: Equatable {
        case file([UInt8])
        case symlink(String)
        case hardLink(String)
        case skipped(String, String)

        var bytes: [UInt8]? { if case let .file(bytes) = self { return bytes } else { return nil } }
        var skipReason: String? { if case let .skipped(reason, _) = self { return reason } else { return nil } }
    }
}

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

    /// An x86 `bzImage`: a boot header (protocol 2.15, protected mode at 0x800) declaring a
    /// payload of `payload.count` bytes at `declaringOffset`, and `payload` placed at `start`.
    static func kernelImage(payload: [UInt8], at start: Int, declaringOffset declared: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(start, declared) + payload.count + 64)
        bytes[0x1F1] = 3                                   // setup sectors: protected mode at 0x800
        bytes[0x1FE] = 0x55; bytes[0x1FF] = 0xAA
        bytes.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        bytes[0x206] = 0x0F; bytes[0x207] = 0x02           // boot protocol 2.15
        let offset = UInt32(declared - 0x800), length = UInt32(payload.count)
        for index in 0..<4 {
            bytes[0x248 + index] = UInt8(truncatingIfNeeded: offset >> (8 * index))
            bytes[0x24C + index] = UInt8(truncatingIfNeeded: length >> (8 * index))
        }
        bytes.replaceSubrange(start..<(start + payload.count), with: payload)
        return bytes
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

// seeds: Corpus/blobs Benchmarks/Fuzz/Seeds/FuzzUnpacker
// The unpacker over arbitrary bytes: `.deb` and static-library ar archives, tar (plain, gzip,
// xz, lzma), whole xz and lzma files, carved streams and the test-blob heuristics, each member
// unpacked in turn as the engine does; then the decoder on every format, the carver and the ar
// reader on their own. Nothing may trap, hang or read outside the input, and what they report
// must lie inside it. The input's length picks the path it is unpacked under, so the test-file
// name heuristics run too.
import BacksightUnpack

/// Small limits, so one input stays fast. The byte-swap repair of damaged xz files decodes
/// the input up to 238 times, each with a fresh decoder whose dictionary (8 MiB for the corpus
/// blobs) liblzma allocates and the sanitizer maps anew: 30 ms an input. It runs only for
/// inputs unpacked under the test-file path, a fifth of them.
func limits(swapSearch: Bool) -> UnpackLimits {
    var limits = UnpackLimits()
    limits.decoderMemory = 32 << 20
    limits.streamOutput = 1 << 20
    limits.fileOutput = 4 << 20
    limits.memberSize = 1 << 20
    limits.payloadsPerFile = 8
    limits.swapSearchInput = swapSearch ? 64 << 10 : 0
    return limits
}
let decodeLimits = DecodeLimits(memory: 32 << 20, output: 1 << 20)
/// The path an input is unpacked under, picked by its length, with its limits.
let paths: [(path: String, limits: UnpackLimits)] = [
    ("usr/lib/libfuzz.so", limits(swapSearch: false)),
    ("tests/files/bad-1-corrupt_fuzz.xz", limits(swapSearch: true)),
    ("pool/fuzz_1.0_all.deb", limits(swapSearch: false)),
    ("lib/modules/fuzz.ko.xz", limits(swapSearch: false)),
    ("fuzz.tar.gz", limits(swapSearch: false)),
]
let unpacker = Unpacker()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnpacker(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    let (path, limits) = paths[count % paths.count]
    unpack(path: path, bytes: input, budget: UnpackBudget(limits: limits))

    for format in [CompressionFormat.xz, .lzmaAlone] {
        let summary = Decompressor.decode(input, format: format, limits: decodeLimits) { _ in true }
        require(summary.consumed <= UInt64(count), "\(format) consumed \(summary.consumed) of \(count) bytes")
    }
    // Raw LZMA: the first byte is the properties, the rest the data.
    if let properties = input.first {
        let raw: [CompressionFormat] = [.rawLZMA1(properties: properties, dictionarySize: 1 << 16), .rawLZMA2(dictionarySize: 1 << 16)]
        for format in raw {
            let (bytes, summary, _) = Decompressor.decode(input, from: 1, format: format, limits: decodeLimits, keep: 4096)
            require(summary.consumed <= UInt64(count - 1), "\(format) consumed \(summary.consumed) of \(count - 1) bytes")
            _ = bytes.withUnsafeBytes { $0.last }
        }
    }
    for candidate in StreamCarver.candidates(in: input) {
        require(candidate.offset >= 0 && candidate.offset < count, "carved offset \(candidate.offset) outside \(count) bytes")
    }
    return 0
}

/// Unpacks `bytes` and every file member inside, recursively under the shared budget, and
/// reads every payload.
func unpack(path: String, bytes: UnsafeRawBufferPointer, budget: UnpackBudget) {
    let result = unpacker.unpack(path: path, bytes: bytes, budget: budget) { member in
        require(member.path.first == 0x2F, "member path \(member.path) does not start with /")
        if case let .file(content) = member.content {
            _ = content.first.map { $0 &+ (content.last ?? 0) }
            unpack(path: path + "!" + String(decoding: member.path, as: UTF8.self), bytes: content, budget: budget)
        }
        return true
    }
    visit(result.payloads, within: bytes.count)
}

func visit(_ payloads: [DecodedPayload], within count: Int) {
    for payload in payloads {
        require(payload.offset <= UInt64(count), "payload \(payload.name) at \(payload.offset) outside \(count) bytes")
        let size = payload.bytes.withUnsafeBytes { bytes in
            _ = bytes.first.map { $0 &+ (bytes.last ?? 0) }
            return bytes.count
        }
        visit(payload.payloads, within: size)
    }
}

/// A property every input must keep; breaking it is a bug, reported as a crash.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

// seeds: Corpus/images
// The container readers over arbitrary bytes: libarchive (tar, cpio, zip, 7z, ISO 9660, RPM,
// `.deb`, under every filter), libsquashfs (through its in-memory file), the firmware carver and
// `docker save` tarballs (JSONDecoder over manifests and configs, layers merged),
// through the unpacker as the engine calls it. Each input is read as it is and behind a 4 KiB
// made-up vendor header, so the images are carved at an offset too. Nothing may trap, hang or
// read outside the input; member paths start with `/`, and a member over the member limit
// can only be one stored whole in the input (handed on in place, never copied).
import BacksightUnpack

/// Small limits, so one input stays fast (a bomb stops at 4 MiB).
let limits: UnpackLimits = {
    var limits = UnpackLimits()
    limits.decoderMemory = 32 << 20
    limits.streamOutput = 4 << 20
    limits.fileOutput = 4 << 20
    limits.memberSize = 1 << 20
    limits.members = 4096
    limits.payloadsPerFile = 4
    limits.swapSearchInput = 0
    return limits
}()
let unpacker = Unpacker()
let header: [UInt8] = Array("BKSTFUZZ".utf8) + [UInt8](repeating: 0, count: 4096 - 8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContainers(_ data: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: count > 0 ? data : nil, count: count)
    unpack(input, path: "firmware/image.bin")
    if count % 4 == 0 {
        let behind = header + Array(input)
        behind.withUnsafeBytes { unpack($0, path: "firmware/vendor.bin") }
    }
    return 0
}

func unpack(_ bytes: UnsafeRawBufferPointer, path: String) {
    let result = unpacker.unpack(path: path, bytes: bytes, budget: UnpackBudget(limits: limits)) { member in
        require(member.path.first == 0x2F, "member path \(member.path) does not start with /")
        if case let .file(content) = member.content {
            let inPlace = content.baseAddress.flatMap { start in bytes.baseAddress.map { start >= $0 && start + content.count <= $0 + bytes.count } } ?? true
            require(content.count <= Int(limits.memberSize) || inPlace, "member of \(content.count) bytes over the limit and not in place")
            _ = content.first.map { $0 &+ (content.last ?? 0) }
        }
        return true
    }
    for problem in result.problems {
        _ = problem.description
    }
}

/// A property every input must keep; breaking it is a bug, reported as a crash.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

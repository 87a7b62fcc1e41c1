/// The x86 Linux boot header of a `bzImage` (`boot/vmlinuz-*`), as Documentation/x86/boot.rst
/// describes it: the boot-sector signature, `HdrS`, and from boot protocol 2.08 on the offset
/// and length of the compressed kernel it carries.
///
/// A kernel image carries its kernel as a compressed stream by design; the header says where.
/// A stream carved exactly there is the image's declared payload, not data hidden in the file.
public struct KernelImageHeader: Sendable, Hashable {
    /// The boot protocol version (`0x020f` for 2.15).
    public var protocolVersion: UInt16
    /// Where the compressed kernel starts in the file.
    public var payloadOffset: Int
    public var payloadLength: Int
    /// The kernel version string the header points at (`kernel_version`, protocol 2.00 on):
    /// `6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian …`.
    public var version: String?

    /// Reads the header of `bytes`; nil when it is no bzImage or declares no payload.
    public static func read(_ bytes: UnsafeRawBufferPointer) -> KernelImageHeader? {
        guard bytes.count >= 0x250, bytes[0x1FE] == 0x55, bytes[0x1FF] == 0xAA,
              bytes[0x202] == 0x48, bytes[0x203] == 0x64, bytes[0x204] == 0x72, bytes[0x205] == 0x53 else { return nil }
        let version = UInt16(bytes[0x206]) | UInt16(bytes[0x207]) << 8
        guard version >= 0x0208 else { return nil }
        let setupSectors = Int(bytes[0x1F1] == 0 ? 4 : bytes[0x1F1])
        let protectedModeStart = (setupSectors + 1) * 512
        let offset = Int(StreamHeaders.readUInt32(bytes, at: 0x248))
        let length = Int(StreamHeaders.readUInt32(bytes, at: 0x24C))
        let start = protectedModeStart + offset
        guard length > 0, start < bytes.count, bytes.count - start >= length else { return nil }
        return KernelImageHeader(protocolVersion: version, payloadOffset: start, payloadLength: length,
                                 version: versionString(bytes))
    }

    /// The NUL-terminated printable string at `kernel_version + 0x200`, up to 256 bytes.
    private static func versionString(_ bytes: UnsafeRawBufferPointer) -> String? {
        let pointer = Int(bytes[0x20E]) | Int(bytes[0x20F]) << 8
        guard pointer > 0 else { return nil }
        let start = pointer + 0x200
        var end = start
        while end < bytes.count, end - start < 256, bytes[end] >= 0x20, bytes[end] < 0x7F { end += 1 }
        guard end > start, end < bytes.count, bytes[end] == 0 else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

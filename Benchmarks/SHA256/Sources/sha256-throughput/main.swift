import CCrypto
import Crypto
import Foundation

// SHA-256 throughput, swift-crypto (BoringSSL) against the system's OpenSSL libcrypto, alternating in one process.
let size = 512 << 20
var buffer = [UInt8](repeating: 0, count: size)
var state: UInt64 = 0x9E37_79B9_7F4A_7C15
for i in 0..<size { state = state &* 6364136223846793005 &+ 1442695040888963407; buffer[i] = UInt8(truncatingIfNeeded: state >> 33) }

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
nonisolated(unsafe) var sink = 0
func boring(_ bytes: UnsafeRawBufferPointer) { var h = SHA256(); h.update(bufferPointer: bytes); sink &+= h.finalize().withUnsafeBytes { Int($0[0]) } }
nonisolated(unsafe) let implementation: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
func openssl(_ bytes: UnsafeRawBufferPointer) {
    var digest = [UInt8](repeating: 0, count: 32)
    var size: UInt32 = 0
    _ = EVP_Digest(bytes.baseAddress, bytes.count, &digest, &size, implementation, nil)
    sink &+= Int(digest[0])
}
var large: [String: [Double]] = [:], small: [String: [Double]] = [:]
buffer.withUnsafeBytes { all in
    let smallFile = UnsafeRawBufferPointer(rebasing: all[0..<4096])
    for _ in 0..<7 {
        for (name, hash) in [("swift-crypto (BoringSSL)", boring), ("OpenSSL libcrypto", openssl)] as [(String, (UnsafeRawBufferPointer) -> Void)] {
            large[name, default: []].append(seconds { hash(all) })
            small[name, default: []].append(seconds { for _ in 0..<100_000 { hash(smallFile) } })
        }
    }
}
func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
for name in ["swift-crypto (BoringSSL)", "OpenSSL libcrypto"] {
    let l = median(large[name]!), s = median(small[name]!)
    print("\(name): 512 MiB in \(String(format: "%.3f", l)) s = \(String(format: "%.2f", Double(size) / l / 1e9)) GB/s; 100,000 x 4 KiB in \(String(format: "%.3f", s)) s = \(String(format: "%.2f", s * 1e6 / 100_000)) us each (medians of 7)")
}
print("sink \(sink)")

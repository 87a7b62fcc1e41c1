// swift-tools-version:6.0
import PackageDescription

// SHA-256 throughput of apple/swift-crypto (BoringSSL) against the system's OpenSSL libcrypto,
// alternating in one process: the measurement behind README's dependency table. Not part of
// Backsight's build (swift-crypto is no longer a dependency). Run:
//   cd Benchmarks/SHA256 && swift run -c release sha256-throughput
let package = Package(
    name: "SHA256Throughput",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.0")],
    targets: [
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .executableTarget(name: "sha256-throughput", dependencies: ["CCrypto", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v6]
)

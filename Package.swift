// swift-tools-version:6.0
import PackageDescription

// Data flows one way: walk -> read -> extract features -> match rules -> report.
//   BacksightLimits the cooperative per-file deadline every analysis stage checks, and the memory budget
//                   a scan's threads share for large files and decodes
//   BacksightWalk   root-confined directory walk and file reading (knows nothing of ELF or rules)
//   BacksightELF    the ELF feature model over libelf (knows nothing of rules or files on disk)
//   BacksightUnpack decoding (xz, lzma), carving, containers through libarchive and libsquashfs, and OCI/Docker images
//                   with their layers merged (knows nothing of rules or files on disk)
//   BacksightConfig configuration files inside a root: ld.so.preload, LD_PRELOAD, PAM stacks, accounts,
//                   start-up files and remote-login options (knows nothing of rules)
//   BacksightCode   code analysis over capstone: resolvers, constructors, GOT writes (knows nothing of rules)
//   BacksightRules  rule language, compiler and matcher over features, regexes through PCRE2 (knows nothing of files on disk);
//                   CAtomPrefilter is its vector prefilter for literal atoms, in C for the byte-shuffle intrinsics
//   Backsight       the engine and public API: parallel scan, reports, renderers
//   backsight       the command line: argument parsing and printing only
//   BacksightC      the C API (libbacksight, header Sources/CBacksight/include/backsight.h): conversion only
let package = Package(
    name: "Backsight",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Backsight", targets: ["Backsight"]),
        .executable(name: "backsight", targets: ["backsight"]),
        // libBacksightC.so (the name `backsight` is the executable's); `make` links libbacksight.so to it.
        .library(name: "BacksightC", type: .dynamic, targets: ["BacksightC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CElf", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSquashfs", pkgConfig: "libsquashfs1", providers: [.apt(["libsquashfs-dev"])]),
        .systemLibrary(name: "CCapstone", pkgConfig: "capstone", providers: [.apt(["libcapstone-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libcrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        // glibc's malloc.h, for malloc_trim.
        .systemLibrary(name: "CMalloc"),

        .target(name: "BacksightLimits", dependencies: ["CMalloc"]),
        .target(name: "BacksightWalk"),
        .target(name: "BacksightELF", dependencies: ["BacksightLimits", "CElf"]),
        .target(name: "BacksightUnpack", dependencies: ["BacksightLimits", "BacksightELF", "CLzma", "CZlib", "CArchive", "CSquashfs", "CCrypto"]),
        .target(name: "CAtomPrefilter"),
        .target(name: "BacksightRules", dependencies: ["BacksightELF", "CAtomPrefilter", "CPCRE2", "Yams"]),
        .target(name: "BacksightCode", dependencies: ["BacksightELF", "CCapstone"]),
        .target(name: "BacksightConfig", dependencies: ["BacksightLimits", "BacksightWalk", "CCrypt"]),
        .target(
            name: "Backsight",
            dependencies: [
                "BacksightLimits", "BacksightWalk", "BacksightELF", "BacksightRules", "BacksightUnpack", "BacksightCode", "BacksightConfig", "CLzma", "CCrypto",
            ],
            resources: []
        ),
        .target(name: "CBacksight"),
        .target(name: "BacksightC", dependencies: ["Backsight", "CBacksight"]),
        .executableTarget(
            name: "backsight",
            dependencies: ["Backsight", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .target(name: "BacksightTestSupport", dependencies: ["BacksightWalk"], path: "Tests/BacksightTestSupport"),
        .testTarget(name: "BacksightLimitsTests", dependencies: ["BacksightLimits"]),
        .testTarget(name: "BacksightWalkTests", dependencies: ["BacksightWalk", "BacksightTestSupport"]),
        .testTarget(name: "BacksightELFTests", dependencies: ["BacksightELF", "BacksightTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "BacksightUnpackTests", dependencies: ["BacksightLimits", "BacksightUnpack", "BacksightTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "BacksightCodeTests", dependencies: ["BacksightCode", "BacksightELF", "BacksightTestSupport"]),
        .testTarget(name: "BacksightConfigTests", dependencies: ["BacksightConfig"]),
        .testTarget(name: "BacksightRulesTests", dependencies: ["BacksightRules", "BacksightELF"]),
        .testTarget(name: "BacksightTests", dependencies: ["Backsight", "BacksightConfig", "BacksightTestSupport"]),
        .testTarget(name: "BacksightConsumerTests", dependencies: ["Backsight"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:5.4
import Foundation
import PackageDescription

// libFuzzer targets for Backsight, kept out of the normal build and test: this package is never
// built by `swift build` or `make test` at the top level. Build and run them with
// `bash Benchmarks/fuzz.sh` (see Benchmarks/FUZZING.md).
//
// Every folder under Sources/ is one fuzz target: an executable whose single file defines
// `LLVMFuzzerTestOneInput` with `@_cdecl`, built with `-sanitize=fuzzer,address
// -parse-as-library` (libFuzzer supplies `main`). Adding a target is adding a folder with one
// file; nothing here needs editing. Each target depends on the `Backsight` library product,
// through which every Backsight module (BacksightELF, BacksightRules, BacksightWalk, …) can
// be imported.

let packageDirectory = URL(fileURLWithPath: #file).deletingLastPathComponent()

let targetNames = ((try? FileManager.default.contentsOfDirectory(atPath: packageDirectory.appendingPathComponent("Sources").path)) ?? [])
    .filter { !$0.hasPrefix(".") }
    .sorted()

let package = Package(
    name: "BacksightFuzz",
    dependencies: [.package(name: "Backsight", path: "../..")],
    targets: targetNames.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "Backsight", package: "Backsight")])
    },
    swiftLanguageVersions: [.version("6")]
)

import Backsight
import Foundation
import XCTest

/// Backsight's check of its own liblzma: on this machine it passes; the decision is tested
/// with injected versions and bytes.
final class LiblzmaSelfCheckTests: XCTestCase {
    private static let rules: RuleSet? = DefaultLocations.rules().flatMap { try? RuleSet.compile(directories: [$0]) }

    private func repositoryRules() throws -> RuleSet { try XCTUnwrap(Self.rules, "Rules/ compiles") }

    private func corpusFile(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(DefaultLocations.corpus()) + "/" + path)))
    }

    func testTheLoadedLibraryIsFoundAndTrustedOnThisMachine() throws {
        let library = try LiblzmaSelfCheck.locate().get()
        // The file found is the one mapped into this process, and it is liblzma.
        let maps = try String(decoding: FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps")).readToEnd() ?? Data(), as: UTF8.self)
        XCTAssertTrue(maps.contains(" " + library.path + "\n"), "\(library.path) is not mapped")
        XCTAssertTrue((library.path as NSString).lastPathComponent.hasPrefix("liblzma"), library.path)
        XCTAssertFalse(library.version.isEmpty)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: library.path)))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x7f, 0x45, 0x4c, 0x46])

        let result = LiblzmaSelfCheck.run(ruleSet: try repositoryRules())
        XCTAssertEqual(result, .trusted(library), result.message)
        XCTAssertFalse(LiblzmaSelfCheck.isBackdooredVersion(library.version))
    }

    func testBackdooredVersionsAreRefusedWhateverTheBytes() throws {
        let clean = try corpusFile("arch/hello/x86_64/libhello.so")
        for version in ["5.6.0", "5.6.1", "5.6.1alpha", " 5.6.1 "] {
            let library = LoadedLiblzma(path: "/usr/lib/liblzma.so.5", version: version)
            let result = clean.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: library, bytes: $0, ruleSet: .empty) }
            XCTAssertEqual(result, .refused(library, .backdooredVersion(version)), version)
        }
        for version in ["5.4.1", "5.6.2", "5.6.10", "5.8.0", "5.6"] {
            let library = LoadedLiblzma(path: "/usr/lib/liblzma.so.5", version: version)
            let result = clean.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: library, bytes: $0, ruleSet: .empty) }
            XCTAssertEqual(result, .trusted(library), version)
        }
    }

    func testALibraryTheRulesFlagIsRefused() throws {
        // A corpus positive stands in for the library file: a good version does not save it.
        let flagged = try corpusFile("auth/sshd-rsa-hook/x86_64/librsahook.so")
        let library = LoadedLiblzma(path: "/usr/lib/x86_64-linux-gnu/liblzma.so.5.6.2", version: "5.6.2")
        let result = flagged.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: library, bytes: $0, ruleSet: Self.rules ?? .empty) }
        guard case let .refused(refused, .rulesMatched(findings)) = result else { return XCTFail("not refused: \(result.message)") }
        XCTAssertEqual(refused, library)
        XCTAssertTrue(findings.contains { $0.ruleID == "auth/sshd-rsa-hook" })
        XCTAssertTrue(findings.allSatisfy { $0.severity >= .high })
        XCTAssertTrue(result.message.contains("auth/sshd-rsa-hook (high)"), result.message)

        // A file no rule flags at high passes. (Its path must fit its content: ordinary bytes
        // under a liblzma name are flagged by userland/library-masquerade, rightly.)
        let clean = try corpusFile("arch/hello/x86_64/libhello.so")
        let plain = LoadedLiblzma(path: "/usr/lib/x86_64-linux-gnu/libhello.so.1", version: "5.6.2")
        let passed = clean.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: plain, bytes: $0, ruleSet: Self.rules ?? .empty) }
        XCTAssertEqual(passed, .trusted(plain))
        let masquerading = clean.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: library, bytes: $0, ruleSet: Self.rules ?? .empty) }
        guard case .refused(_, .rulesMatched) = masquerading else { return XCTFail("hello under liblzma's name: \(masquerading.message)") }
    }

    func testAFileThatIsNotAnalysableIsRefused() throws {
        // A library file the engine cannot analyse is not trusted by default.
        let library = LoadedLiblzma(path: "/usr/lib/liblzma.so.5", version: "5.4.1")
        let bytes = HostileBytes.truncatedELF
        let result = bytes.withUnsafeBytes { LiblzmaSelfCheck.evaluate(library: library, bytes: $0, ruleSet: .empty) }
        guard case .refused(_, .uncheckable) = result else { return XCTFail("\(result)") }
    }
}

enum HostileBytes {
    /// The ELF magic and a class, then nothing: not analysable.
    static let truncatedELF: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]
}

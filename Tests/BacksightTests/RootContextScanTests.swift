import BacksightTestSupport
import Backsight
import Foundation
import XCTest

/// Configuration files scanned with their tree: the bundled Corpus/rootfs and small trees built
/// here from corpus libraries.
final class RootContextScanTests: XCTestCase {
    private static let repository = Checkout.root
    private static let corpus = repository.appendingPathComponent("Corpus")
    private static let rules: RuleSet = {
        do { return try RuleSet.compile(directories: [repository.appendingPathComponent("Rules").path]) } catch {
            fatalError("the shipped rules compile: \(error)")
        }
    }()

    private func scan(_ root: String) async throws -> [String: FileReport] {
        let scanner = Scanner(ruleSet: Self.rules, options: ScanOptions(jobs: 2))
        var reports: [String: FileReport] = [:]
        for await report in try scanner.scan(root: root) { reports[report.path] = report }
        return reports
    }

    private func finding(_ report: FileReport?, _ rule: String) -> Finding? {
        report?.findings.first { $0.ruleID == rule }
    }

    /// A temporary tree; `files` maps paths inside it to corpus files to copy or to text.
    private func makeTree(copies: [String: String] = [:], texts: [String: String] = [:], links: [String: String] = [:]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("backsight-rootctx-\(UUID().uuidString)")
        for (path, source) in copies {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent(source), to: target)
        }
        for (path, text) in texts {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
        }
        for (path, destination) in links {
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target.path, withDestinationPath: destination)
        }
        return root
    }

    func testCorpusRootfsFindingsPointAtTheLineAndTheLibrary() async throws {
        let reports = try await scan(Self.corpus.appendingPathComponent("rootfs").path)
        let preload = try XCTUnwrap(finding(reports["etc/ld.so.preload"], "rootfs/ld-so-preload-entry"))
        let flagged = try XCTUnwrap(preload.evidence.first { $0.value == "configured-library-flagged" })
        XCTAssertEqual(flagged.location?.line, 1)
        XCTAssertEqual(flagged.location?.file, "usr/lib/libprocesshider.so")
        XCTAssertTrue(flagged.detail?.contains("flagged by userland/preload-hiding-hooks (high)") == true, flagged.detail ?? "")

        let environment = try XCTUnwrap(finding(reports["etc/environment"], "rootfs/ld-preload-environment"))
        XCTAssertEqual(environment.evidence.first { $0.value == "configured-library-flagged" }?.location?.line, 3)
        XCTAssertEqual(finding(reports["etc/systemd/system/x.service"], "rootfs/ld-preload-environment")?
            .evidence.first { $0.value == "configured-library-flagged" }?.location?.line, 8)

        let pam = try XCTUnwrap(finding(reports["etc/pam.d/sshd"], "rootfs/pam-config-flagged-module"))
        let module = try XCTUnwrap(pam.evidence.first { $0.feature == "characteristic" })
        XCTAssertEqual(module.location?.line, 3)
        XCTAssertEqual(module.location?.file, "usr/lib/x86_64-linux-gnu/security/pam_backdoor.so")

        let missing = try XCTUnwrap(finding(reports["etc/pam.d/sshd"], "rootfs/pam-config-missing-module"))
        XCTAssertEqual(missing.evidence.compactMap(\.location?.line), [5, 7], "pam_nologin.so and pam_loginuid.so")

        // login names only modules the tree lacks: the low missing-module finding, a clean verdict.
        XCTAssertEqual(reports["etc/pam.d/login"]?.findings.map(\.ruleID), ["rootfs/pam-config-missing-module"])
        XCTAssertEqual(reports["etc/pam.d/login"]?.verdict, .clean)
        for clean in ["etc/systemd/system/benign.service", "etc/hostname"] {
            XCTAssertEqual(reports[clean]?.findings, [], clean)
        }
    }

    func testASingleConfigurationFileResolvesInsideTheTreeItSitsIn() async throws {
        let reports = try await scan(Self.corpus.appendingPathComponent("rootfs/etc/ld.so.preload").path)
        XCTAssertEqual(reports.count, 1)
        XCTAssertNotNil(finding(reports["ld.so.preload"], "rootfs/ld-so-preload-entry"))
    }

    func testMissingPreloadLibraryIsFlaggedAndCleanOneIsNot() async throws {
        let root = try makeTree(
            copies: ["usr/lib/x86_64-linux-gnu/libhello.so.1": "arch/hello/x86_64/libhello.so"],
            texts: ["etc/ld.so.preload": "libhello.so.1\n", "a/etc/ld.so.preload": "/usr/lib/libgone.so\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let reports = try await scan(root.path)
        XCTAssertEqual(reports["etc/ld.so.preload"]?.findings, [], "a bare name found in a multiarch directory, clean")
        let missing = try XCTUnwrap(finding(reports["a/etc/ld.so.preload"], "rootfs/ld-so-preload-entry"))
        let evidence = try XCTUnwrap(missing.evidence.first { $0.value == "configured-library-missing" })
        XCTAssertEqual(evidence.location?.line, 1)
        XCTAssertTrue(evidence.detail?.contains("/usr/lib/libgone.so") == true, evidence.detail ?? "")
    }

    /// A link whose absolute target names a real rootkit on the host resolves inside the tree
    /// (chroot-style), so the host file is never read: the library counts as missing.
    func testResolutionNeverLeavesTheTree() async throws {
        let outside = try makeTree(copies: ["libprocesshider.so": "preload/rootkit/x86_64/libprocesshider.so"])
        defer { try? FileManager.default.removeItem(at: outside) }
        let hostPath = outside.appendingPathComponent("libprocesshider.so").path
        let root = try makeTree(
            texts: ["etc/environment": "LD_PRELOAD=/usr/lib/libx.so\n", "etc/ld.so.preload": "\(hostPath)\n"],
            links: ["usr/lib/libx.so": hostPath])
        defer { try? FileManager.default.removeItem(at: root) }
        let reports = try await scan(root.path)
        XCTAssertEqual(reports["etc/environment"]?.findings, [], "the host rootkit behind the link is never analysed")
        let preload = try XCTUnwrap(finding(reports["etc/ld.so.preload"], "rootfs/ld-so-preload-entry"))
        XCTAssertTrue(preload.evidence.contains { $0.value == "configured-library-missing" })
        XCTAssertFalse(preload.evidence.contains { $0.value == "configured-library-flagged" })
    }

    func testPAMStackNamingAFlaggedPreloadLibraryAndIgnoringOptionalMissingModules() async throws {
        let root = try makeTree(
            copies: ["lib/security/pam_hide.so": "preload/rootkit/armhf/libprocesshider.so",
                     "lib/security/pam_filepass.so": "auth/pam-reads-file/armhf/pam_filepass.so"],
            texts: ["etc/pam.d/common-auth": "auth sufficient pam_hide.so\n",
                    "etc/pam.d/other": "auth required pam_filepass.so\n-session optional pam_gone.so\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let reports = try await scan(root.path)
        let flagged = try XCTUnwrap(finding(reports["etc/pam.d/common-auth"], "rootfs/pam-config-flagged-module"))
        XCTAssertEqual(flagged.evidence.first { $0.value == "configured-library-flagged" }?.location?.file, "lib/security/pam_hide.so")
        XCTAssertEqual(reports["etc/pam.d/other"]?.findings, [], "a module that reads its password file is not flagged")
    }

    /// A package is a part of a root: the PAM module its configuration names comes with another
    /// package, so it is not reported missing inside a `.deb`; the same tree packed as a tar of a
    /// root is a whole root, where it is.
    func testPackagesDoNotReportModulesOtherPackagesProvide() async throws {
        let builder = try PackageBuilder()
        defer { builder.remove() }
        let login = PackageBuilder.Entry.file("etc/pam.d/login", Array("auth required pam_unix.so\nsession optional pam_motd.so\n".utf8))
        let package = try builder.tree("pkg", [PackageBuilder.control("pkg"), login])
        _ = try builder.deb(from: package, name: "pkg.deb")
        let root = try builder.tree("root", [login])
        try PackageBuilder.run("/bin/tar", ["-cf", builder.directory + "/root.tar", "-C", root, "."])
        try FileManager.default.removeItem(atPath: package)
        try FileManager.default.removeItem(atPath: root)

        let reports = try await scan(builder.directory)
        let inPackage = try XCTUnwrap(reports.first { $0.key.hasPrefix("pkg.deb!") && $0.key.hasSuffix("etc/pam.d/login") }?.value)
        XCTAssertNil(finding(inPackage, "rootfs/pam-config-missing-module"), "\(inPackage.findings.map(\.ruleID))")
        let inImage = try XCTUnwrap(reports.first { $0.key.hasPrefix("root.tar!") && $0.key.hasSuffix("etc/pam.d/login") }?.value)
        XCTAssertNotNil(finding(inImage, "rootfs/pam-config-missing-module"), "\(inImage.findings.map(\.ruleID))")
    }

    /// A configuration file padded past the size of text an image keeps is still checked in
    /// the image: held back with its bytes while the container's budget lasts, and past that
    /// analysed at once in the tree as read so far.
    func testPaddedConfigurationFilesInsideImagesAreStillChecked() async throws {
        let builder = try PackageBuilder()
        defer { builder.remove() }
        let padding = String(repeating: "# keep\n", count: 10_000)  // 70,000 bytes
        let heavy = String(repeating: "# keep\n", count: 2_500_000)  // 17.5 MB, past what an image keeps
        for (name, text) in [("padded", padding), ("heavy", heavy)] {
            let root = try builder.tree(name, [.file("etc/ld.so.preload", Array((text + "/usr/lib/libgone.so\n").utf8))])
            try PackageBuilder.run("/bin/tar", ["-cf", builder.directory + "/\(name).tar", "-C", root, "."])
            try FileManager.default.removeItem(atPath: root)
        }
        let reports = try await scan(builder.directory)
        for name in ["padded", "heavy"] {
            let report = try XCTUnwrap(reports.first { $0.key.hasPrefix("\(name).tar!") && $0.key.hasSuffix("etc/ld.so.preload") }?.value, name)
            let preload = try XCTUnwrap(finding(report, "rootfs/ld-so-preload-entry"), "\(name): \(report.findings.map { $0.ruleID })")
            XCTAssertTrue(preload.evidence.contains { $0.value == "configured-library-missing" }, name)
        }
    }
}

import Backsight
import BacksightTestSupport
import Foundation
import XCTest

/// The images of `Corpus/images` (built from `Corpus/rootfs` by `make-images.sh`): each scans to
/// the same files, findings and verdicts as the directory it was built from, paths prefixed by
/// the image; the hostile ones end with reported skips and problems, never a crash.
final class ImageTests: XCTestCase {
    static let corpus = Checkout.corpus
    static let images = corpus.appendingPathComponent("images")

    private func scan(_ root: String, options: ScanOptions = ScanOptions(jobs: 2)) async throws -> [String: FileReport] {
        let ruleSet = try RuleSet.compile(directories: [Checkout.root.appendingPathComponent("Rules").path])
        var reports: [String: FileReport] = [:]
        for await report in try Scanner(ruleSet: ruleSet, options: options).scan(root: root) {
            XCTAssertNil(reports[report.path], "reported twice: \(report.path)")
            reports[report.path] = report
        }
        return reports
    }

    /// What a test compares of a report: kind, hash, link target, verdict, rule ids.
    private struct Outcome: Equatable, CustomStringConvertible {
        var kind: FileKind
        var sha256: String?
        var linkTarget: String?
        var verdict: Verdict
        var rules: [String]

        init(_ report: FileReport) {
            kind = report.kind
            sha256 = report.sha256
            linkTarget = report.linkTarget
            verdict = report.verdict
            rules = report.findings.map(\.ruleID).sorted()
        }

        var description: String { "\(kind) \(verdict) \(rules) \(linkTarget ?? "")" }
    }

    func testImagesScanLikeTheDirectoryTheyWereBuiltFrom() async throws {
        // Every file hashed (the inventory contract), so members and files compare by their bytes
        // whether or not a finding made the report carry a hash.
        var inventory = ScanOptions(jobs: 2)
        inventory.hashesEveryFile = true
        let directory = try await scan(Self.corpus.appendingPathComponent("rootfs").path, options: inventory)
            .filter { $0.value.kind != .directory }
            .mapValues(Outcome.init)
        XCTAssertGreaterThan(directory.values.filter { $0.verdict != .clean }.count, 3, "the rootfs holds positives")
        let reports = try await scan(Self.images.path, options: inventory)
        let images = ["rootfs.gzip.sqfs", "rootfs.xz.sqfs", "rootfs.zstd.sqfs", "rootfs.cpio.gz", "firmware.bin", "rootfs_1.0_amd64.deb",
                      "rootfs.oci", "rootfs.docker.tar", "rootfs.docker.tar.gz", "rootfs.docker.tar.xz", "rootfs.podman.tar.gz", "rootfs.crane.tar"]
        for image in images {
            let prefix = image + "!/"
            var members: [String: Outcome] = [:]
            for (path, report) in reports where path.hasPrefix(prefix) && !path.hasPrefix(prefix + "DEBIAN/") {
                XCTAssertNil(report.skip, "\(path): \(String(describing: report.skip))")
                members[String(path.dropFirst(prefix.count))] = Outcome(report)
            }
            XCTAssertEqual(Set(members.keys), Set(directory.keys), image)
            // Configuration files too: the rootfs rules resolve what they name inside the image.
            // A package is not a whole root: a module it lacks comes with another package, so it
            // is not reported missing there.
            let isPackage = image.hasSuffix(".deb")
            for (path, directoryOutcome) in directory {
                var expected = directoryOutcome
                if isPackage { expected.rules.removeAll { $0 == "rootfs/pam-config-missing-module" } }
                XCTAssertEqual(members[path], expected, "\(image)!/\(path)")
            }
            XCTAssertEqual(reports[image]?.problems ?? ["no report"], [], image)
        }
    }

    /// The access trees (`Corpus/access/*`, one per directory) packed as a SquashFS and a cpio.gz:
    /// every file scans to the same findings, evidence included, as in the directory. The rootfs
    /// rules resolve accounts, linked shadow files and libraries inside the image, per tree.
    func testRootfsRulesApplyInsideImagesAsInTheDirectory() async throws {
        let directory = try await scan(Self.corpus.appendingPathComponent("access").path).filter { $0.value.kind != .directory }
        let positives = directory.values.filter { $0.verdict != .clean }
        XCTAssertGreaterThan(positives.count, 10, "the access trees hold positives")
        XCTAssertTrue(positives.contains { $0.path == "telnet-shell/etc/inittab" }, "\(positives.map(\.path).sorted())")
        let reports = try await scan(Self.images.path)
        for image in ["access.xz.sqfs", "access.cpio.gz"] {
            let prefix = image + "!/"
            let members = Dictionary(uniqueKeysWithValues: reports.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
            XCTAssertEqual(Set(members.keys), Set(directory.keys), image)
            for (path, expected) in directory {
                XCTAssertEqual(members[path]?.verdict, expected.verdict, "\(image)!/\(path)")
                XCTAssertEqual(members[path]?.findings, expected.findings, "\(image)!/\(path)")
            }
        }
    }

    /// The container images' upper layer removes three positives of the lower one (a whiteout of
    /// a file, of a directory, an opaque directory) and replaces `etc/hostname`: the removed files
    /// are not reported, and every member names the layer it comes from. A `docker save`
    /// tarball that is gzipped or xz-compressed, and a gzipped `podman save` tarball, are read
    /// as the image they hold, not as a tar whose layers are scanned one by one.
    func testContainerImagesApplyWhiteoutsAndNameLayers() async throws {
        let reports = try await scan(Self.images.path)
        for image in ["rootfs.oci", "rootfs.docker.tar", "rootfs.docker.tar.gz", "rootfs.docker.tar.xz", "rootfs.podman.tar.gz", "rootfs.crane.tar"] {
            for removed in ["opt/old/libprocesshider.so", "usr/lib/libextra.so", "var/cache/stale/pam_backdoor.so"] {
                XCTAssertNil(reports["\(image)!/\(removed)"], "\(image): \(removed) is whited out")
            }
            XCTAssertTrue(reports.keys.filter { $0.hasPrefix(image + "!/") }.allSatisfy { !$0.contains(".wh.") }, "whiteout markers are no files")
            let lower = try XCTUnwrap(reports["\(image)!/usr/lib/libprocesshider.so"]?.layer, image)
            let upper = try XCTUnwrap(reports["\(image)!/etc/hostname"]?.layer, image)
            XCTAssertNotEqual(lower, upper, image)
            XCTAssertEqual(reports["\(image)!/usr/lib/libprocesshider.so"]?.verdict, .malicious)
            XCTAssertEqual(Set(reports.values.filter { $0.path.hasPrefix(image + "!/") }.compactMap(\.layer)), [lower, upper], image)
            XCTAssertTrue(lower.hasPrefix("sha256:") && lower.count == 71, lower)
        }
        // The OCI layout names its layers by their blobs; docker save by the config's diff IDs,
        // the digests of the uncompressed layers it stores.
        let blobs = try FileManager.default.contentsOfDirectory(atPath: Self.images.appendingPathComponent("rootfs.oci/blobs/sha256").path)
        XCTAssertTrue(blobs.contains(String(try XCTUnwrap(reports["rootfs.oci!/etc/hostname"]?.layer).dropFirst(7))))
        XCTAssertNotEqual(reports["rootfs.oci!/etc/hostname"]?.layer, reports["rootfs.docker.tar!/etc/hostname"]?.layer, "gzipped and plain layers differ")
        // So do podman's and crane's layouts, whose layers lie at the top as `<digest>.tar` and
        // `<digest>.tar.gz`.
        for other in ["rootfs.docker.tar.gz", "rootfs.docker.tar.xz", "rootfs.podman.tar.gz", "rootfs.crane.tar"] {
            XCTAssertEqual(reports["\(other)!/etc/hostname"]?.layer, reports["rootfs.docker.tar!/etc/hostname"]?.layer, other)
            XCTAssertNil(reports.keys.first { $0.hasPrefix(other + "!/") && ($0.hasSuffix(".tar") || $0.hasSuffix(".tar.gz")) },
                         "\(other): layers are merged, not members")
        }
        XCTAssertNil(reports.keys.first { $0.hasPrefix("rootfs.oci/") }, "the layout's blobs are not scanned as files of their own")
    }

    func testHostileImagesEndInReportedSkips() async throws {
        var options = ScanOptions(jobs: 2)
        options.unpackLimits.fileOutput = 64 << 20
        let reports = try await scan(Self.images.appendingPathComponent("hostile").path, options: options)

        let truncated = try XCTUnwrap(reports["truncated.sqfs"])
        XCTAssertFalse(truncated.problems.isEmpty, "a truncated image is a problem")
        XCTAssertTrue(truncated.problems.allSatisfy { $0.hasPrefix("malformed-container: squashfs") }, "\(truncated.problems)")

        let loop = try XCTUnwrap(reports["loop.sqfs"])
        XCTAssertTrue(loop.problems.contains { $0.contains("reached twice") }, "\(loop.problems)")
        XCTAssertNotNil(reports["loop.sqfs!/usr/lib/libprocesshider.so"], "the rest of the image is read")

        XCTAssertEqual(reports["escape.sqfs!/etc/escape-relative"]?.kind, .symlink)
        XCTAssertEqual(reports["escape.sqfs!/etc/escape-relative"]?.linkTarget, "../../../../../../etc/shadow")
        XCTAssertEqual(reports["escape.sqfs!/etc/escape-absolute"]?.linkTarget, "/etc/passwd")
        XCTAssertEqual(reports.keys.filter { $0.hasPrefix("escape.sqfs!/etc/escape") && $0.contains("!/etc/escape-relative!") }, [])

        XCTAssertEqual(reports["oversized.sqfs!/zeros.bin"]?.skip?.reason, "too-large")
        XCTAssertEqual(reports["oversized.sqfs!/small.txt"]?.kind, .text)

        XCTAssertEqual(reports["bomb.cpio.bz2!/zeros.bin"]?.skip?.reason, "decoded-size-limit")
        XCTAssertEqual(reports["bomb.cpio.bz2"]?.problems.first?.hasPrefix("decoded-size-limit: cpio.bzip2"), true,
                       "\(String(describing: reports["bomb.cpio.bz2"]?.problems))")
        XCTAssertNil(reports["bomb.cpio.bz2!/after.txt"], "reading stops at the limit")

        let missing = try XCTUnwrap(reports["missing-blob.oci"])
        XCTAssertTrue(missing.problems.contains { $0.contains("blobs/sha256/\(String(repeating: "0", count: 64)) does not exist") }, "\(missing.problems)")
        XCTAssertEqual(reports["missing-blob.oci!/etc/hostname"]?.kind, .text, "the layer that is there is read")

        let mismatch = try XCTUnwrap(reports["digest-mismatch.oci"])
        XCTAssertEqual(mismatch.problems.filter { $0.hasPrefix("digest-mismatch: ") }.count, 1, "\(mismatch.problems)")
        XCTAssertEqual(reports["digest-mismatch.oci!/etc/tampered"]?.kind, .text, "a blob that does not match its digest is still scanned")
        XCTAssertEqual(reports["digest-mismatch.oci!/usr/lib/libprocesshider.so"]?.verdict, .malicious)

        let nested = try XCTUnwrap(reports["nested-index.oci"])
        XCTAssertTrue(nested.problems.contains { $0.contains("nest deeper than") }, "\(nested.problems)")
        XCTAssertNil(reports.keys.first { $0.hasPrefix("nested-index.oci!") })

        let many = try XCTUnwrap(reports["many-layers.oci"])
        XCTAssertTrue(many.problems.contains { $0.contains("1000 layers, over the limit") }, "\(many.problems)")
        XCTAssertNil(reports.keys.first { $0.hasPrefix("many-layers.oci!") })
    }
}

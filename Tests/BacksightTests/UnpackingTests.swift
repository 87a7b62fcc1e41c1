import Backsight
import BacksightTestSupport
import Foundation
import XCTest

/// Unpacking seen from the engine: corpus blobs caught and negatives clean, package members
/// analysed exactly like the same files on disk, a decompression bomb stopped and reported.
final class UnpackingTests: XCTestCase {
    static let checkout = Checkout.root
    static let corpus = checkout.appendingPathComponent("Corpus")

    private func rules() throws -> RuleSet {
        try RuleSet.compile(directories: [Self.checkout.appendingPathComponent("Rules").path])
    }

    private func scan(_ root: String, options: ScanOptions = ScanOptions(jobs: 2)) async throws -> [String: FileReport] {
        var reports: [String: FileReport] = [:]
        for await report in try Scanner(ruleSet: try rules(), options: options).scan(root: root) {
            XCTAssertNil(reports[report.path], "reported twice: \(report.path)")
            reports[report.path] = report
        }
        return reports
    }

    /// Every blob sample in Corpus/index.json: its `rules` match the file or what it unpacks
    /// to, its `mustNotMatch` rules do not, and a clean sample has no finding at all.
    func testCorpusBlobsAgreeWithTheIndex() async throws {
        struct Index: Decodable {
            struct Sample: Decodable { var path: String; var verdict: String; var rules: [String]; var mustNotMatch: [String] }
            var samples: [Sample]
        }
        let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: Self.corpus.appendingPathComponent("index.json")))
        let reports = try await scan(Self.corpus.appendingPathComponent("blobs").path)
        let samples = index.samples.filter { $0.path.hasPrefix("blobs/") }
        XCTAssertEqual(samples.count, 12)
        for sample in samples {
            let path = String(sample.path.dropFirst("blobs/".count))
            let own = reports.filter { $0.key == path || $0.key.hasPrefix(path + "!") }
            XCTAssertFalse(own.isEmpty, "no report for \(path)")
            let found = Set(own.values.flatMap { $0.findings.map(\.ruleID) })
            XCTAssertTrue(found.isSuperset(of: sample.rules), "\(path): expected \(sample.rules), found \(found)")
            XCTAssertTrue(found.isDisjoint(with: sample.mustNotMatch), "\(path): must not match \(sample.mustNotMatch), found \(found)")
            if sample.verdict == "clean" { XCTAssertTrue(found.isEmpty, "\(path) is clean, found \(found)") }
        }
        let embedded = try XCTUnwrap(reports["tests/files/good-embedded.bin"]?.findings.first)
        XCTAssertEqual(embedded.scope, "payload")
        XCTAssertEqual(embedded.instance, "tests/files/good-embedded.bin!xz@0x1fd")
        XCTAssertEqual(reports["tests/files/good-large_compressed.lzma!/good-large_compressed"]?.kind, .data)
        XCTAssertEqual(reports["tests/files/bad-2-corrupt_stream.xz"]?.problems.first?.hasPrefix("corrupt-stream: xz stream at offset 0 is corrupt at offset "), true)
    }

    /// A package built with dpkg-deb, scanned in place, against the same package unpacked with
    /// `dpkg-deb -x`: the same files, the same kinds and hashes, the same findings.
    func testPackageMembersGetTheSameAnalysisAsFilesOnDisk() async throws {
        let builder = try PackageBuilder()
        defer { builder.remove() }
        func corpus(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.corpus.appendingPathComponent(path))) }
        let library = try corpus("preload/rootkit/x86_64/libprocesshider.so")
        let compressed = try corpus("blobs/tests/files/good-1-compressed.xz")
        let moduleXZ = try corpus("blobs/tests/files/good-embedded.bin")
        let tree = try builder.tree("pkg", [
            PackageBuilder.control("mixed"),
            .file("DEBIAN/postinst", Array("#!/bin/sh\nexit 0\n".utf8), executable: true),
            .file("usr/lib/libprocesshider.so", library),
            .file("usr/lib/x86_64-linux-gnu/libhello.so.1", try corpus("rootfs/lib/x86_64-linux-gnu/libhello.so.1")),
            .symlink("usr/lib/x86_64-linux-gnu/libhello.so", target: "libhello.so.1"),
            .file("usr/share/mixed/build-to-host.m4", try corpus("blobs/m4/build-to-host.m4")),
            .file("usr/share/mixed/notes.xz", compressed),
            .file("usr/share/mixed/blob.bin", moduleXZ),
        ])
        let packages = builder.directory + "/archives"
        try FileManager.default.createDirectory(atPath: packages, withIntermediateDirectories: true)
        _ = try builder.deb(from: tree, name: "archives/mixed_1.0_amd64.deb")
        let unpacked = builder.directory + "/unpacked/mixed_1.0_amd64"
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        try PackageBuilder.run("/usr/bin/dpkg-deb", ["-x", packages + "/mixed_1.0_amd64.deb", unpacked])

        let inPlace = try await scan(packages)
        let onDisk = try await scan(builder.directory + "/unpacked")
        let container = "mixed_1.0_amd64.deb"
        XCTAssertEqual(inPlace[container]?.kind, .data)
        XCTAssertEqual(inPlace[container + "!/DEBIAN/postinst"]?.kind, .text)
        XCTAssertEqual(inPlace[container]?.sha256?.count, 64, "a container carries its hash")
        XCTAssertEqual(inPlace[container + "!/usr/share/mixed/notes.xz"]?.sha256?.count, 64, "so does a nested one")
        XCTAssertEqual(inPlace[container + "!/usr/lib/x86_64-linux-gnu/libhello.so.1"]?.sha256?.count, 64, "and an ELF member")
        XCTAssertNil(inPlace[container + "!/DEBIAN/postinst"]?.sha256, "a text member without findings carries none")

        var compared = 0
        for (path, disk) in onDisk {
            let member = container + "!/" + String(path.dropFirst("mixed_1.0_amd64/".count))
            guard let packaged = inPlace[member] else { XCTFail("\(member) missing from the in-place scan"); continue }
            XCTAssertEqual(packaged.container, container, member)
            XCTAssertEqual(disk.container, path.hasSuffix(".xz!/notes") ? "mixed_1.0_amd64/usr/share/mixed/notes.xz" : nil, path)
            XCTAssertEqual(packaged.kind, disk.kind, member)
            XCTAssertEqual(packaged.sha256, disk.sha256, member)
            XCTAssertEqual(packaged.architecture, disk.architecture, member)
            XCTAssertEqual(packaged.linkTarget, disk.linkTarget, member)
            XCTAssertEqual(packaged.findings.map(\.ruleID), disk.findings.map(\.ruleID), member)
            // Evidence of `path` leaves names the path, which differs by construction.
            func placeless(_ report: FileReport) -> [[Evidence]] { report.findings.map { $0.evidence.filter { $0.feature != "path" } } }
            XCTAssertEqual(placeless(packaged), placeless(disk), member)
            compared += 1
        }
        // 5 files, 1 symlink, the content of notes.xz: 7 entries on both sides.
        XCTAssertEqual(compared, 7)
        XCTAssertEqual(inPlace.keys.filter { $0.hasPrefix(container + "!/usr/") }.count, 7)
        XCTAssertEqual(inPlace[container + "!/usr/lib/libprocesshider.so"]?.findings.map(\.ruleID), ["userland/preload-hiding-hooks"])
        XCTAssertEqual(inPlace[container + "!/usr/share/mixed/build-to-host.m4"]?.findings.map(\.ruleID), ["supply-chain/build-script-blob-extraction"])
        XCTAssertEqual(inPlace[container + "!/usr/share/mixed/notes.xz!/notes"]?.kind, .text)
        var summary = ScanSummary()
        for report in inPlace.values { summary.record(report) }
        XCTAssertEqual(summary.regularFiles, 1, "the package itself")
        XCTAssertEqual(summary.members, inPlace.count - 1)
        XCTAssertEqual(summary.elfMembers, 2)
        XCTAssertEqual(inPlace[container + "!/usr/share/mixed/blob.bin"]?.findings.first?.instance,
                       container + "!/usr/share/mixed/blob.bin!xz@0x1fd")
    }

    /// 10 GB of zeros in 1.5 MB of xz (one 100 MB stream repeated 100 times): decoding stops at
    /// the per-file output limit, the content is reported as skipped with the reason, and the
    /// file as partly read with the offset of the stream that hit the limit.
    func testDecompressionBombIsStoppedAndReported() async throws {
        let builder = try PackageBuilder()
        defer { builder.remove() }
        let built = try ChildProcess.run("/bin/sh", ["-c", "head -c 100000000 /dev/zero | xz -0 -c --check=crc64 > one.xz && for i in $(seq 100); do cat one.xz; done > bomb.xz && rm one.xz"],
                                         in: builder.directory)
        XCTAssertEqual(built.status, 0, "building the bomb")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: builder.directory + "/bomb.xz")[.size] as? Int)
        XCTAssertLessThan(size, 2_000_000)

        var options = ScanOptions(jobs: 1)
        options.unpackLimits.fileOutput = 64 << 20
        let reports = try await scan(builder.directory, options: options)
        let content = try XCTUnwrap(reports["bomb.xz!/bomb"])
        XCTAssertEqual(content.skip?.reason, "decoded-size-limit")
        XCTAssertEqual(content.size, 64 << 20, "decoding stopped exactly at the limit")
        let file = try XCTUnwrap(reports["bomb.xz"])
        XCTAssertEqual(file.problems.count, 1)
        XCTAssertTrue(file.problems[0].hasPrefix("decoded-size-limit: xz stream at offset 0: decoding stopped at the output limit of 67108864 bytes"),
                      file.problems[0])
    }

    /// `inspect` shows what unpacking gives rules: facts as characteristics, payloads with their models.
    func testInspectionShowsPayloadsAndFacts() throws {
        let file = Self.corpus.appendingPathComponent("blobs/tests/files/good-embedded.bin").path
        let unpacked = try XCTUnwrap(try Inspection.inspect(file: file).unpacked)
        XCTAssertNil(unpacked.container)
        XCTAssertEqual(unpacked.characteristics["embedded-compressed-stream"]?.first?.location?.offset, 509)
        let payload = try XCTUnwrap(unpacked.payloads.first)
        XCTAssertEqual(payload.path, file + "!xz@0x1fd")
        XCTAssertEqual(payload.kind, .elf)
        XCTAssertEqual(payload.architecture, "x86_64")
        XCTAssertEqual(payload.elfType, "REL")
        XCTAssertTrue(payload.integrityVerified)
    }

    /// An xz stream holding an ELF object, added as a section of a shared library with objcopy:
    /// carved from the section, named by it in the evidence, its object analysed as ELF.
    func testStreamInsideAnELFSectionIsCarved() async throws {
        let builder = try PackageBuilder()
        defer { builder.remove() }
        let blob = try Data(contentsOf: Self.corpus.appendingPathComponent("blobs/tests/files/good-embedded.bin"))
        // good-embedded.bin is 509 bytes of junk, the stream, then 67 bytes of junk.
        try blob.subdata(in: 509..<(blob.count - 67)).write(to: URL(fileURLWithPath: builder.directory + "/object.xz"))
        let library = builder.directory + "/usr/lib/libcarrier.so"
        try FileManager.default.createDirectory(atPath: builder.directory + "/usr/lib", withIntermediateDirectories: true)
        try PackageBuilder.run("/usr/bin/objcopy", ["--add-section", ".rodata.blob=" + builder.directory + "/object.xz",
                                                    Self.corpus.appendingPathComponent("rootfs/lib/x86_64-linux-gnu/libhello.so.1").path, library])
        let section = try XCTUnwrap(try Inspection.inspect(file: library).elf?.section(named: ".rodata.blob"))

        let unpacked = try XCTUnwrap(try Inspection.inspect(file: library).unpacked)
        let evidence = try XCTUnwrap(unpacked.characteristics["embedded-compressed-stream"]?.first)
        XCTAssertEqual(evidence.location?.section, ".rodata.blob")
        XCTAssertEqual(evidence.location?.offset, section.offset)
        XCTAssertEqual(unpacked.payloads.first?.elfType, "REL")

        try FileManager.default.removeItem(atPath: builder.directory + "/object.xz")
        let reports = try await scan(builder.directory)
        let finding = try XCTUnwrap(reports["usr/lib/libcarrier.so"]?.findings.first)
        XCTAssertEqual(finding.ruleID, "supply-chain/embedded-compressed-elf")
        XCTAssertEqual(finding.instance, "usr/lib/libcarrier.so!xz@0x\(String(section.offset, radix: 16))")
    }
}

@testable import BacksightUnpack
import BacksightTestSupport
import Foundation
import XCTest

/// Packages and archives made by dpkg-deb, tar and xz, read in place.
final class ContainerTests: XCTestCase {
    private var builder: PackageBuilder!

    override func setUpWithError() throws { builder = try PackageBuilder() }
    override func tearDown() { builder?.remove() }

    private func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    private func packageTree() throws -> (tree: String, library: [UInt8], longPath: String) {
        let library = try Fixtures.corpusFile("rootfs/lib/x86_64-linux-gnu/libhello.so.1")
        let longPath = "usr/share/" + String(repeating: "deep-directory-name/", count: 6) + "file-with-a-long-name.txt"
        let tree = try builder.tree("pkg", [
            PackageBuilder.control("hello"),
            .file("DEBIAN/postinst", Array("#!/bin/sh\nset -e\nldconfig\n".utf8), executable: true),
            .file("usr/lib/x86_64-linux-gnu/libhello.so.1", library),
            .symlink("usr/lib/x86_64-linux-gnu/libhello.so", target: "libhello.so.1"),
            .file("usr/bin/tool", Array("#!/bin/sh\necho tool\n".utf8), executable: true),
            .hardLink("usr/bin/tool-again", existing: "usr/bin/tool"),
            .file(longPath, Array("long\n".utf8)),
        ])
        return (tree, library, longPath)
    }

    func testDebWithEachCompressionIsReadInPlace() throws {
        let (tree, library, longPath) = try packageTree()
        for compression in ["xz", "gzip", "none"] {
            let deb = try builder.deb(from: tree, name: "hello-\(compression).deb", compression: compression)
            let (result, members) = Fixtures.unpack(try read(deb), path: "pool/hello.deb")
            XCTAssertEqual(result.container, "deb")
            XCTAssertTrue(result.problems.isEmpty, "\(compression): \(result.problems)")
            let byPath = Dictionary(members.map { ($0.path, $0.content) }, uniquingKeysWith: { first, _ in first })
            XCTAssertEqual(byPath["/usr/lib/x86_64-linux-gnu/libhello.so.1"]?.bytes, library, compression)
            XCTAssertEqual(byPath["/usr/lib/x86_64-linux-gnu/libhello.so"], .symlink("libhello.so.1"), compression)
            XCTAssertEqual(byPath["/DEBIAN/postinst"]?.bytes.map { String(decoding: $0, as: UTF8.self) }, "#!/bin/sh\nset -e\nldconfig\n")
            XCTAssertNotNil(byPath["/DEBIAN/control"]?.bytes)
            XCTAssertEqual(byPath["/" + longPath]?.bytes, Array("long\n".utf8), "GNU long name, \(compression)")
            let tool = [byPath["/usr/bin/tool"], byPath["/usr/bin/tool-again"]]
            XCTAssertEqual(tool.filter { $0?.bytes == Array("#!/bin/sh\necho tool\n".utf8) }.count, 1, compression)
            XCTAssertTrue(tool.contains(.hardLink("/usr/bin/tool")) || tool.contains(.hardLink("/usr/bin/tool-again")), "\(tool)")
            XCTAssertFalse(members.contains { $0.path.hasSuffix("/") || $0.path == "/usr" }, "directories are not members")
        }
    }

    func testZstdPackageIsReportedAsUnsupported() throws {
        let (tree, _, _) = try packageTree()
        let deb = try builder.deb(from: tree, name: "hello-zstd.deb", compression: "zstd")
        let (result, members) = Fixtures.unpack(try read(deb), path: "hello.deb")
        XCTAssertEqual(members.map(\.path), ["/control.tar.zst", "/data.tar.zst"])
        XCTAssertEqual(members.map(\.content.skipReason), ["unsupported-compression", "unsupported-compression"])
        XCTAssertEqual(result.problems.map(\.code), ["unsupported-compression", "unsupported-compression"])
    }

    func testMemberOverTheSizeLimitIsSkippedAndTheRestRead() throws {
        let (tree, _, _) = try packageTree()
        let deb = try builder.deb(from: tree, name: "hello.deb")
        var limits = UnpackLimits()
        limits.memberSize = 4096
        let members = Fixtures.unpack(try read(deb), path: "hello.deb", limits: limits).members
        let byPath = Dictionary(members.map { ($0.path, $0.content) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byPath["/usr/lib/x86_64-linux-gnu/libhello.so.1"]?.skipReason, "too-large")
        XCTAssertNotNil(byPath["/DEBIAN/postinst"]?.bytes)
    }

    func testOutputLimitInsideATarStopsAtTheEntryItCut() throws {
        let big = [UInt8](repeating: 0x61, count: 300_000)
        let tree = try builder.tree("t", [.file("a.txt", Array("first\n".utf8)), .file("b.bin", big), .file("c.txt", Array("never\n".utf8))])
        try PackageBuilder.run("/usr/bin/tar", ["--format=gnu", "--sort=name", "-cJf", builder.directory + "/t.tar.xz", "-C", tree, "."])
        var limits = UnpackLimits()
        limits.fileOutput = 100_000
        let (result, members) = Fixtures.unpack(try read(builder.directory + "/t.tar.xz"), path: "t.tar.xz", limits: limits)
        XCTAssertEqual(result.container, "xz")
        XCTAssertEqual(members.map(\.path), ["/a.txt", "/b.bin"])
        XCTAssertEqual(members.first?.content.bytes, Array("first\n".utf8))
        XCTAssertEqual(members.last?.content.skipReason, "decoded-size-limit")
        XCTAssertEqual(result.problems.map(\.code), ["decoded-size-limit"])
    }

    func testPlainTarAndCompressedModule() throws {
        let object = try Fixtures.corpusFile("ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o")
        let tree = try builder.tree("m", [.file("lib/modules/6.1.0/extra/thing.ko", object)])
        try PackageBuilder.run("/usr/bin/tar", ["--format=ustar", "-cf", builder.directory + "/m.tar", "-C", tree, "lib"])
        let (tarResult, tarMembers) = Fixtures.unpack(try read(builder.directory + "/m.tar"), path: "m.tar")
        XCTAssertEqual(tarResult.container, "tar")
        XCTAssertEqual(tarMembers.map(\.path), ["/lib/modules/6.1.0/extra/thing.ko"])
        XCTAssertEqual(tarMembers.first?.content.bytes, object)

        let (koResult, koMembers) = Fixtures.unpack(try Fixtures.xz(object), path: "lib/modules/6.1.0/extra/thing.ko.xz")
        XCTAssertEqual(koResult.container, "xz")
        XCTAssertEqual(koMembers.map(\.path), ["/thing.ko"])
        XCTAssertEqual(koMembers.first?.content.bytes, object)
        XCTAssertFalse(koResult.facts.contains { $0.name == UnpackFact.embeddedCompressedStream }, "compressed as a whole is not embedded")
    }

    func testTruncatedArchiveReportsTheCutEntry() throws {
        let tree = try builder.tree("t", [.file("a.txt", Array("first\n".utf8)), .file("b.bin", [UInt8](repeating: 0x62, count: 5000))])
        try PackageBuilder.run("/usr/bin/tar", ["--format=gnu", "--sort=name", "-cf", builder.directory + "/t.tar", "-C", tree, "."])
        let whole = try read(builder.directory + "/t.tar")
        let cut = Array(whole.prefix(512 * 4 + 100))  // root dir, a.txt header and data, b.bin header, part of its data
        let (result, members) = Fixtures.unpack(cut, path: "t.tar")
        XCTAssertEqual(result.problems, [.malformedContainer(container: "tar", offset: UInt64(cut.count), reason: "archive ends inside an entry")])
        XCTAssertEqual(members.map(\.path), ["/a.txt", "/b.bin"])
        XCTAssertEqual(members.last?.content.skipReason, "truncated")
    }

    /// Damaged packages (bytes flipped, cut anywhere) are read as far as they go and never trap:
    /// every run ends with members, problems, or both, and members never exceed what was stored.
    func testDamagedPackagesAreReadAsFarAsTheyGo() throws {
        let (tree, _, _) = try packageTree()
        let original = try read(try builder.deb(from: tree, name: "hello.deb"))
        var state: UInt64 = 0x2545F4914F6CDD1D
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(truncatingIfNeeded: state >> 1)
        }
        var withProblems = 0
        for round in 0..<300 {
            var damaged = original
            if round % 3 == 0 {
                damaged = Array(damaged.prefix(next() % damaged.count))
            } else {
                for _ in 0..<(1 + round % 4) { damaged[next() % damaged.count] ^= UInt8(truncatingIfNeeded: 1 + next() % 255) }
            }
            let (result, members) = Fixtures.unpack(damaged, path: "hello.deb")
            XCTAssertLessThanOrEqual(members.count, 12, "round \(round)")
            if !result.problems.isEmpty { withProblems += 1 }
            for problem in result.problems where !problem.description.contains("decoded from") {
                XCTAssertLessThanOrEqual(problem.offset, UInt64(damaged.count), "round \(round): \(problem)")
            }
        }
        XCTAssertGreaterThan(withProblems, 100, "most damage is noticed and reported")
    }
}

@testable import BacksightUnpack
import BacksightTestSupport
import Foundation
import XCTest

/// Packages and archives made by dpkg-deb, tar, cpio and the compressors, read in place.
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
        for compression in ["xz", "gzip", "zstd", "none"] {
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

    /// A tree archived by tar and cpio, under each compression libarchive reads, gives the same
    /// members; a gzip file that holds no archive (a man page) is left alone.
    func testArchivesUnderEveryCompression() throws {
        let object = try Fixtures.corpusFile("ifunc/xz-object/x86_64/liblzma_la-crc64-fast.o")
        let tree = try builder.tree("a", [.file("usr/lib/thing.o", object), .symlink("usr/lib/link.o", target: "thing.o"),
                                          .file("etc/ld.so.preload", Array("/usr/lib/thing.o\n".utf8))])
        let directory = builder.directory
        try PackageBuilder.run("/bin/sh", ["-c", "cd \(tree) && find . | LC_ALL=C sort | cpio -o -H newc --quiet > \(directory)/a.cpio"])
        try PackageBuilder.run("/usr/bin/tar", ["--format=pax", "--sort=name", "-cf", directory + "/a.tar", "-C", tree, "."])
        for archive in ["a.cpio", "a.tar"] {
            for (tool, suffix) in [("", ""), ("gzip -n", ".gz"), ("bzip2", ".bz2"), ("xz", ".xz"), ("xz --format=lzma", ".lzma"),
                                   ("zstd -q", ".zst"), ("lz4 -q", ".lz4")] {
                let name = archive + suffix
                if !tool.isEmpty { try PackageBuilder.run("/bin/sh", ["-c", "\(tool) < \(directory)/\(archive) > \(directory)/\(name)"]) }
                let (result, members) = Fixtures.unpack(try read(directory + "/" + name), path: name)
                XCTAssertEqual(result.container?.hasPrefix(archive == "a.tar" ? "tar" : "cpio"), true, "\(name): \(String(describing: result.container))")
                XCTAssertTrue(result.problems.isEmpty, "\(name): \(result.problems)")
                let byPath = Dictionary(members.map { ($0.path, $0.content) }, uniquingKeysWith: { first, _ in first })
                XCTAssertEqual(Set(byPath.keys), ["/usr/lib/thing.o", "/usr/lib/link.o", "/etc/ld.so.preload"], name)
                XCTAssertTrue(byPath["/usr/lib/thing.o"]?.bytes == object, name)
                XCTAssertEqual(byPath["/usr/lib/link.o"], .symlink("thing.o"), name)
            }
        }
        let page = try Fixtures.run("gzip", ["-c", "-n"], input: Array(String(repeating: ".TH LS 1\nlist directory contents\n", count: 50).utf8))
        let (pageResult, pageMembers) = Fixtures.unpack(page, path: "usr/share/man/man1/ls.1.gz")
        XCTAssertNil(pageResult.container)
        XCTAssertTrue(pageMembers.isEmpty)
        let module = try Fixtures.run("zstd", ["-q", "-c"], input: object)
        let (moduleResult, moduleMembers) = Fixtures.unpack(module, path: "lib/modules/thing.ko.zst")
        XCTAssertEqual(moduleResult.container, "raw.zstd")
        XCTAssertEqual(moduleMembers.map(\.path), ["/thing.ko"])
        XCTAssertTrue(moduleMembers.first?.content.bytes == object)
    }

    /// A zstd stream whose frame asks for a window over the decoder memory limit is not decoded.
    func testDecoderMemoryLimitHoldsForZstd() throws {
        let tree = try builder.tree("z", [.file("a.txt", Array("hello\n".utf8))])
        try PackageBuilder.run("/usr/bin/tar", ["-cf", builder.directory + "/z.tar", "-C", tree, "."])
        try PackageBuilder.run("/bin/sh", ["-c", "zstd -q --long=27 -c < \(builder.directory)/z.tar > \(builder.directory)/z.tar.zst"])
        var limits = UnpackLimits()
        limits.decoderMemory = 1 << 20
        let (result, members) = Fixtures.unpack(try read(builder.directory + "/z.tar.zst"), path: "z.tar.zst", limits: limits)
        XCTAssertTrue(members.isEmpty)
        XCTAssertEqual(result.problems.map(\.code), ["decoder-memory-limit"])
    }

    /// An archive of more members than the limit: the first are read, then a reported stop.
    func testMemberCountLimit() throws {
        let tree = try builder.tree("n", (0..<20).map { .file("f\($0)", Array("\($0)\n".utf8)) })
        try PackageBuilder.run("/usr/bin/tar", ["--sort=name", "-cf", builder.directory + "/n.tar", "-C", tree, "."])
        var limits = UnpackLimits()
        limits.members = 5
        let (result, members) = Fixtures.unpack(try read(builder.directory + "/n.tar"), path: "n.tar", limits: limits)
        XCTAssertEqual(members.count, 5)
        XCTAssertEqual(result.problems.map(\.code), ["member-count-limit"])
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
        XCTAssertEqual(result.container, "tar.xz")
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
        XCTAssertEqual(result.problems.map(\.code), ["malformed-container"])
        XCTAssertEqual(result.problems.first.map { $0.offset <= UInt64(cut.count) && $0.offset > 512 * 3 }, true, "\(result.problems)")
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
            for problem in result.problems {
                XCTAssertLessThanOrEqual(problem.offset, UInt64(damaged.count), "round \(round): \(problem)")
            }
        }
        XCTAssertGreaterThan(withProblems, 100, "most damage is noticed and reported")
    }
}

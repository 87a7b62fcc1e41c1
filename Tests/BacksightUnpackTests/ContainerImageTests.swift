import BacksightTestSupport
import Foundation
import XCTest
@testable import BacksightUnpack

/// Container images: the layer merge on its own, and image tarballs whose JSON is hostile.
final class ContainerImageTests: XCTestCase {
    private var builder: PackageBuilder!
    override func setUpWithError() throws { builder = try PackageBuilder() }
    override func tearDown() { builder?.remove() }

    private func admit(_ merge: inout LayerMerge, _ path: String) -> LayerMerge.Entry { merge.admit(Array(path.utf8)) }

    func testWhiteoutsOpaqueDirectoriesAndUpperFilesHideWhatIsBeneath() {
        var merge = LayerMerge()
        // Top layer.
        XCTAssertEqual(admit(&merge, "/etc/hostname"), .visible)
        XCTAssertEqual(admit(&merge, "/opt/.wh.old"), .whiteout)
        XCTAssertEqual(admit(&merge, "/var/cache/.wh..wh..opq"), .whiteout)
        XCTAssertEqual(admit(&merge, "/srv"), .visible)
        // A layer's whiteouts apply beneath it, not to itself.
        XCTAssertEqual(admit(&merge, "/var/cache/kept"), .visible)
        XCTAssertEqual(admit(&merge, "/usr/lib/plugin/a.so"), .visible)
        merge.finishLayer()
        // Lower layer.
        XCTAssertEqual(admit(&merge, "/etc/hostname"), .hidden, "the upper file wins")
        XCTAssertEqual(admit(&merge, "/opt/old"), .hidden, "whited out")
        XCTAssertEqual(admit(&merge, "/opt/old/lib.so"), .hidden, "inside a whited-out directory")
        XCTAssertEqual(admit(&merge, "/opt/older"), .visible, "a name that only starts the same")
        XCTAssertEqual(admit(&merge, "/var/cache/stale/x.so"), .hidden, "inside an opaque directory")
        XCTAssertEqual(admit(&merge, "/var/cachet"), .visible)
        XCTAssertEqual(admit(&merge, "/srv/www/index.html"), .hidden, "below a file of an upper layer")
        XCTAssertEqual(admit(&merge, "/etc/passwd"), .visible)
        XCTAssertEqual(admit(&merge, "/usr/lib/plugin"), .hidden, "a file beneath a directory of an upper layer")
        XCTAssertEqual(admit(&merge, "/usr/lib"), .hidden, "likewise, further up")
        XCTAssertEqual(admit(&merge, "/usr/lib/other.so"), .visible, "directories of both layers merge")
        merge.finishLayer()
        var root = LayerMerge()
        XCTAssertEqual(admit(&root, "/.wh..wh..opq"), .whiteout)
        root.finishLayer()
        XCTAssertEqual(admit(&root, "/etc/passwd"), .hidden, "an opaque root hides every lower layer")
    }

    /// Builds a tar of `files` (name -> bytes) with the system's tar, names in order.
    private func tar(_ files: [(String, [UInt8])]) throws -> [UInt8] {
        let root = builder.directory + "/t\(UUID().uuidString)"
        for (name, bytes) in files {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let output = root + ".tar"
        try PackageBuilder.run("/usr/bin/tar", ["--format=gnu", "-cf", output, "-C", root] + files.map(\.0))
        return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    func testHostileImageJSONIsAProblemNotACrash() throws {
        let layer = try tar([("etc/hostname", Array("box\n".utf8))])
        let cases: [(files: [(String, [UInt8])], expected: String)] = [
            ([("manifest.json", Array(#"{"Layers": "not an array"}"#.utf8))], "manifest.json is not the JSON expected"),
            ([("manifest.json", Array("[{\"Layers\": [\"a/layer.tar\"]".utf8))], "manifest.json is not the JSON expected"),
            ([("manifest.json", [UInt8](repeating: 0x20, count: 5 << 20))], "over the limit of \(4 << 20)"),
            ([("manifest.json", Array(#"[{"Layers": ["../../etc/passwd"]}]"#.utf8))], "../../etc/passwd does not exist in the image"),
            ([("index.json", Array(#"{"manifests": [{"digest": "sha256:../../x"}]}"#.utf8)), ("oci-layout", Array("{}".utf8))], "names no blob"),
            ([("a/layer.tar", layer), ("manifest.json", Array(#"[{"Layers": ["a/layer.tar"], "Config": "c.json"}]"#.utf8))], "c.json does not exist"),
        ]
        for (files, expected) in cases {
            let (result, members) = Fixtures.unpack(try tar(files), path: "image.tar")
            XCTAssertEqual(result.container, files[0].0 == "index.json" ? "oci" : "docker")
            XCTAssertTrue(result.problems.contains { $0.description.contains(expected) }, "\(expected): \(result.problems)")
            if files.count == 2, files[0].0 == "a/layer.tar" {
                XCTAssertEqual(members.map(\.path), ["/etc/hostname"], "a config that is missing names no digests; the layer is still read")
            }
        }
    }

    /// `crane pull` stores layers gzipped but names them in the config by diff ID, the digest of
    /// the tar inside: the decoded tar is checked, so a matching layer is no problem, a layer
    /// whose tar was changed is a mismatch, and a cut-off layer says it could not be checked.
    func testDiffIDsOfGzippedLayersAreCheckedOnTheDecodedTar() throws {
        let layer = try tar([("etc/hostname", Array("box\n".utf8))])
        let changed = try tar([("etc/hostname", Array("b0x\n".utf8))])
        let gzipped = try ChildProcess.spawn("/bin/gzip", ["-n", "-c"], input: layer).output
        XCTAssertEqual(Array(gzipped.prefix(2)), [0x1F, 0x8B])
        func image(diffID: [UInt8], layer: [UInt8]) throws -> [UInt8] {
            let config = #"{"rootfs": {"type": "layers", "diff_ids": ["sha256:"# + (diffID.withUnsafeBytes(SHA256Digest.hex) ?? "") + #""]}}"#
            return try tar([("ab.tar.gz", layer), ("sha256:cd", Array(config.utf8)),
                            ("manifest.json", Array(#"[{"Config": "sha256:cd", "Layers": ["ab.tar.gz"]}]"#.utf8))])
        }
        let (matching, members) = Fixtures.unpack(try image(diffID: layer, layer: gzipped), path: "crane.tar")
        XCTAssertEqual(matching.container, "docker")
        XCTAssertEqual(matching.problems.map(\.description), [])
        XCTAssertEqual(members.map(\.path), ["/etc/hostname"])
        let (mismatched, _) = Fixtures.unpack(try image(diffID: changed, layer: gzipped), path: "crane.tar")
        XCTAssertEqual(mismatched.problems.count, 1)
        guard case let .digestMismatch(blob, _, expected, _)? = mismatched.problems.first else { return XCTFail("\(mismatched.problems)") }
        XCTAssertEqual(blob, "ab.tar.gz (decoded)")
        XCTAssertEqual(expected, "sha256:" + (changed.withUnsafeBytes(SHA256Digest.hex) ?? ""))
        let (cut, _) = Fixtures.unpack(try image(diffID: layer, layer: Array(gzipped.dropLast(12))), path: "crane.tar")
        XCTAssertTrue(cut.problems.contains { $0.description.contains("does not decode whole") }, "\(cut.problems)")
        XCTAssertFalse(cut.problems.contains { if case .digestMismatch = $0 { true } else { false } }, "\(cut.problems)")
    }

    func testAnOrdinaryTarIsNotAnImage() throws {
        let (result, members) = Fixtures.unpack(try tar([("manifest.json", Array("[]".utf8)), ("etc/passwd", Array("root:x:0:0::/root:/bin/sh\n".utf8))]),
                                                path: "root.tar")
        XCTAssertEqual(result.container, "tar")
        XCTAssertEqual(Set(members.map(\.path)), ["/manifest.json", "/etc/passwd"])
    }

    /// A compressed tarball is read as an image only when its members are all where
    /// `docker save` puts them; the test on the first header lets an ordinary `.tar.gz` go on
    /// to be read once, as an archive.
    func testOnlyDockerSavePathsMakeACompressedTarballAnImage() throws {
        let hex = String(repeating: "ab", count: 32)
        for path in ["manifest.json", "repositories", "index.json", "oci-layout", "blobs", "blobs/sha256/\(hex)", "\(hex).json",
                     hex, "\(hex)/layer.tar", "\(hex)/json", "\(hex)/VERSION", "\(hex).tar", "\(hex).tar.gz", "sha256:\(hex)"] {
            XCTAssertTrue(ImageTarballPaths.isWritten(path), path)
        }
        for path in ["etc", "etc/passwd", "usr/lib/libc.so.6", "README", "notes.json", "\(hex)/etc/passwd", "manifest.json/x/y",
                     "rootfs.tar", "layer.tar.gz", "sha256:notes", "\(hex).tar.xz.sh"] {
            XCTAssertFalse(ImageTarballPaths.isWritten(path), path)
        }
        XCTAssertTrue(try tar([("manifest.json", Array("[]".utf8))]).withUnsafeBytes(CompressedTarImageFiles.startsLikeImage))
        XCTAssertFalse(try tar([("etc/passwd", Array("root:x:0:0::/root:/bin/sh\n".utf8))]).withUnsafeBytes(CompressedTarImageFiles.startsLikeImage))
        XCTAssertFalse(Array("manifest.json".utf8).withUnsafeBytes(CompressedTarImageFiles.startsLikeImage), "not a tar header")
    }
}

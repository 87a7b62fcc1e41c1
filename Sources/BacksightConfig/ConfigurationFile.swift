import BacksightWalk

/// A system configuration file the configuration checks read (one that makes programs load a
/// library, an account file, a start-up file, a remote-login server's options): where it is,
/// what kind it is, and which tree it configures.
///
/// The tree is found from the file's own place: `…/etc/ld.so.preload` configures the directory
/// above `etc`, `…/usr/lib/systemd/system/x.service` the directory above `usr`. So a scanned
/// directory holding several extracted firmware trees resolves each file inside its own tree,
/// and a single configuration file scanned on its own still resolves inside the tree it sits in.
public struct ConfigurationFile: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `etc/ld.so.preload`: libraries the dynamic loader maps into every program.
        case preloadList = "ld.so.preload"
        /// `etc/environment`: variables pam_env sets for every login session.
        case environmentFile = "environment file"
        /// `etc/profile`, `etc/profile.d/*`, `etc/bash.bashrc`, and root's and users' `.profile`,
        /// `.bash_profile`, `.bashrc`: shell start-up scripts.
        case profileScript = "profile script"
        /// A systemd unit or drop-in under `etc/systemd/system`, `lib/systemd/system` or
        /// `usr/lib/systemd/system`.
        case systemdUnit = "systemd unit"
        /// `etc/pam.d/<service>`: the PAM modules a service loads.
        case pamService = "PAM service"
        /// `etc/pam.conf`, whose lines start with the service name.
        case pamConf = "pam.conf"
        /// `etc/passwd`.
        case passwd
        /// `etc/shadow`.
        case shadow
        /// `etc/group`.
        case group
        /// `etc/inittab` (sysvinit and busybox init).
        case inittab
        /// A start-up script: `etc/init.d/*`, `etc/rc.local`, `etc/rcS`, `etc/rc`, `etc/rc.d/**`.
        case initScript = "init script"
        /// A crontab whose lines name the user a command runs as: `etc/crontab`, `etc/cron.d/*`.
        case systemCrontab = "system crontab"
        /// A user's crontab: `var/spool/cron/crontabs/*` (Debian, busybox), `var/spool/cron/*`
        /// (Red Hat), `etc/crontabs/*` (OpenWrt).
        case userCrontab = "user crontab"
        /// udev rules: `etc/udev/rules.d/*.rules`, `lib/udev/rules.d/*.rules`,
        /// `usr/lib/udev/rules.d/*.rules`; their `RUN` and `PROGRAM` keys start programs.
        case udevRules = "udev rules"
        /// `etc/inetd.conf`.
        case inetdConf = "inetd.conf"
        /// `etc/xinetd.conf`, `etc/xinetd.d/*`.
        case xinetdService = "xinetd service"
        /// `etc/ssh/sshd_config`, `etc/ssh/sshd_config.d/*`.
        case sshdConfig = "sshd_config"
        /// `etc/default/dropbear`, `etc/sysconfig/dropbear`: dropbear's start-up options.
        case dropbearDefaults = "dropbear defaults"
        /// `root/.ssh/authorized_keys{,2}`, `home/<user>/.ssh/authorized_keys{,2}`,
        /// `etc/dropbear/authorized_keys`.
        case authorizedKeys = "authorized_keys"
    }

    public var kind: Kind
    /// Whether the path on disk was absolute.
    public var isAbsolute: Bool
    /// The components of the configured tree's root, as given on disk.
    public var treeRoot: [[UInt8]]
    /// The file's path inside that tree (`etc/pam.d/sshd`).
    public var pathInTree: [[UInt8]]

    /// Recognises a configuration file from its path on disk, using the last place in the path
    /// where a known layout fits.
    public static func recognise(diskPath: [UInt8]) -> ConfigurationFile? {
        let components = diskPath.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
        let names = components.map { String(decoding: $0, as: UTF8.self) }
        var index = names.count - 1
        while index >= 0 {
            // `usr/lib/systemd/system` is anchored at `usr`, not at its `lib`.
            let insideUsr = names[index] == "lib" && index > 0 && names[index - 1] == "usr"
            if !insideUsr, let kind = kind(anchoredAt: index, in: names) {
                return ConfigurationFile(kind: kind, isAbsolute: diskPath.first == UInt8(ascii: "/"), treeRoot: Array(components[..<index]), pathInTree: Array(components[index...]))
            }
            index -= 1
        }
        return nil
    }

    private static func kind(anchoredAt anchor: Int, in names: [String]) -> Kind? {
        let rest = Array(names[anchor...])
        let keyFiles: Set<String> = ["authorized_keys", "authorized_keys2"]
        let shellStartupFiles: Set<String> = [".profile", ".bash_profile", ".bash_login", ".bashrc"]
        switch rest.first {
        case "etc":
            let tail = Array(rest.dropFirst())
            switch tail.count {
            case 1:
                switch tail[0] {
                case "ld.so.preload": return .preloadList
                case "environment": return .environmentFile
                case "profile", "bash.bashrc": return .profileScript
                case "pam.conf": return .pamConf
                case "passwd": return .passwd
                case "shadow": return .shadow
                case "group": return .group
                case "inittab": return .inittab
                case "crontab": return .systemCrontab
                case "rc.local", "rcS", "rc", "rc.sysinit": return .initScript
                case "inetd.conf": return .inetdConf
                case "xinetd.conf": return .xinetdService
                default: return nil
                }
            case 2:
                switch tail[0] {
                case "profile.d": return .profileScript
                case "pam.d": return .pamService
                case "init.d": return .initScript
                case "cron.d": return .systemCrontab
                case "crontabs": return .userCrontab
                case "xinetd.d": return .xinetdService
                case "ssh" where tail[1] == "sshd_config": return .sshdConfig
                case "default", "sysconfig": return tail[1] == "dropbear" ? .dropbearDefaults : nil
                case "dropbear": return keyFiles.contains(tail[1]) ? .authorizedKeys : nil
                default: break
                }
            default:
                break
            }
            if tail.count >= 2, tail[0] == "rc.d" { return .initScript }
            if tail.count == 3, tail[0] == "udev", tail[1] == "rules.d", tail[2].hasSuffix(".rules") { return .udevRules }
            if tail.count == 3, tail[0] == "ssh", tail[1] == "sshd_config.d" { return .sshdConfig }
            if tail.count >= 3, tail[0] == "systemd", tail[1] == "system" { return .systemdUnit }
            return nil
        case "lib":
            if rest.count == 4, rest[1] == "udev", rest[2] == "rules.d", rest[3].hasSuffix(".rules") { return .udevRules }
            return rest.count >= 4 && rest[1] == "systemd" && rest[2] == "system" ? .systemdUnit : nil
        case "usr":
            if rest.count == 5, rest[1] == "lib", rest[2] == "udev", rest[3] == "rules.d", rest[4].hasSuffix(".rules") { return .udevRules }
            return rest.count >= 5 && rest[1] == "lib" && rest[2] == "systemd" && rest[3] == "system" ? .systemdUnit : nil
        case "var":
            guard rest.count >= 4, rest[1] == "spool", rest[2] == "cron" else { return nil }
            return rest.count == 4 && rest[3] != "crontabs" || rest.count == 5 && rest[3] == "crontabs" ? .userCrontab : nil
        case "root":
            if rest.count == 2, shellStartupFiles.contains(rest[1]) { return .profileScript }
            return rest.count == 3 && rest[1] == ".ssh" && keyFiles.contains(rest[2]) ? .authorizedKeys : nil
        case "home":
            if rest.count == 3, shellStartupFiles.contains(rest[2]) { return .profileScript }
            return rest.count == 4 && rest[2] == ".ssh" && keyFiles.contains(rest[3]) ? .authorizedKeys : nil
        default:
            return nil
        }
    }

    /// The tree root as a path on disk (`.` when the file's path starts with the anchor).
    public var treeRootPath: String {
        guard !treeRoot.isEmpty else { return isAbsolute ? "/" : "." }
        return (isAbsolute ? "/" : "") + String(decoding: Array(treeRoot.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
    }

    /// The tree on disk, for a file scanned in a directory.
    public var treeOnDisk: RootConfinedFileSystem { RootConfinedFileSystem(root: treeRootPath) }

    /// Where the file is inside its tree, for messages.
    public var pathInTreeDescription: String {
        String(decoding: Array(pathInTree.joined(separator: [UInt8(ascii: "/")])), as: UTF8.self)
    }
}

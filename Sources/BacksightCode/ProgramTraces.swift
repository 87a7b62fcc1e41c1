import BacksightELF

/// How a program covers its tracks, from the calls its code makes with literal or constant
/// arguments (the calls ``ProgramBehaviour`` collects): it deletes its own executable, turns
/// shell history off, empties the login records, runs a file it put under `/tmp` or `/dev/shm`,
/// or runs a program from an anonymous memory file. Each alone is weak (installers use `/tmp`,
/// shells set `HISTFILE`, `login` writes the records); rules combine them with the rest.
extension ProgramBehaviour {
    /// Calls looked for when the program's data holds one of ``traceWords`` (or it
    /// imports or makes `memfd_create`): they are common, and walking them otherwise is waste.
    static let traceCalls: Set<String> = [
        "readlink", "unlink", "remove", "setenv", "unsetenv", "putenv", "truncate", "truncate64", "creat", "creat64",
        "open", "open64", "__open_2", "__open64_2", "open_2", "open64_2", "fopen", "fopen64", "chmod", "memfd_create", "fexecve", "execveat",
    ]
    /// Words of the literals the trace calls pass.
    static let traceWords = ["/proc/self/exe", "HISTFILE", "HISTSIZE", "/tmp/", "/dev/shm/", "wtmp", "utmp", "btmp", "lastlog"]
    private static let temporaryDirectories = ["/tmp/", "/dev/shm/", "/var/tmp/", "/run/shm/"]
    private static let loginRecords: Set<String> = ["utmp", "wtmp", "btmp", "utmpx", "wtmpx", "btmpx", "lastlog"]
    /// Exact read-only strings that only switch shell history off (a `putenv` or `system` argument).
    private static let historyOffStrings: Set<String> = [
        "HISTFILE=/dev/null", "HISTFILE=", "HISTSIZE=0", "HISTFILESIZE=0", "unset HISTFILE", "export HISTFILE=/dev/null",
        "export HISTSIZE=0", "unset HISTFILE HISTSIZE", "history -c",
    ]

    /// The trace facts a dynamic program cannot have: each needs its imports (`imports`) and a
    /// literal holding one of its words in the data `literals` reads (a call's literal is a tail
    /// of a string there), or, for a memory file, `memfd_create` and `fexecve` or `execveat`.
    static func traceFactsRuledOut(_ imports: (Set<String>) -> Bool, literals: () -> DataLiterals) -> Set<CodeFact> {
        var ruledOut: Set<CodeFact> = []
        func data(_ words: [String]) -> Bool { literals().contains(anyOf: words) }
        let opens: Set<String> = ["open", "open64", "open_2", "open64_2", "creat", "creat64", "truncate", "truncate64", "fopen", "fopen64"]
        if !(imports(["readlink"]) && imports(["unlink", "remove"]) && data(["/proc/self/exe"])) { ruledOut.insert(.selfDeleting) }
        if !data(["HIST", "history -c"]) { ruledOut.insert(.historyDisabled) }
        // A login record's path ends in one of their names (`/var/log/wtmp`, `/var/run/utmpx`).
        if !(imports(opens) && data(loginRecords.map { "/" + $0 })) { ruledOut.insert(.loginRecordsWiped) }
        if !(imports(opens.union(["chmod"]).union(execs)) && data(["/tmp/", "/shm/"])) { ruledOut.insert(.temporaryDirectoryExecutable) }
        if !(imports(["memfd_create"]) && imports(["fexecve", "execveat"])) { ruledOut.insert(.memoryFileExecuted) }
        if !(imports(["socket"]) && imports(["connect"])) { ruledOut.insert(.connectsOut) }
        return ruledOut
    }

    /// Whether the trace calls are worth looking for in this program.
    func tracesWorthLooking(localNames: [UInt64: String], literals: DataLiterals) -> Bool {
        if localNames.values.contains("memfd_create") { return true }
        if image.model.symbols.contains(where: { $0.isUndefined && Self.normalized($0.name) == "memfd_create" }) { return true }
        return literals.contains(anyOf: Self.traceWords)
    }

    /// `openat(AT_FDCWD, path, …)` is `open(path, …)`, and so for the other `*at` system calls
    /// libc wrappers make for their older names (`unlinkat` with `AT_REMOVEDIR` is `rmdir`).
    static func relativeToWorkingDirectory(_ name: String, _ arguments: [SymbolicValue]) -> (String, [SymbolicValue]) {
        let older = ["openat": "open", "unlinkat": "unlink", "readlinkat": "readlink", "fchmodat": "chmod"]
        guard let plain = older[name], let directory = arguments.first?.constantValue,
              directory == -100 || directory & 0xffff_ffff == 0xffff_ff9c else { return (name, arguments) }
        if name == "unlinkat", arguments.count > 2, let flags = arguments[2].constantValue, flags & 0x200 != 0 { return (name, arguments) }
        return (plain, Array(arguments.dropFirst()))
    }

    /// The trace facts of `calls`.
    func traceFacts(_ calls: [ProgramCall]) -> [CodeFact: [CodeEvidence]] {
        var facts: [CodeFact: [CodeEvidence]] = [:]
        func note(_ fact: CodeFact, _ call: ProgramCall, _ text: String) {
            guard (facts[fact]?.count ?? 0) < 16 else { return }
            facts[fact, default: []].append(evidence(call, text))
        }
        let mips = image.architecture.isMIPS
        let (create, truncate, append): (Int64, Int64, Int64) = mips ? (0x100, 0x200, 0x8) : (0x40, 0x200, 0x400)
        for call in calls {
            func text(_ index: Int) -> String? { literal(call.arguments, index) }
            func number(_ index: Int) -> Int64? { index < call.arguments.count ? call.arguments[index].constantValue : nil }
            switch call.name {
            case "readlink" where text(0) == "/proc/self/exe":
                // Its own path read into a buffer, and that buffer unlinked in the same function.
                guard call.arguments.count > 1, call.arguments[1] != .unknown else { break }
                let buffer = call.arguments[1]
                for removal in calls where removal.function == call.function && ["unlink", "remove"].contains(removal.name)
                    && removal.arguments.first == buffer {
                    note(.selfDeleting, call, "readlink(\"/proc/self/exe\") reads the program's own path into a buffer")
                    note(.selfDeleting, removal, "\(removal.name) of that buffer: the program deletes its own executable")
                }
            case "setenv", "unsetenv", "putenv":
                guard let name = text(0) else { break }
                let variable = String(name.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                guard ["HISTFILE", "HISTSIZE", "HISTFILESIZE"].contains(variable) else { break }
                let value: String? = call.name == "putenv" ? String(name.dropFirst(variable.count + 1)) : call.name == "setenv" ? text(1) : nil
                let off = call.name == "unsetenv" && variable == "HISTFILE"
                    || (call.name != "unsetenv" && name.contains("=") == (call.name == "putenv") && Self.turnsHistoryOff(variable, value))
                if off { note(.historyDisabled, call, "\(call.name)(\"\(name)\"\(value.map { call.name == "setenv" ? ", \"\($0)\"" : "" } ?? "")): shell history off") }
            case "truncate", "truncate64", "creat", "creat64":
                if let path = text(0), Self.isLoginRecord(path) { note(.loginRecordsWiped, call, "\(call.name)(\"\(path)\"): empties the login records") }
            case "open", "open64", "open_2", "open64_2":
                guard let path = text(0), let flags = number(1) else { break }
                if Self.isLoginRecord(path), flags & truncate != 0
                    || (flags & 3 != 0 && flags & append == 0 && !path.hasSuffix("lastlog")) {
                    note(.loginRecordsWiped, call, "open(\"\(path)\", 0x\(String(flags, radix: 16))): \(flags & truncate != 0 ? "empties" : "rewrites") the login records")
                }
                if Self.isTemporary(path), flags & create != 0, let mode = number(2), mode & 0o111 != 0 {
                    note(.temporaryDirectoryExecutable, call, "open(\"\(path)\", O_CREAT, 0\(String(mode, radix: 8))): creates an executable file in a temporary directory")
                }
            case "fopen", "fopen64":
                if let path = text(0), Self.isLoginRecord(path), let mode = text(1), mode.hasPrefix("w") || (mode.hasPrefix("r+") && !path.hasSuffix("lastlog")) {
                    note(.loginRecordsWiped, call, "fopen(\"\(path)\", \"\(mode)\"): rewrites the login records")
                }
            case "chmod":
                if let path = text(0), Self.isTemporary(path), let mode = number(1), mode & 0o111 != 0 {
                    note(.temporaryDirectoryExecutable, call, "chmod(\"\(path)\", 0\(String(mode, radix: 8))): makes a file in a temporary directory executable")
                }
            default:
                break
            }
            if Self.runsProgram(call.name), let command = text(0) {
                let program = String(command.split(separator: " ").first ?? "")
                if Self.isTemporary(program) { note(.temporaryDirectoryExecutable, call, "\(call.name) runs \"\(command)\" from a temporary directory") }
                if ["system", "popen"].contains(call.name), Self.historyOffStrings.contains(where: { command.contains($0) }) {
                    note(.historyDisabled, call, "\(call.name)(\"\(command)\"): shell history off")
                }
            }
        }
        let memoryFiles = calls.filter { $0.name == "memfd_create" }
        let descriptorRuns = calls.filter { $0.name == "fexecve" || $0.name == "execveat" }
        if let memoryFile = memoryFiles.first, let run = descriptorRuns.first {
            note(.memoryFileExecuted, memoryFile, "memfd_create: an anonymous file in memory")
            note(.memoryFileExecuted, run, "\(run.name): runs a program from a descriptor, not a path")
        }
        let sockets = calls.filter { $0.name == "socket" && [2, 10].contains($0.arguments.first?.constantValue ?? -1) }
        if let socket = sockets.first, let connect = calls.first(where: { $0.name == "connect" }) {
            note(.connectsOut, socket, "socket: an Internet socket (family \(socket.arguments.first?.constantValue ?? -1))")
            note(.connectsOut, connect, "connect: the program connects out")
        }
        if facts[.historyDisabled] == nil, Self.readOnlyData(of: image, { $0.contains("HIST") }) {
            let strings = historyOffLiterals()
            if !strings.isEmpty { facts[.historyDisabled] = strings }
        }
        return facts
    }

    /// `putenv` strings and `system` commands, as read-only data, that only switch history off:
    /// what a static executable shows when its `putenv` calls cannot be named.
    private func historyOffLiterals() -> [CodeEvidence] {
        var found: [CodeEvidence] = []
        for section in image.model.sections where !section.isExecutable && section.hasFileBytes && !section.isWritable && section.size > 0 {
            let bytes = image.bytes(at: section.address, count: Int(clamping: min(section.size, 1 << 26)))
            var start = 0
            for index in 0..<bytes.count where bytes[index] == 0 {
                defer { start = index + 1 }
                let length = index - start
                guard length >= 9, length <= 32, bytes[start] == 0x48 || bytes[start] == 0x75 || bytes[start] == 0x65 || bytes[start] == 0x68,
                      let string = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self), Self.historyOffStrings.contains(string) else { continue }
                let address = section.address &+ UInt64(start)
                found.append(CodeEvidence(instruction: "\"\(string)\"", address: address, section: section.name,
                                          fileOffset: image.fileOffset(of: address), note: "read-only string \"\(string)\": switches shell history off"))
                if found.count >= 4 { return found }
            }
        }
        return found
    }

    static func readOnlyData(of image: ObjectImage, _ body: (ByteSearch) -> Bool) -> Bool {
        for section in image.model.sections where !section.isExecutable && section.hasFileBytes && !section.isWritable && section.size > 0 {
            if body(ByteSearch(bytes: image.bytes(at: section.address, count: Int(clamping: min(section.size, 1 << 26))))) { return true }
        }
        return false
    }

    private static func turnsHistoryOff(_ variable: String, _ value: String?) -> Bool {
        guard let value else { return false }
        return variable == "HISTFILE" ? value.isEmpty || value == "/dev/null" : value == "0" || value.isEmpty
    }

    private static func isLoginRecord(_ path: String) -> Bool {
        path.hasPrefix("/") && loginRecords.contains(String(path.split(separator: "/").last ?? ""))
    }

    private static func isTemporary(_ path: String) -> Bool {
        temporaryDirectories.contains { path.hasPrefix($0) && path.count > $0.count }
    }

    private static func runsProgram(_ name: String) -> Bool {
        ["execl", "execlp", "execle", "execv", "execvp", "execve", "execvpe", "system", "popen", execveCaller].contains(name)
    }
}

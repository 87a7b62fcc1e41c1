import BacksightELF

/// What a program does with sockets, descriptors, shells and its own name, from the calls its
/// code makes with constant or literal arguments: imports in a dynamic executable, named local
/// functions or system calls (`syscall`, `int 0x80`, `svc`, `swi`, MIPS `syscall` with a
/// constant number) in a static one.
///
/// Call sites are found with one scan of the code (``CallSiteSearch``); each function holding
/// one is walked once, and every call it makes is read with its arguments.
struct ProgramBehaviour {
    let search: CallSiteSearch

    var image: ObjectImage { search.image }
    var walker: CodeWalker { search.walker }

    /// Calls whose presence makes a function worth walking.
    static let keyCalls: Set<String> = [
        "socket", "accept", "accept4", "connect", "setsockopt", "dup2", "dup3",
        "execl", "execlp", "execle", "execv", "execvp", "execve", "execvpe", "system", "popen", "prctl",
        "openpty", "forkpty", "posix_openpt", "getpt",
    ]
    /// Calls that matter only for a kernel thread's name they copy (an `argv[0]` overwrite).
    /// Names are compared after ``normalized(_:)``, so the fortified `__strcpy_chk` is `strcpy_chk`.
    static let copyCalls: Set<String> = [
        "strcpy", "strncpy", "stpcpy", "memcpy", "memmove", "sprintf", "snprintf",
        "strcpy_chk", "strncpy_chk", "stpcpy_chk", "memcpy_chk", "memmove_chk", "sprintf_chk", "snprintf_chk",
    ]
    /// Where each copy call takes the text it copies (the format of the `sprintf` family).
    static let copiedArgument: [String: Int] = ["snprintf": 2, "sprintf_chk": 3, "snprintf_chk": 4]
    /// Calls that matter only when they open `/dev/ptmx` (the fortified `__open_2` normalized).
    static let openCalls: Set<String> = ["open", "open64", "open_2", "open64_2"]
    static let execs: Set<String> = ["execl", "execlp", "execle", "execv", "execvp", "execve", "execvpe", "system", "popen", execveCaller]
    /// A local function of a static executable that calls the `execve` wrapper (`execl`, `execv`…).
    static let execveCaller = "a caller of execve"
    private static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "busybox"]

    /// One call with what it was passed.
    struct ProgramCall {
        var name: String
        var arguments: [SymbolicValue]
        var site: InstructionSite
        var function: String
        var viaSystemCall: Bool
    }

    static let siteLimit = 96
    static let functionLimit = 48

    /// The facts, keyed by ``CodeFact`` raw names.
    /// `ruledOut` names facts no caller will read (``factsRuledOut(in:)``):
    /// calls that only they need are not looked for.
    func facts(ruledOut: Set<CodeFact> = []) -> [String: [CodeEvidence]] {
        let calls = programCalls(ruledOut: ruledOut)
        var facts: [CodeFact: [CodeEvidence]] = [:]
        func note(_ fact: CodeFact, _ call: ProgramCall, _ text: String) {
            guard (facts[fact]?.count ?? 0) < 16 else { return }
            facts[fact, default: []].append(evidence(call, text))
        }
        let connects = calls.filter { ["accept", "accept4", "connect"].contains($0.name) }
        // Internet or packet sockets (AF_INET, AF_INET6, AF_PACKET), not Unix-domain ones.
        let networkSockets = calls.filter { $0.name == "socket" && [2, 10, 17].contains($0.arguments.first?.constantValue ?? -1) }
        for call in calls {
            let arguments = call.arguments.map(\.constantValue)
            func argument(_ index: Int) -> Int64? { index < arguments.count ? arguments[index] : nil }
            switch call.name {
            case "socket":
                if argument(0) == 17 {
                    note(.rawPacketSocket, call, "opens a packet socket: socket(AF_PACKET, \(argument(1).map(String.init) ?? "?"), …)")
                } else if let family = argument(0), family == 2 || family == 10, let type = argument(1), type & 0xf == 3 {
                    note(.rawPacketSocket, call, "opens a raw IP socket: socket(\(family == 2 ? "AF_INET" : "AF_INET6"), SOCK_RAW, \(argument(2).map(String.init) ?? "?"))")
                }
            case "setsockopt":
                // SOL_SOCKET is 0xffff on MIPS, 1 elsewhere.
                if argument(1) == (image.architecture.isMIPS ? 0xffff : 1), let option = argument(2), option == 26 || option == 50 {
                    note(.socketFilterAttached, call, "attaches a \(option == 26 ? "classic BPF filter: setsockopt(SOL_SOCKET, SO_ATTACH_FILTER)" : "BPF program: setsockopt(SOL_SOCKET, SO_ATTACH_BPF)")")
                }
            case "prctl":
                if argument(0) == 15, let name = literal(call.arguments, 1) {
                    note(.processRenamed, call, "names the process \"\(name)\" with prctl(PR_SET_NAME)")
                    if Self.looksLikeKernelThread(name) { note(.kernelThreadName, call, "names the process \"\(name)\", a kernel thread's name, with prctl(PR_SET_NAME)") }
                }
            case "openpty", "forkpty", "posix_openpt", "getpt":
                note(.ptyAllocated, call, "allocates a pseudo-terminal with \(call.name)")
            case _ where Self.openCalls.contains(call.name):
                if literal(call.arguments, 0) == "/dev/ptmx" { note(.ptyAllocated, call, "opens /dev/ptmx: allocates a pseudo-terminal") }
            case _ where Self.copyCalls.contains(call.name):
                let position = Self.copiedArgument[call.name] ?? 1
                if let name = literal(call.arguments, position), Self.looksLikeKernelThread(name) {
                    note(.kernelThreadName, call, "\(call.name) copies the kernel thread's name \"\(name)\" (an argv[0] or process-name overwrite)")
                }
            default:
                break
            }
            if Self.execs.contains(call.name), let command = literal(call.arguments, 0) {
                let words = command.split(separator: " ")
                let program = words.first.map { String($0.split(separator: "/").last ?? $0) } ?? ""
                // popen's second argument is its mode ("r", "w"), not an argument of the command.
                let literals = call.name == "popen" ? [] : (1..<min(call.arguments.count, 6)).compactMap { literal(call.arguments, $0) }
                if program == "login" { note(.loginExecuted, call, "\(call.name) runs \"\(command)\"") }
                // Interactive: nothing after the shell but options (`-i`, `-l`), and no `-c` command
                // or script (`/bin/sh /etc/ssh/sshrc` runs a file).
                let options = words.dropFirst().map(String.init) + literals.filter { !Self.shells.contains(String($0.split(separator: "/").last ?? "")) }
                if Self.shells.contains(program), options.allSatisfy({ $0.hasPrefix("-") && $0 != "-c" }) {
                    note(.shellExecuted, call, "\(call.name) runs the shell \"\(command)\"\(literals.isEmpty ? "" : " with \(literals.map { "\"\($0)\"" }.joined(separator: ", "))")")
                }
            }
        }
        // Descriptors 0, 1 and 2 replaced in one function, and what that function then runs.
        // In the order the functions were walked: evidence is capped, so the order decides which
        // calls a report names, and it must not change from one run to the next.
        var functionOrder: [String] = []
        var callsByFunction: [String: [ProgramCall]] = [:]
        for call in calls {
            if callsByFunction[call.function] == nil { functionOrder.append(call.function) }
            callsByFunction[call.function, default: []].append(call)
        }
        for function in functionOrder {
            let inFunction = callsByFunction[function] ?? []
            // Onto 0, 1 and 2; or three calls whose known targets are two of them (a compiler may
            // pass a register it knows holds 0, such as a call's result it just tested).
            let duplications = inFunction.filter { ($0.name == "dup2" || $0.name == "dup3") && $0.arguments.count > 1 }
            let known = duplications.compactMap { $0.arguments[1].constantValue }
            let targets = Set(known)
            let stdio: Set<Int64> = [0, 1, 2]
            guard targets.isSuperset(of: stdio)
                || (duplications.count >= 3 && targets.isSubset(of: stdio) && targets.count >= 2) else { continue }
            let chosen = duplications.filter { call in call.arguments[1].constantValue.map(stdio.contains) ?? true }
            for call in chosen {
                let target = call.arguments[1].constantValue.map { "descriptor \($0)" } ?? "the remaining standard descriptor"
                note(.descriptorsDuplicatedOntoStdio, call, "\(call.name) onto \(target) in \(function)")
            }
            let shells = inFunction.filter { call in facts[.shellExecuted]?.contains { $0.address == call.site.address } ?? false }
            // The program accepts or makes connections, or this very function opens the socket.
            let ownSockets = networkSockets.filter { $0.function == function }
            guard !shells.isEmpty, !networkSockets.isEmpty, !connects.isEmpty || !ownSockets.isEmpty else { continue }
            for call in chosen + shells + (ownSockets.isEmpty ? networkSockets : ownSockets).prefix(1) + connects.prefix(2) {
                let text: String
                switch call.name {
                case "socket": text = "socket: an Internet or packet socket (family \(call.arguments.first?.constantValue ?? -1))"
                case "connect": text = "connect: the program connects out"
                case "accept", "accept4": text = "\(call.name): the program accepts connections"
                default: text = "\(call.name) in \(function), which puts standard input, output and error on another descriptor and runs a shell"
                }
                note(.shellOnSocket, call, text)
            }
        }
        facts.merge(traceFacts(calls)) { $0 + $1 }
        return facts.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
    }

    /// A kernel thread's name (`[kworker/0:1]`, `ksoftirqd/0`, `[kthreadd]`): no user program has one.
    static func looksLikeKernelThread(_ name: String) -> Bool {
        looksLikeKernelThread(Array(name.utf8)[...])
    }

    /// The same test on the bytes of a literal (printable ASCII).
    static func looksLikeKernelThread(_ name: ArraySlice<UInt8>) -> Bool {
        let bracketed = name.count >= 2 && name.first == UInt8(ascii: "[") && name.last == UInt8(ascii: "]")
        let inner = bracketed ? name.dropFirst().dropLast() : name
        guard !inner.isEmpty, inner.count <= 32, inner.allSatisfy(isKernelThreadNameByte) else { return false }
        return bracketed && inner.count >= 2 || kernelThreadPrefixes.contains { inner.starts(with: $0) }
    }

    /// Bytes a kernel thread's name holds (between its brackets).
    static func isKernelThreadNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        case UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."): return true
        default: return false
        }
    }

    /// How the names of the kernel's own threads begin.
    static let kernelThreadPrefixes: [[UInt8]] = [
        "kworker", "ksoftirqd", "kthreadd", "kswapd", "khugepaged", "kblockd", "kdevtmpfs", "khungtaskd", "kcompactd",
        "migration/", "rcu_", "watchdog/", "cpuhp/", "jbd2/", "kauditd", "ksmd", "kintegrityd", "writeback", "irq/", "scsi_eh",
    ].map { Array($0.utf8) }

    // MARK: Finding the calls

    /// The facts each key call can make (with the others of its function or program).
    static let factsOfKeyCall: [String: Set<CodeFact>] = {
        var facts: [String: Set<CodeFact>] = [
            "socket": [.rawPacketSocket, .shellOnSocket, .connectsOut],
            "accept": [.shellOnSocket], "accept4": [.shellOnSocket], "connect": [.shellOnSocket, .connectsOut],
            "setsockopt": [.socketFilterAttached],
            "dup2": [.descriptorsDuplicatedOntoStdio, .shellOnSocket], "dup3": [.descriptorsDuplicatedOntoStdio, .shellOnSocket],
            "prctl": [.processRenamed, .kernelThreadName],
        ]
        for name in ["openpty", "forkpty", "posix_openpt", "getpt"] { facts[name] = [.ptyAllocated] }
        for name in execs { facts[name] = [.shellExecuted, .loginExecuted, .shellOnSocket, .temporaryDirectoryExecutable, .historyDisabled] }
        return facts
    }()

    private func programCalls(ruledOut: Set<CodeFact>) -> [ProgramCall] {
        var localNames: [UInt64: String] = [:]
        var calls: [ProgramCall] = []
        // Copies and opens are everywhere; they are walked only when the data holds a literal
        // that would make one of them a fact.
        let literals = DataLiterals(image: image)
        var wanted = Self.keyCalls.union([Self.execveCaller]).filter { name in
            // A call every fact of which is ruled out need not be found (unknown names are kept).
            Self.factsOfKeyCall[name].map { !$0.isSubset(of: ruledOut) } ?? true
        }
        if !ruledOut.contains(.kernelThreadName), Self.mayCopyKernelThreadName(literals, image: image) { wanted.formUnion(Self.copyCalls) }
        if !ruledOut.contains(.ptyAllocated), literals.pseudoTerminalMaster { wanted.formUnion(Self.openCalls) }
        for symbol in image.model.symbols where symbol.type == "FUNC" && !symbol.isUndefined && symbol.value != 0 {
            let name = Self.normalized(symbol.name)
            guard Self.keyCalls.contains(name) else { continue }
            let address = image.architecture == .arm ? symbol.value & ~1 : symbol.value
            localNames[address] = name
        }
        let isStatic = !image.model.symbols.contains { $0.isImport }
        let hasFunctionSymbols = image.model.symbols.contains { $0.type == "FUNC" && !$0.isUndefined && $0.value != 0 && $0.table == .symtab }
        // Without symbols, functions start where direct calls land, and at `main`.
        let starts = hasFunctionSymbols ? [] : functionStarts()
        if isStatic {
            var stackHelpers: [UInt64: Int] = [:]
            calls += systemCalls(naming: &localNames, stackHelpers: &stackHelpers, starts: starts)
            calls += helperSystemCalls(naming: &localNames, stackHelpers: stackHelpers, starts: starts)
            nameExecveCallers(in: &localNames, starts: starts)
        }
        // The trace calls' own search, so that they never crowd out the others.
        var siteGroups = [search.sites(calling: wanted, localNames: localNames.filter { !Self.traceCalls.contains($0.value) }, limit: Self.siteLimit)]
        if tracesWorthLooking(localNames: localNames, literals: literals) {
            siteGroups.append(search.sites(calling: Self.traceCalls, localNames: localNames.filter { Self.traceCalls.contains($0.value) }, limit: Self.siteLimit))
        }
        let collected = wanted.union(Self.traceCalls)
        var lastSite: [UInt64: (site: UInt64, thumb: Bool)] = [:]
        var order: [UInt64] = []
        for sites in siteGroups {
            var added = 0
            for site in sites {
                guard let start = start(of: site.address, thumb: site.thumb, starts: starts) else { continue }
                if lastSite[start.address] == nil {
                    guard added < Self.functionLimit else { continue }
                    order.append(start.address)
                    added += 1
                }
                lastSite[start.address] = (max(lastSite[start.address]?.site ?? 0, site.address), start.thumb)
            }
        }
        for start in order where walker.budget > 0 {
            guard let (last, thumb) = lastSite[start] else { continue }
            let name = image.describe(start) ?? "code at 0x\(String(start, radix: 16))"
            // A known start walks the function to its end; a start guessed from call targets stops
            // after its last site (on MIPS the site loads $t9, and the call follows a few instructions on).
            let reach: UInt64 = image.architecture.isMIPS ? 48 : 8
            let record = walker.walk(start: start, thumb: thumb, name: name, stopAfter: hasFunctionSymbols ? nil : last &+ reach)
            for call in record.calls {
                let callee: String?
                switch call.kind {
                case let .imported(imported, _): callee = Self.normalized(imported)
                case let .local(address, _): callee = localNames[address] ?? image.function(at: address).map { Self.normalized($0.name) }
                default: callee = nil
                }
                guard let callee, collected.contains(callee) else { continue }
                calls.append(ProgramCall(name: callee, arguments: call.arguments, site: call.site, function: name, viaSystemCall: false))
            }
        }
        return calls
    }

    /// System calls with a constant number: each names the local function it sits at the start
    /// of (a libc wrapper) and, when made inline with constant arguments, is a call of its own.
    private func systemCalls(naming localNames: inout [UInt64: String], stackHelpers: inout [UInt64: Int], starts: [UInt64]) -> [ProgramCall] {
        let sites = systemCallSites(limit: 1024)
        guard !sites.isEmpty else { return [] }
        var calls: [ProgramCall] = []
        for site in sites where walker.budget > 0 {
            // A wrapper makes its call within its first few instructions; a variadic one (prctl)
            // saves its arguments first, and still passes its own first argument on.
            guard let start = start(of: site.address, thumb: site.thumb, starts: starts, within: 192) else { continue }
            let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
            let record = walker.walk(start: start.address, thumb: start.thumb, name: name, stopAfter: site.address)
            guard let call = record.systemCalls.last(where: { $0.site.address == site.address }) else { continue }
            if let index = SystemCallHelpers.stackNumberArgument(call.number, on: image.architecture) {
                stackHelpers[start.address] = index
                continue
            }
            guard let number = call.number.constantValue, let raw = SystemCallNumbers.name(of: number, on: image.architecture) else { continue }
            let (callee, arguments) = Self.relativeToWorkingDirectory(raw, call.arguments)
            if site.address - start.address > 64 {
                guard case .argument(0)? = arguments.first else { continue }
            }
            if localNames[start.address] == nil { localNames[start.address] = callee }

            calls.append(ProgramCall(name: callee, arguments: arguments, site: call.site, function: name, viaSystemCall: true))
        }
        return calls
    }

    /// Local functions that call the `execve` wrapper within their first instructions: `execl`,
    /// `execv` and the like, whose first argument is the program they run.
    private func nameExecveCallers(in localNames: inout [UInt64: String], starts: [UInt64]) {
        let wrappers = localNames.filter { $0.value == "execve" }
        guard !wrappers.isEmpty else { return }
        let callers = search.sites(calling: [], localNames: wrappers, limit: 32)
        for caller in callers {
            guard let start = start(of: caller.address, thumb: caller.thumb, starts: starts, within: 768),
                  localNames[start.address] == nil else { continue }
            localNames[start.address] = Self.execveCaller
            // A start read out of the middle of the function hides the real one: earlier starts
            // whose code reaches the call are callers too.
            let index = starts.countOfPrefix { $0 < start.address }
            for earlier in starts[max(index - 3, 0)..<index].reversed() where caller.address - earlier <= 768 && localNames[earlier] == nil {
                let record = walker.walk(start: earlier, thumb: start.thumb, name: "", stopAfter: caller.address)
                if record.calls.contains(where: { $0.site.address == caller.address }) { localNames[earlier] = Self.execveCaller }
            }
        }
    }

    /// Function starts of an object without symbols: direct call targets, the entry point and
    /// `main` (the first argument `_start` passes to `__libc_start_main`), sorted.
    func functionStarts() -> [UInt64] {
        var starts = search.directCallTargets(limit: 200_000)
        // A MIPS executable's GOT holds the address of every local function its code calls or
        // passes (`main` among them), unrelocated (in a dynamic one: its local part, before the
        // imports' entries, which hold their stubs' addresses).
        if image.architecture.isMIPS, let got = image.model.section(named: ".got") {
            let width = image.architecture.wordSize
            for offset in stride(from: 0, to: min(Int(clamping: got.size), 1 << 20), by: width) {
                if let word = image.readUnsigned(at: got.address &+ UInt64(offset), width: width), image.isExecutable(word) { starts.insert(word) }
            }
        }
        let entry = image.model.header.entry
        let isARM = image.architecture == .arm
        if entry != 0, image.isExecutable(entry & ~1) {
            starts.insert(isARM ? entry & ~1 : entry)
            let record = walker.walk(start: isARM ? entry & ~1 : entry, thumb: isARM && entry & 1 == 1, name: "_start")
            if let main = record.calls.first?.arguments.first?.constantValue {
                let address = UInt64(bitPattern: main)
                if image.isExecutable(isARM ? address & ~1 : address) { starts.insert(isARM ? address & ~1 : address) }
            }
        }
        return starts.sorted()
    }

    /// The function holding `site`: its symbol, else the nearest known start before it (at most
    /// `within` bytes away), else a window before it.
    func start(of site: UInt64, thumb: Bool, starts: [UInt64], within: UInt64 = 16384) -> (address: UInt64, thumb: Bool)? {
        if let symbol = image.symbol(containing: site), symbol.type == "FUNC" {
            return search.functionStart(for: site, thumb: thumb)
        }
        let index = starts.countOfPrefix { $0 <= site }
        if index > 0, site - starts[index - 1] <= within { return (starts[index - 1], thumb) }
        return within >= 16384 ? search.functionStart(for: site, thumb: thumb) : nil
    }

    /// Addresses of system-call instructions, found by their encodings.
    private func systemCallSites(limit: Int) -> [(address: UInt64, thumb: Bool)] {
        var sites: [(address: UInt64, thumb: Bool)] = []
        let bigEndian = image.architecture.isBigEndian
        for section in image.model.sections where section.isExecutable && section.hasFileBytes && section.size > 0 {
            guard !image.isPLT(section.address) else { continue }
            let code = image.bytes(at: section.address, count: Int(clamping: section.size))
            var index = 0
            while index + 4 <= code.count, sites.count < limit {
                let address = section.address &+ UInt64(index)
                let word = bigEndian
                    ? UInt32(code[index]) << 24 | UInt32(code[index + 1]) << 16 | UInt32(code[index + 2]) << 8 | UInt32(code[index + 3])
                    : UInt32(code[index]) | UInt32(code[index + 1]) << 8 | UInt32(code[index + 2]) << 16 | UInt32(code[index + 3]) << 24
                switch image.architecture {
                case .x86_64:
                    if code[index] == 0x0f, code[index + 1] == 0x05 { sites.append((address, false)) }
                    index += 1
                case .i386:
                    if code[index] == 0xcd, code[index + 1] == 0x80 { sites.append((address, false)) }
                    index += 1
                case .aarch64:
                    if word == 0xd400_0001 { sites.append((address, false)) }
                    index += 4
                case .arm:
                    if index % 4 == 0, word & 0x0fff_ffff == 0x0f00_0000, word >> 28 == 0xe { sites.append((address, false)) }
                    if code[index] == 0x00, code[index + 1] == 0xdf { sites.append((address, true)) }
                    index += 2
                case .mips:
                    if word & 0xfc00_003f == 0x0000_000c { sites.append((address, false)) }
                    index += 4
                }
            }
        }
        return sites
    }

    // MARK: Helpers

    /// `__libc_accept`, `__GI___dup2`, `__dup2` and `dup2@GLIBC_2.2.5` all name `dup2`.
    static func normalized(_ name: String) -> String {
        // Most names have neither a version nor a prefix: no new string.
        let utf8 = name.utf8
        if utf8.first != UInt8(ascii: "_"), !utf8.contains(UInt8(ascii: "@")) { return name }
        var base = Substring(name.split(separator: "@").first ?? Substring(name))
        for prefix in ["__GI_", "__libc_", "__"] where base.hasPrefix(prefix) { base = base.dropFirst(prefix.count) }
        return String(base)
    }

    func literal(_ arguments: [SymbolicValue], _ index: Int) -> String? {
        guard index < arguments.count, let raw = arguments[index].constantValue else { return nil }
        let address = UInt64(bitPattern: raw)
        guard let section = image.section(at: address), !section.isExecutable, section.hasFileBytes else { return nil }
        return image.literal(at: address)
    }

    func evidence(_ call: ProgramCall, _ note: String) -> CodeEvidence {
        CodeEvidence(instruction: walker.text(of: call.site), address: call.site.address, section: image.section(at: call.site.address)?.name,
                     fileOffset: image.fileOffset(of: call.site.address), function: call.function,
                     note: call.viaSystemCall ? note + " (system call)" : note)
    }
}

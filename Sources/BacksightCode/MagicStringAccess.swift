import BacksightELF

/// Daemons with a master password or a magic string: code that takes bytes from the network or
/// a password prompt, compares them with a string literal, and runs a shell or a command (or
/// checks a password, or changes its user) in the same function or a direct callee.
///
/// The analysis starts at the calls of string comparisons (`strcmp`, `strncmp`, `strcasecmp`,
/// `memcmp`, `strstr`, …), walks each function holding one, and follows the values it reads:
/// a buffer a read from the network fills (`recv`, `recvfrom`, `SSL_read`; `read` and `fgets`
/// in a program that accepts or receives connections), a buffer read right after a prompt that
/// asks for a password (or handed back by `getpass`, or passed to `crypt`), and what `strncpy`,
/// `sscanf` or `strstr` derive from one. Direct local callees are read one level deep: a helper
/// that reads a line into its argument, compares its argument with a literal, or runs the
/// command. Ordinary parsers compare input with keywords all day; what they do not do is run
/// a shell, or a command the input carries, where a keyword matched, nor compare a password
/// with a literal.
struct MagicStringAccess {
    let search: CallSiteSearch

    private var image: ObjectImage { search.image }
    private var walker: CodeWalker { search.walker }

    static let comparisons = KnownSymbols.comparisons.union(["strstr", "strcasestr", "memmem"])
    static let networkReads: Set<String> = ["recv", "recvfrom", "recv_chk", "recvfrom_chk", "SSL_read", "SSL_read_ex", "BIO_read",
                                            "mbedtls_ssl_read", "wolfSSL_read"]
    /// Reads from a descriptor or stream: network input in a program that takes connections,
    /// else a terminal.
    static let streamReads: Set<String> = ["read", "read_chk", "fgets", "fgets_chk", "fgets_unlocked", "gets", "getline", "getdelim"]
    static let passwordReaders: Set<String> = ["getpass", "readpassphrase"]
    /// Imports that make a program a network server or peer.
    static let networkServer: Set<String> = ["accept", "accept4", "recv", "recvfrom", "SSL_read", "SSL_accept"]
    static let copies: Set<String> = ["strcpy", "strncpy", "stpcpy", "stpncpy", "strlcpy", "memcpy", "memmove", "strcat", "strncat",
                                      "strcpy_chk", "strncpy_chk", "memcpy_chk", "memmove_chk", "strcat_chk", "strncat_chk"]
    static let scanners: Set<String> = ["sscanf", "isoc99_sscanf", "isoc23_sscanf"]
    static let searches: Set<String> = ["strstr", "strcasestr", "strchr", "strrchr", "strpbrk", "strtok", "strtok_r", "index", "rindex",
                                        "memchr", "memmem"]
    static let commandRunners: Set<String> = ["system", "popen"]
    /// Calls that print a prompt.
    static let outputs: Set<String> = ["write", "send", "sendto", "printf", "printf_chk", "fprintf", "fprintf_chk", "dprintf", "dprintf_chk",
                                       "puts", "fputs", "fputs_unlocked", "fwrite", "fwrite_unlocked", "SSL_write", "BIO_write", "BIO_puts",
                                       "getpass", "readpassphrase"]
    static let execs: Set<String> = ["execl", "execlp", "execle", "execv", "execvp", "execve", "execvpe"]
    static let userChanges: Set<String> = ["setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid", "seteuid", "setegid"]
    static let passwordChecks: Set<String> = ["crypt", "crypt_r", "crypt_rn", "crypt_ra", "getspnam", "getspnam_r", "pam_authenticate"]
    private static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "busybox"]

    /// Instructions the analysis of one file may decode: functions are read best first, so
    /// what the budget leaves out is what was least likely to matter.
    static let instructionBudget = 16_000
    static let siteLimit = 256
    static let functionLimit = 64
    static let calleesPerFunction = 16

    /// Whether the file's imports (or, static, its function symbols) hold an input from the
    /// network or a password (a network read or server call; `getpass`; a stream read in code
    /// that checks passwords) and something to grant: the analysis costs nothing on the others,
    /// most programs of a distribution among them.
    static func isCandidate(_ model: ELFModel) -> Bool {
        // A dynamic object reaches these functions through its imports; one that defines them
        // (libc, libssl) is not thereby reading input. A static executable has only its own.
        let imports = model.symbols.filter { $0.isImport }
        let names = Set((imports.isEmpty ? model.symbols.filter { $0.type == "FUNC" } : imports).map { ProgramBehaviour.normalized($0.name) })
        // No comparison import is needed: a comparison with a literal of known length may be inlined.
        let input = !names.isDisjoint(with: candidateInputs) || (!names.isDisjoint(with: streamReads) && !names.isDisjoint(with: passwordChecks))
        return input && !names.isDisjoint(with: grantCalls)
    }
    private static let candidateInputs = networkReads.union(networkServer).union(passwordReaders)
    /// Calls that read input: from the network, a descriptor or stream, or a password prompt.
    static let inputCalls = networkReads.union(streamReads).union(passwordReaders)
    /// Calls that grant something: run a command or shell, change user, check a password.
    static let grantCalls = commandRunners.union(execs).union(userChanges).union(passwordChecks)

    // MARK: What the code holds

    /// Where input came from.
    private enum Source { case network, terminal }

    /// A value that holds input: a buffer's address or a returned pointer.
    private struct Input {
        var value: SymbolicValue
        var source: Source
        var password: Bool
        var site: InstructionSite
        var call: String
        /// Bytes the buffer holds: the read's size argument when constant.
        var length: Int64
        /// The call that wrote the buffer (the read, or the copy out of another input).
        var filler = ""
        /// A read of one byte: a line reader inlined here, storing each byte into a buffer
        /// through an index the walk does not follow.
        var byteAtATime = false
    }

    /// What a direct callee does with its arguments and on its own.
    private struct CalleeSummary {
        /// The callee reads input (into its argument, or a byte at a time into a local it
        /// copies out): its source and the read.
        var reads: (source: Source, call: String)?
        /// Arguments the callee compares with a literal.
        var compares: [(index: Int, compare: LiteralCompare)] = []
        /// Arguments the callee hands to crypt(3): passwords.
        var hashes: [Int] = []
        var actions: [Action] = []
    }

    private struct LiteralCompare {
        var site: InstructionSite
        var call: String
        var literal: String
        var address: UInt64
        var function: String
        /// Words of the literal held in instructions (no call, no literal in read-only data).
        var isInline = false
    }

    private enum ActionKind { case shell, login, runtimeCommand, fixedCommand, userChange, passwordCheck }

    private struct Action {
        var kind: ActionKind
        var site: InstructionSite
        var function: String
        var text: String
    }

    // MARK: Facts

    /// The facts, keyed by ``CodeFact`` raw names.
    func facts() -> [String: [CodeEvidence]] {
        let names = Set(image.model.symbols.filter(\.isUndefined).map { ProgramBehaviour.normalized($0.name) })
        let isNetworkProgram = !names.isDisjoint(with: Self.networkServer)
        var localNames: [UInt64: String] = [:]
        let wanted = Self.comparisons.union(Self.networkReads).union(Self.streamReads).union(Self.passwordReaders).union(Self.copies)
            .union(Self.scanners).union(Self.searches).union(Self.commandRunners).union(Self.execs).union(Self.userChanges)
            .union(Self.passwordChecks)
        for symbol in image.model.symbols where symbol.type == "FUNC" && !symbol.isUndefined && symbol.value != 0 {
            let name = ProgramBehaviour.normalized(symbol.name)
            guard wanted.contains(name) else { continue }
            localNames[image.architecture == .arm ? symbol.value & ~1 : symbol.value] = name
        }
        // Functions that compare, read input or grant: the comparison, the input and the grant
        // may each sit in a direct callee of one of them.
        let anchors = Self.comparisons.union(Self.networkReads).union(Self.streamReads).union(Self.passwordReaders)
            .union(Self.commandRunners).union(Self.execs).union(Self.userChanges)
        let sites = search.sites(calling: anchors, localNames: localNames.filter { anchors.contains($0.value) }, limit: Self.siteLimit)
        guard !sites.isEmpty else { return [:] }
        let hasFunctionSymbols = image.model.symbols.contains { $0.type == "FUNC" && !$0.isUndefined && $0.value != 0 && $0.table == .symtab }
        let starts = hasFunctionSymbols ? [] : functionStarts()
        var order: [(address: UInt64, thumb: Bool)] = []
        var callees: [UInt64: Set<String>] = [:]
        for site in sites {
            guard let start = start(of: site, starts: starts) else { continue }
            if callees[start.address] == nil { order.append(start) }
            callees[start.address, default: []].insert(site.callee)
        }
        // Best first: a function that compares and grants, then one that compares input, then
        // the rest (whose comparison or grant may sit in a callee), each group in address order.
        func rank(_ start: UInt64) -> Int {
            let called = callees[start] ?? []
            let compares = !called.isDisjoint(with: Self.comparisons)
            if compares, !called.isDisjoint(with: Self.grantCalls) { return 0 }
            if compares, !called.isDisjoint(with: Self.inputCalls) { return 1 }
            return 2
        }
        order = order.enumerated().sorted { (rank($0.element.address), $0.offset) < (rank($1.element.address), $1.offset) }.map(\.element)
        var summaries: [UInt64: CalleeSummary] = [:]
        var facts: [CodeFact: [CodeEvidence]] = [:]
        let roleIndex = CallRoleIndex(search: search, names: Self.roles, localNames: localNames,
                                      starts: hasFunctionSymbols ? functionSymbolStarts() : starts, limit: Self.roleSiteLimit)
        // A function that neither reads input nor grants, itself or in a direct callee, can show
        // nothing: left out before its walk (as its calls' encodings tell) and before its callees
        // are read (as its walk tells).
        if let roleIndex { order = order.filter { roleIndex.rolesWithCallees(ofFunctionAt: $0.address) == .both } }
        for start in order.prefix(Self.functionLimit) where walker.budget > 0 {
            let name = image.describe(start.address) ?? "code at 0x\(String(start.address, radix: 16))"
            let record = walker.walk(start: start.address, thumb: start.thumb, name: name)
            if let roleIndex, !mayGrantOnInput(record, localNames: localNames, roleIndex: roleIndex) { continue }
            let found = examine(record, localNames: localNames, isNetworkProgram: isNetworkProgram, summaries: &summaries)
            for (fact, items) in found where (facts[fact]?.count ?? 0) < 12 {
                facts[fact, default: []] += items
            }
        }
        return facts.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
    }

    /// What a call's name does for the verdicts: reads input, or grants something.
    private static let roles: [String: CallRoleIndex.Roles] = {
        var roles: [String: CallRoleIndex.Roles] = [:]
        for name in inputCalls { roles[name, default: []].insert(.input) }
        for name in grantCalls { roles[name, default: []].insert(.grant) }
        return roles
    }()
    static let roleSiteLimit = 8192

    /// Whether the function's own calls, and the extents of the local functions it calls, hold
    /// both an input and a grant: every verdict needs the two in the function or a direct callee.
    private func mayGrantOnInput(_ record: FunctionRecord, localNames: [UInt64: String], roleIndex: CallRoleIndex) -> Bool {
        var roles: CallRoleIndex.Roles = []
        for call in record.calls where roles != .both {
            if let name = calleeName(call.kind, localNames: localNames), let role = Self.roles[name] { roles.formUnion(role) }
            if case let .local(address, _) = call.kind, localNames[address] == nil, address != record.start {
                roles.formUnion(roleIndex.roles(ofFunctionAt: address))
            }
        }
        return roles == .both
    }

    /// Where the object's function symbols start, in address order.
    private func functionSymbolStarts() -> [UInt64] {
        let isARM = image.architecture == .arm
        return Set(image.model.symbols.filter { $0.type == "FUNC" && !$0.isUndefined && $0.value != 0 }.map { isARM ? $0.value & ~1 : $0.value })
            .sorted()
    }

    /// The facts one function shows, with its direct callees.
    private func examine(_ record: FunctionRecord, localNames: [UInt64: String], isNetworkProgram: Bool,
                         summaries: inout [UInt64: CalleeSummary]) -> [CodeFact: [CodeEvidence]] {
        let streamSource: Source = isNetworkProgram ? .network : .terminal
        var inputs: [Input] = []
        var compares: [(input: Int, compare: LiteralCompare)] = []
        var actions: [Action] = []
        var passwordPrompt = false
        var calleesRead = 0
        func add(_ value: SymbolicValue, _ source: Source, _ site: InstructionSite, _ call: String, password: Bool,
                 length: SymbolicValue = .unknown, defaultLength: Int64 = 256, filler: String? = nil) {
            guard value != .unknown, value.constantValue.map({ isWritableData($0) }) ?? true, inputs.count < 64 else { return }
            let size = length.constantValue.flatMap { (1...65536).contains($0) ? $0 : nil } ?? defaultLength
            inputs.append(Input(value: value, source: source, password: password, site: site, call: call, length: size,
                                filler: filler ?? call, byteAtATime: length.constantValue == 1))
        }
        for call in record.calls {
            let arguments = call.arguments
            func argument(_ index: Int) -> SymbolicValue { index < arguments.count ? arguments[index] : .unknown }
            var summary: CalleeSummary?
            if case let .local(address, thumb) = call.kind, localNames[address] == nil, address != record.start {
                if summaries[address] == nil, walker.budget > 0, calleesRead < Self.calleesPerFunction {
                    calleesRead += 1
                    summaries[address] = summarize(address, thumb: thumb, localNames: localNames, streamSource: streamSource)
                }
                summary = summaries[address]
            }
            let name = calleeName(call.kind, localNames: localNames)
            // A prompt: a literal handed to an output call or to a local helper (`say(fd, "login: ")`).
            let isOutput = name.map(Self.outputs.contains) ?? false
            let isHelper = summary != nil && !(name.map { Self.comparisons.contains($0) || Self.copies.contains($0) } ?? false)
            let prompts = isOutput || isHelper ? arguments.prefix(4).compactMap(literal) : []
            if !prompts.isEmpty { passwordPrompt = prompts.contains(where: Self.asksForPassword) }
            if let summary {
                if let read = summary.reads {
                    // A line reader fills the buffers it is handed.
                    for (index, value) in arguments.enumerated() where isBuffer(value) {
                        add(value, read.source, call.site, "\(read.call) in \(describe(call.kind))", password: passwordPrompt,
                            length: argument(index + 1), filler: name ?? describe(call.kind))
                    }
                    passwordPrompt = false
                }
                for (index, compare) in summary.compares {
                    if let input = input(holding: argument(index), in: inputs, before: call.site.ordinal) { compares.append((input, compare)) }
                }
                for index in summary.hashes {
                    if let input = input(holding: argument(index), in: inputs) { inputs[input].password = true }
                }
                actions += summary.actions
            }
            guard let name else { continue }
            switch name {
            case _ where Self.networkReads.contains(name):
                add(argument(1), .network, call.site, name, password: passwordPrompt, length: argument(2), defaultLength: 4096)
                passwordPrompt = false
            case "read", "read_chk":
                add(argument(1), streamSource, call.site, name, password: passwordPrompt, length: argument(2), defaultLength: 4096)
                passwordPrompt = false
            case "fgets", "fgets_chk", "fgets_unlocked", "gets":
                add(argument(0), streamSource, call.site, name, password: passwordPrompt, length: argument(1), defaultLength: 4096)
                add(.callResult(name), streamSource, call.site, name, password: passwordPrompt)
                passwordPrompt = false
            case "getline", "getdelim":
                add(.calleeOutput(name), streamSource, call.site, name, password: passwordPrompt)
                passwordPrompt = false
            case "getpass":
                add(.callResult(name), .terminal, call.site, name, password: true)
            case "readpassphrase":
                add(argument(1), .terminal, call.site, name, password: true, length: argument(2))
                add(.callResult(name), .terminal, call.site, name, password: true)
            case _ where Self.copies.contains(name):
                // From an input, or from a pointer computed into one (`strstr(request, "Host: ") + 6`,
                // which the walk does not follow) in a function that read from the network.
                let from = input(holding: argument(1), in: inputs).map { inputs[$0] }
                    ?? (literal(argument(1)) == nil && argument(1).constantValue == nil ? inputs.last(where: { $0.source == .network }) : nil)
                if let from {
                    add(argument(0), from.source, from.site, from.call, password: from.password,
                        length: name.hasPrefix("strn") || name.hasPrefix("mem") ? argument(2) : .unknown, filler: name)
                    // The copy hands back its destination, which the compiler may compare at once.
                    add(.callResult(name), from.source, from.site, from.call, password: from.password)
                }
            case _ where Self.scanners.contains(name):
                if let from = input(holding: argument(0), in: inputs).map({ inputs[$0] }) {
                    for index in 2..<max(2, min(arguments.count, 8)) { add(argument(index), from.source, from.site, from.call, password: from.password) }
                }
            case _ where Self.passwordChecks.contains(name):
                // The buffer crypt(3) hashes is a password, wherever it was read.
                if name.hasPrefix("crypt") {
                    if let input = input(holding: argument(0), in: inputs) { inputs[input].password = true }
                }
            default:
                break
            }
            if Self.searches.contains(name), let from = input(holding: argument(0), in: inputs).map({ inputs[$0] }) {
                add(.callResult(name), from.source, from.site, from.call, password: from.password)
            }
            if let action = action(name, arguments, site: call.site, function: record.name, inputs: inputs) { actions.append(action) }
        }
        // Comparisons in the function itself (a crypt of the password compared later marks it first).
        for call in record.calls {
            guard let name = calleeName(call.kind, localNames: localNames), Self.comparisons.contains(name),
                  let compare = literalCompare(call, name: name, function: record.name,
                                               operand: { input(holding: $0, in: inputs, before: call.site.ordinal) != nil }),
                  let input = input(holding: compare.operand, in: inputs, before: call.site.ordinal) else { continue }
            compares.append((input, compare.compare))
        }
        compares += inlineCompares(record, inputs: inputs)
        return verdicts(compares: compares.map { (inputs[$0.input], $0.compare) }, actions: actions)
    }

    /// The two facts from what one function (with its callees) holds. A shell counts for a
    /// network literal only where no password is checked: a login program compares the name
    /// with "root" and runs a shell after checking the password.
    private func verdicts(compares: [(input: Input, compare: LiteralCompare)], actions: [Action]) -> [CodeFact: [CodeEvidence]] {
        var facts: [CodeFact: [CodeEvidence]] = [:]
        let checksPasswords = actions.contains { $0.kind == .passwordCheck }
        let commands = actions.filter { $0.kind == .runtimeCommand || ($0.kind == .shell && !checksPasswords) }
        // The comparison to show: an equality test before a search (`strstr`), the longer literal first.
        let ranked = compares.sorted { left, right in
            let equality = (!Self.searches.contains(left.compare.call), !Self.searches.contains(right.compare.call))
            if equality.0 != equality.1 { return equality.0 }
            return left.compare.literal.count > right.compare.literal.count
        }
        if let (input, compare) = ranked.first(where: { $0.input.source == .network }), let command = commands.first {
            facts[.networkLiteralRunsCommand] = [
                evidence(input.site, note: "reads network input with \(input.call)"),
                evidence(compare.site, note: "\(compare.call) compares that input with the literal \"\(compare.literal)\" \(location(of: compare))"),
                evidence(command.site, note: command.text),
            ]
        }
        let grants = actions.filter { $0.kind != .fixedCommand }
        if let (input, compare) = ranked.first(where: { $0.input.password }),
           let grant = grants.first(where: { $0.kind != .passwordCheck }) ?? grants.first {
            facts[.loginPasswordComparedWithLiteral] = [
                evidence(input.site, note: "reads a password with \(input.call)"),
                evidence(compare.site, note: "\(compare.call) compares the password with the literal \"\(compare.literal)\" \(location(of: compare))"),
                evidence(grant.site, note: grant.text),
            ]
        }
        return facts
    }

    /// Comparisons of input with a literal the compiler inlined as word compares: the words of
    /// text combined with loads from an input buffer, joined in buffer order.
    private func inlineCompares(_ record: FunctionRecord, inputs: [Input]) -> [(input: Int, compare: LiteralCompare)] {
        var pieces: [Int: [(offset: Int64, literal: InlineLiteral)]] = [:]
        // A word of text compared outright (`cmp x0, x27`) is a piece too.
        let compared = record.compares.compactMap { compare in
            InlineLiteral.text(of: UInt64(bitPattern: compare.constant), width: walker.convention.wordSize,
                               bigEndian: image.architecture.isBigEndian).map { InlineLiteral(site: compare.site, text: $0, value: compare.value) }
        }
        for literal in record.inlineLiterals + compared {
            let input: Int?
            var offset = Int64(literal.site.ordinal)
            switch literal.value {
            case let .loaded(.stack(slot), _):
                input = self.input(holding: .stack(slot), in: inputs, before: literal.site.ordinal)
                offset = slot
            case .calleeOutput, .loaded, .unknown:
                // The word at the start of the buffer a call filled: that call's buffer if known.
                var filler: String?
                if case let .calleeOutput(name) = literal.value { filler = name }
                input = inputs.lastIndex { $0.filler == filler && isBuffer($0.value) }
                    ?? inputs.lastIndex { $0.site.ordinal < literal.site.ordinal }
                if let input, case let .stack(start) = inputs[input].value { offset = start }
            default:
                input = nil
            }
            guard let input else { continue }
            pieces[input, default: []].append((offset, literal))
        }
        return pieces.sorted { $0.key < $1.key }.compactMap { input, found in
            let ordered = found.sorted { $0.offset < $1.offset }
            guard let first = ordered.first?.literal else { return nil }
            let text = ordered.map(\.literal.text).joined()
            return (input, LiteralCompare(site: first.site, call: "an inlined comparison", literal: text, address: first.site.address,
                                          function: record.name, isInline: true))
        }
    }

    /// What a direct callee does with its arguments (one level: its own callees are not read).
    private func summarize(_ address: UInt64, thumb: Bool, localNames: [UInt64: String], streamSource: Source) -> CalleeSummary {
        let name = image.describe(address) ?? "code at 0x\(String(address, radix: 16))"
        let record = walker.walk(start: address, thumb: thumb, name: name)
        var summary = CalleeSummary()
        func argumentIndex(_ value: SymbolicValue) -> Int? {
            if case let .argument(index) = value { return index }
            return nil
        }
        for call in record.calls {
            guard let callee = calleeName(call.kind, localNames: localNames) else { continue }
            let arguments = call.arguments
            var buffer: SymbolicValue?
            var source = streamSource
            if Self.networkReads.contains(callee) { buffer = arguments.count > 1 ? arguments[1] : nil; source = .network }
            if callee == "read" || callee == "read_chk" { buffer = arguments.count > 1 ? arguments[1] : nil }
            if ["fgets", "fgets_chk", "fgets_unlocked", "gets"].contains(callee) { buffer = arguments.first }
            if buffer != nil, summary.reads == nil { summary.reads = (source, callee) }
            if Self.comparisons.contains(callee),
               let compare = literalCompare(call, name: callee, function: record.name, operand: { argumentIndex($0) != nil }),
               let index = argumentIndex(compare.operand) {
                summary.compares.append((index, compare.compare))
            }
            if callee.hasPrefix("crypt"), let index = arguments.first.flatMap(argumentIndex) { summary.hashes.append(index) }
            if let action = action(callee, arguments, site: call.site, function: record.name, inputs: []) { summary.actions.append(action) }
        }
        return summary
    }

    /// A buffer's address: on the stack or in writable data.
    private func isBuffer(_ value: SymbolicValue) -> Bool {
        if case .stack = value { return true }
        return value.constantValue.map(isWritableData) ?? false
    }

    // MARK: Pieces

    /// A comparison of a literal with an operand `isOperand` accepts: the literal and the operand.
    private func literalCompare(_ call: CallSite, name: String, function: String,
                                operand isOperand: (SymbolicValue) -> Bool) -> (compare: LiteralCompare, operand: SymbolicValue)? {
        guard call.arguments.count >= 2 else { return nil }
        for (left, right) in [(call.arguments[0], call.arguments[1]), (call.arguments[1], call.arguments[0])] {
            guard let raw = right.constantValue, let text = literal(right), text.count >= 2, isOperand(left) else { continue }
            return (LiteralCompare(site: call.site, call: name, literal: text, address: UInt64(bitPattern: raw), function: function), left)
        }
        return nil
    }

    /// What a call grants, if anything: a shell, a command, another user, a password check.
    private func action(_ name: String, _ arguments: [SymbolicValue], site: InstructionSite, function: String, inputs: [Input]) -> Action? {
        func argumentLiteral(_ index: Int) -> String? { index < arguments.count ? literal(arguments[index]) : nil }
        if Self.commandRunners.contains(name) {
            if let command = argumentLiteral(0) {
                return Action(kind: .fixedCommand, site: site, function: function, text: "\(name) runs the fixed command \"\(command)\"")
            }
            let received = arguments.first.flatMap { input(holding: $0, in: inputs) } != nil
            return Action(kind: .runtimeCommand, site: site, function: function,
                          text: "\(name) runs \(received ? "a command taken from that input" : "a command built at run time") through the shell")
        }
        if Self.execs.contains(name) {
            // A program named at run time is what a CGI server runs: only literals count.
            guard let program = argumentLiteral(0) else { return nil }
            let base = String(program.split(separator: " ").first?.split(separator: "/").last ?? "")
            if Self.shells.contains(base) {
                return Action(kind: .shell, site: site, function: function, text: "\(name) runs the shell \"\(program)\"")
            }
            return Action(kind: base == "login" ? .login : .fixedCommand, site: site, function: function, text: "\(name) runs \"\(program)\"")
        }
        if Self.userChanges.contains(name), arguments.first?.constantValue == 0 {
            return Action(kind: .userChange, site: site, function: function, text: "\(name)(0): becomes root")
        }
        if Self.passwordChecks.contains(name) {
            return Action(kind: .passwordCheck, site: site, function: function, text: "\(name): the same code checks passwords")
        }
        return nil
    }

    /// The input a value holds (its index): the same value, or an address inside the nearest
    /// input buffer that starts at or below it; else, for a stack buffer compared at ordinal
    /// `before`, the last byte-at-a-time read before it (the line it assembled).
    private func input(holding value: SymbolicValue, in inputs: [Input], before: Int? = nil) -> Int? {
        if let exact = inputs.lastIndex(where: { $0.value == value }) { return exact }
        var best: (input: Int, distance: Int64)?
        for (index, input) in inputs.enumerated() {
            var distance: Int64?
            switch (value, input.value) {
            case let (.stack(a), .stack(b)) where a >= b: distance = a &- b
            case let (.constant(a), .constant(b)) where a >= b: distance = a &- b
            default: break
            }
            guard let distance, distance < input.length, distance < (best?.distance ?? .max) else { continue }
            best = (index, distance)
        }
        if let best { return best.input }
        guard case .stack = value, let before else { return nil }
        return inputs.lastIndex { $0.byteAtATime && $0.site.ordinal < before }
    }

    private func isWritableData(_ raw: Int64) -> Bool {
        guard let section = image.section(at: UInt64(bitPattern: raw)) else { return false }
        return section.isWritable && !section.isExecutable
    }

    /// A printable literal in read-only data that a value points at.
    private func literal(_ value: SymbolicValue) -> String? {
        guard let raw = value.constantValue else { return nil }
        let address = UInt64(bitPattern: raw)
        guard let section = image.section(at: address), !section.isWritable, !section.isExecutable, section.hasFileBytes else { return nil }
        return image.literal(at: address)
    }

    /// A prompt that asks for a password (`Password: `), not a path that names one (`/etc/passwd`).
    static func asksForPassword(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard !lower.contains("/"), lower.count <= 96 else { return false }
        return lower.contains("password") || lower.contains("passphrase") || lower.contains("passcode") || lower.hasPrefix("pass:")
    }

    private func calleeName(_ kind: CallKind, localNames: [UInt64: String]) -> String? {
        switch kind {
        case let .imported(name, _): return ProgramBehaviour.normalized(name)
        case let .local(address, _): return localNames[address] ?? image.function(at: address).map { ProgramBehaviour.normalized($0.name) }
        default: return nil
        }
    }

    private func describe(_ kind: CallKind) -> String {
        if case let .local(address, _) = kind { return image.describe(address) ?? "0x" + hex(address) }
        return "a callee"
    }

    /// Where functions of a stripped object start: direct call targets, the entry point and
    /// `main`; on MIPS also the code addresses in the GOT's words (position-independent MIPS
    /// code calls its own functions through the GOT, not with `jal`).
    private func functionStarts() -> [UInt64] {
        var starts = ProgramBehaviour(search: search).functionStarts()
        guard image.architecture.isMIPS, !image.model.dynamic.entries.isEmpty, let got = image.model.section(named: ".got") else { return starts }
        let width = image.architecture.wordSize
        var added = Set<UInt64>()
        for offset in stride(from: 0, to: min(Int(clamping: got.size), 1 << 20), by: width) {
            if let word = image.readUnsigned(at: got.address &+ UInt64(offset), width: width), word % 4 == 0, image.isExecutable(word),
               !image.isPLT(word) {
                added.insert(word)
            }
        }
        if !added.isEmpty { starts = Array(Set(starts).union(added)).sorted() }
        return starts
    }

    /// The function holding a site: its symbol, else the nearest direct call target before it.
    private func start(of site: CallSiteSearch.Site, starts: [UInt64]) -> (address: UInt64, thumb: Bool)? {
        if let symbol = image.symbol(containing: site.address), symbol.type == "FUNC" {
            return search.functionStart(for: site.address, thumb: site.thumb)
        }
        let index = starts.countOfPrefix { $0 <= site.address }
        if index > 0, site.address - starts[index - 1] <= 16384 { return (starts[index - 1], site.thumb) }
        return search.functionStart(for: site.address, thumb: site.thumb)
    }

    private func evidence(_ site: InstructionSite, note: String) -> CodeEvidence {
        let function = image.symbol(containing: site.address).map { ProgramBehaviour.normalized($0.name) }
        return CodeEvidence(instruction: walker.text(of: site), address: site.address, section: image.section(at: site.address)?.name,
                            fileOffset: image.fileOffset(of: site.address), function: function, note: note)
    }

    private func location(of compare: LiteralCompare) -> String {
        compare.isInline ? "(words of text in the instructions, from 0x\(hex(compare.address)))" : "at 0x\(hex(compare.address))"
    }

    private func hex<T: BinaryInteger>(_ value: T) -> String { String(value, radix: 16) }
}





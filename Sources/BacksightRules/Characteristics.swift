/// The named facts analysers may report, and the only names a `characteristic:` leaf accepts.
///
/// Analysers put a fact in ``ScanSubject/characteristics`` (file-wide facts) or in
/// ``ScopeInstance/characteristics`` (facts about one resolver or function), keyed by the raw
/// value, with the evidence that shows it. The rule compiler rejects any other name, so a typo in
/// a rule is an error rather than a rule that silently never matches.
///
/// To add a fact: add a case here with its documentation and ``scope``, compute it in an
/// analyser, and list it in the table in `Rules/README.md`.
public enum Characteristic: String, Sendable, Codable, CaseIterable {
    // MARK: IFUNC resolvers (resolver scope; constructors and entry points carry the same facts)
    //
    // The code analysis (BacksightCode) walks each resolver and the local functions it reaches
    // (direct calls, GOT calls into its own code and callbacks, three levels deep). `function`
    // instances (constructors, `pam_sm_authenticate`) carry the same facts under the same names.

    /// The resolver never executes `cpuid` (or reads the loader's CPU-feature data): it cannot be
    /// choosing an implementation by CPU, which is what resolvers are for.
    case ifuncResolverWithoutCPUID = "ifunc-resolver-without-cpuid"
    /// The resolver executes `cpuid`, reads `__cpu_features`/`hwcap`, or takes `hwcap` arguments.
    case resolverReadsCPUFeatures = "resolver-reads-cpu-features"
    /// The resolver calls a function defined in the same object.
    case resolverCallsLocalFunction = "resolver-calls-local-function"
    /// The resolver passes an address inside its own stack frame to a call.
    case resolverPassesStackAddress = "resolver-passes-stack-address"
    /// The resolver reads the stack-protector canary (`fs:0x28` or `__stack_chk_guard`).
    case resolverUsesStackCanary = "resolver-uses-stack-canary"
    /// The resolver (or a function it calls) stores into a GOT slot.
    case resolverWritesGOT = "resolver-writes-got"
    /// The resolver references `_rtld_global`, `_rtld_global_ro`, `_r_debug`, `_dl_*` or audit hooks.
    case resolverReferencesLoaderInternals = "resolver-references-loader-internals"
    /// The resolver (or a function it calls) calls `mprotect`.
    case resolverCallsMprotect = "resolver-calls-mprotect"
    /// The resolver (or a function it calls) stores into memory reached through a dynamic-loader
    /// symbol (`_rtld_global_ro`, `_r_debug`, …): it changes the loader's state, as an audit-hook
    /// installer does. Reading that memory (glibc's resolvers read CPU features there) is not enough.
    case resolverWritesLoaderData = "resolver-writes-loader-data"
    /// A counter in `.bss` decides whether a call is taken (the second run takes another path).
    case bssCounterGatesCall = "bss-counter-gates-call"

    // MARK: Authentication entry points (function scope)

    /// `pam_sm_authenticate` (or an exported `pam_authenticate`) passes the password it got from
    /// `pam_get_authtok`/`pam_get_item(PAM_AUTHTOK)` to `strcmp`/`strncmp`/`memcmp` together with
    /// a string literal in read-only data: a master password.
    case passwordComparedWithLiteral = "password-compared-with-literal"

    // MARK: Linked objects (file scope)

    /// A GOT slot holds a RELATIVE target inside the object's own `.text` and code calls through it.
    case gotSlotPointsIntoOwnText = "got-slot-points-into-own-text"
    /// Code compares against `DT_*`/`PT_*` constants: it walks ELF structures in memory.
    case inMemoryELFParsing = "in-memory-elf-parsing"
    /// The object runs code at load time (`DT_INIT`, `.init_array`, `.ctors`).
    case constructorPresent = "constructor-present"
    /// The object looks up symbols with `dlsym(RTLD_NEXT, …)` or `dlvsym`: it wraps another library.
    case dlsymRTLDNext = "dlsym-rtld-next"
    /// Words such as `/proc`, `ld.so.preload` or `readdir` are stored in data sections XOR-ed with a
    /// 1-byte (or 2- to 4-byte repeating) key and decoded at run time. The engine looks only in
    /// objects that export a function of the interposition lists; each evidence item is one
    /// decoded word with its section, offset and key.
    case xorHiddenStrings = "xor-hidden-strings"
    /// The file is an eBPF object, or carries one verbatim in its data (libbpf skeletons, `bpf2go`,
    /// aya), whose programs call `bpf_probe_write_user` (helper 36): they write into the memory of
    /// the process a system call came from, which eBPF rootkits use to change what `getdents64`
    /// or `read` return. The kernel logs that the helper is for debugging; tracers only read.
    case bpfProgramWritesUserMemory = "bpf-program-writes-user-memory"
    /// The file is, or carries, an eBPF object with a user-space probe (`uprobe`, `uretprobe`)
    /// on an authentication function: PAM's `pam_get_authtok`, `pam_get_item`, `pam_authenticate`
    /// or `pam_sm_authenticate`, OpenSSH's `auth_password` or `sshpam_auth_passwd`, named in the
    /// program's section or, beside a probe program, in the file (loaders attach by name at run
    /// time). Such a probe reads every password typed into sshd, su or sudo.
    case bpfProgramProbesAuthentication = "bpf-program-probes-authentication"

    // MARK: Programs (file scope)
    //
    // Computed for executables (no `DT_SONAME`) from the calls their code makes with constant or
    // literal arguments: imports, named local functions, or system calls with a constant number
    // in static executables. Each evidence item is the call instruction and what it passes.

    /// `socket(AF_PACKET, …)` or `socket(AF_INET/AF_INET6, SOCK_RAW, …)`: the program sees packets
    /// before the kernel's network stack, whatever port they are addressed to.
    case rawPacketSocket = "raw-packet-socket"
    /// `setsockopt(…, SOL_SOCKET, SO_ATTACH_FILTER or SO_ATTACH_BPF, …)`: a packet filter on a socket.
    case socketFilterAttached = "socket-filter-attached"
    /// The file's data holds a classic BPF program (`sock_filter[]`); each item is one program with
    /// what it compares (EtherTypes, protocols, ports, constants). `inspect` lists its instructions.
    case socketFilterProgram = "socket-filter-program"
    /// One function calls `dup2`/`dup3` onto descriptors 0, 1 and 2.
    case descriptorsDuplicatedOntoStdio = "descriptors-duplicated-onto-stdio"
    /// An `exec*`, `system` or `popen` call runs a shell named by a literal (`/bin/sh`, `sh -i`)
    /// without `-c`: an interactive shell, not a command.
    case shellExecuted = "shell-executed"
    /// An `exec*` call runs `login` named by a literal (a telnet-like daemon).
    case loginExecuted = "login-executed"
    /// One function puts descriptors 0, 1 and 2 on another descriptor and runs an interactive
    /// shell, in a program that accepts or makes connections: a bind or reverse shell.
    case shellOnSocket = "shell-on-socket"
    /// `openpty`, `forkpty`, `posix_openpt` or an `open("/dev/ptmx")`: a pseudo-terminal.
    case ptyAllocated = "pty-allocated"
    /// `prctl(PR_SET_NAME, "<literal>")`: the program renames itself.
    case processRenamed = "process-renamed"
    /// The program names itself like a kernel thread (`[kworker/0:1]`, `ksoftirqd/0`) with
    /// `prctl(PR_SET_NAME)` or by copying such a literal (an `argv[0]` overwrite).
    case kernelThreadName = "kernel-thread-name"
    /// `readlink("/proc/self/exe")` into a buffer and `unlink` or `remove` of that buffer in the
    /// same function: the program deletes its own executable.
    case selfDeleting = "self-deleting"
    /// Shell history switched off: `unsetenv("HISTFILE")`, `setenv` of `HISTFILE` to `/dev/null`
    /// or of `HISTSIZE`/`HISTFILESIZE` to 0, `putenv("HISTFILE=/dev/null")`, such a `system`
    /// command, or (a static executable) such a string in read-only data.
    case historyDisabled = "history-disabled"
    /// A login record (`utmp`, `wtmp`, `btmp`, `lastlog`) named by a literal is truncated
    /// (`truncate`, `creat`, `open` with `O_TRUNC`, `fopen` "w") or opened for writing in place
    /// (not `lastlog`, which `login` updates so; not `O_APPEND`).
    case loginRecordsWiped = "login-records-wiped"
    /// A literal path under `/tmp`, `/var/tmp` or `/dev/shm` is run (`exec*`, `system`), created
    /// with execute permission (`open` with `O_CREAT`) or made executable (`chmod`).
    case temporaryDirectoryExecutable = "temporary-directory-executable"
    /// `memfd_create` and `fexecve` or `execveat`: a program run from an anonymous memory file.
    case memoryFileExecuted = "memory-file-executed"
    /// An Internet socket (`AF_INET`, `AF_INET6`) and a `connect`: the program connects out.
    case connectsOut = "connects-out"
    /// One function (with its direct callees) compares network input (`recv`, `recvfrom`,
    /// `SSL_read`; `read`/`fgets` in a program that takes connections) or what it derives from
    /// it with a string literal, and runs a command built at run time (`system`, `popen`) or a
    /// shell where no password is checked. Items: the read, the comparison with its literal, the call.
    case networkLiteralRunsCommand = "network-literal-runs-command"
    /// One function (with its direct callees) compares a password (read after a prompt that
    /// asks for one, from `getpass`, or hashed with `crypt`) with a string literal, and runs a
    /// shell, login or command, becomes root, or checks passwords. Items as above.
    case loginPasswordComparedWithLiteral = "login-password-compared-with-literal"

    // MARK: Configuration files (file scope)
    //
    // Set by the engine on configuration files (etc/ld.so.preload, etc/environment, profile
    // scripts, systemd units, etc/pam.d/*). Each evidence item is one library the file names:
    // the value is the resolved path inside the tree (or the name as written when it does not
    // resolve), the location carries the line and the library's path, the detail says whether
    // it exists and what the rule set found in it.

    /// `etc/ld.so.preload` names a library (one item per name).
    case preloadListEntry = "preload-list-entry"
    /// An environment file, profile script or systemd unit sets `LD_PRELOAD` (one item per library).
    case ldPreloadAssignment = "ld-preload-assignment"
    /// A PAM configuration line loads a module (one item per module line).
    case pamModuleConfigured = "pam-module-configured"
    /// A library or PAM module the file names has a finding at `medium` or above of its own.
    case configuredLibraryFlagged = "configured-library-flagged"
    /// A library or PAM module the file names does not exist inside the tree (PAM lines starting
    /// with `-`, for which PAM ignores a missing module, excepted).
    case configuredLibraryMissing = "configured-library-missing"

    // MARK: Accounts and remote access (file scope)
    //
    // Set by the engine on account files (etc/passwd, etc/shadow), start-up files (etc/inittab,
    // init scripts, systemd units, inetd and xinetd configuration), sshd_config, dropbear's
    // defaults and authorized_keys files, from the configuration feature extractor
    // (BacksightConfig). Each evidence item is one line: the value names the account, command
    // or key, the location the line and the file, the detail what it allows.

    /// An account other than root (or the first) has UID 0 (one item per extra account).
    case additionalUIDZeroAccount = "additional-uid-zero-account"
    /// An account with a real login shell has an empty password field.
    case loginAccountEmptyPassword = "login-account-empty-password"
    /// An account's password hash matches an entry of the `default-credentials` list (checked
    /// with crypt(3)); the item names the account and the entry, never a hash that did not match.
    case accountDefaultPassword = "account-default-password"
    /// A start-up line gives a shell to the network without a login: `telnetd -l /bin/sh`,
    /// netcat or socat running a shell, an inetd or xinetd service whose server is a shell.
    case networkShellWithoutLogin = "network-shell-without-login"
    /// A remote-login server accepts empty passwords: dropbear `-B`, `PermitEmptyPasswords yes`.
    case remoteLoginAcceptsEmptyPasswords = "remote-login-accepts-empty-passwords"
    /// A remote-login server started at boot (telnetd, dropbear, sshd with `PermitRootLogin yes`)
    /// lets root log in with a password, and root's password is empty or a default credential.
    case remoteRootLoginWeakPassword = "remote-root-login-weak-password"
    /// A non-root account with a login shell belongs to an administrative group (GID 0, `root`,
    /// `wheel`, `sudo`, `admin`; listed in `etc/group` or as its primary GID) and its password is
    /// empty or a default credential (one item per account and group, on the group's line).
    case administrativeGroupWeakMember = "administrative-group-weak-member"
    /// The same membership with a password that is neither empty nor a default credential: an
    /// inventory fact.
    case administrativeGroupLoginMember = "administrative-group-login-member"
    /// A remote-login server started at boot asks root for a password (telnetd with login,
    /// dropbear without `-w`/`-g`/`-s`, sshd with `PermitRootLogin yes`), whatever root's password is.
    case remoteRootPasswordLogin = "remote-root-password-login"
    /// An authorized_keys file for root or a system account is shipped in the tree (one item per key).
    case shippedAuthorizedKey = "shipped-authorized-key"

    // MARK: Relocatable objects (file scope)

    /// Large-code-model relocations (`R_X86_64_GOT64`, `GOTOFF64`, `PLTOFF64`) in `.rodata`.
    case largeModelRelocationsInRodata = "large-model-relocations-in-rodata"
    /// Local FUNC symbols named like assembler temporaries (`.L…`), which compilers never emit.
    case localLabelFunctionSymbols = "local-label-function-symbols"
    /// A `.text.<name>` section (as `-ffunction-sections` names them) that does not hold the
    /// function `<name>`, but other functions: a section name copied from elsewhere.
    case sectionNameSymbolMismatch = "section-name-symbol-mismatch"
    /// A relocatable object with code but no `.comment` section (no compiler identification).
    case missingCommentSection = "missing-comment-section"

    // MARK: Loadable kernel modules (file scope; computed by BacksightCode for `.ko` objects)

    /// The module imports `register_kprobe` and a relocation points at the string
    /// `kallsyms_lookup_name` (or `kallsyms_on_each_symbol`): a kprobe registered on the symbol
    /// lookup to read its address, since the kernel stopped exporting it (5.7).
    case kprobeOnSymbolLookup = "kprobe-on-symbol-lookup"
    /// Code addresses `THIS_MODULE->list` (`__this_module` plus the offset of its `list` node):
    /// `list_del(&THIS_MODULE->list)` hides the module from `lsmod` and `/proc/modules`.
    case moduleListSelfReference = "module-list-self-reference"
    /// x86 code writes control register 0 (`mov %reg, %cr0`), whose WP bit keeps read-only
    /// kernel memory read-only for the kernel too.
    case cr0Write = "cr0-write"
    /// The module calls `register_ftrace_function` with `FTRACE_OPS_FL_IPMODIFY` and `SAVE_REGS`
    /// set on its ops (an immediate in code, or a static `ftrace_ops`): its callback may rewrite
    /// the saved instruction pointer and so redirect the traced function.
    case ftraceIPModifyOps = "ftrace-ipmodify-ops"
    /// A kernel module with no appended signature and no `intree=Y`, in a module tree
    /// (`lib/modules/RELEASE/`) whose other modules, sampled, are all signed. Computed by the
    /// engine, which reads the tails of a few other modules of the tree on disk.
    case unsignedModuleInSignedTree = "unsigned-module-in-signed-tree"

    // MARK: Payloads and test data (file or payload scope; computed by BacksightUnpack)

    /// A file under a test-looking path (a `test`/`tests`/`testdata`… directory, or a
    /// `bad-N-`/`good-N-` test-suite name) whose name says bad or corrupt, yet decodes to its end
    /// with every integrity check passing (xz CRC32/CRC64/SHA-256, gzip CRC-32).
    case corruptNameDecodesCleanly = "corrupt-name-decodes-cleanly"
    /// An xz file that does not decode becomes valid xz streams, proved by their own checks,
    /// after swapping one or two byte pairs from tab, space, `-`, `_`, `.`, `/`, `#`, newline
    /// (`tr "\t \-_" " \t_\-"`).
    case swapRepairsStream = "swap-repairs-stream"
    /// Another regular file in the same directory (the directory of the container, for a
    /// member) is an xz file that `swap-repairs-stream` proves: a test file set that already
    /// hides one stage of a payload. Computed by the engine, which reads the directory.
    case siblingSwapRepairsStream = "sibling-swap-repairs-stream"
    /// Runs of one byte (256 or more) alternate at a fixed period with blocks of 7+ bits/byte,
    /// three times or more: filler hiding data in a test blob.
    case fillerEntropyLayout = "filler-entropy-layout"
    /// An xz or LZMA header appears, and the data decodes, after undoing a one-byte XOR or
    /// addition applied to every byte.
    case substitutedCompressionMagic = "substituted-compression-magic"
    /// Decoded bytes are a shell script: an interpreter line, or three kinds of markers among
    /// `####Name####` frame lines, `eval`, `head -c`, `tail -c`, `tr`, `xz -d`, `/bin/sh`.
    case shellScriptPayload = "shell-script-payload"
    /// A compressed stream was carved from inside other data (not a file compressed as a
    /// whole). On a file: where each stream starts; on a payload: that it was carved.
    case embeddedCompressedStream = "embedded-compressed-stream"

    /// The scope whose instances normally carry the fact.
    public var scope: Scope {
        switch self {
        case .ifuncResolverWithoutCPUID, .resolverReadsCPUFeatures, .resolverCallsLocalFunction,
             .resolverPassesStackAddress, .resolverUsesStackCanary, .resolverWritesGOT,
             .resolverReferencesLoaderInternals, .resolverCallsMprotect, .resolverWritesLoaderData, .bssCounterGatesCall:
            return .resolver
        case .passwordComparedWithLiteral:
            return .function
        case .gotSlotPointsIntoOwnText, .inMemoryELFParsing, .constructorPresent, .dlsymRTLDNext,
             .rawPacketSocket, .socketFilterAttached, .socketFilterProgram, .descriptorsDuplicatedOntoStdio, .shellExecuted,
             .loginExecuted, .shellOnSocket, .ptyAllocated, .processRenamed, .kernelThreadName,
             .selfDeleting, .historyDisabled, .loginRecordsWiped, .temporaryDirectoryExecutable, .memoryFileExecuted, .connectsOut,
             .networkLiteralRunsCommand, .loginPasswordComparedWithLiteral,
             .xorHiddenStrings, .bpfProgramWritesUserMemory, .bpfProgramProbesAuthentication, .largeModelRelocationsInRodata, .localLabelFunctionSymbols,
             .sectionNameSymbolMismatch, .missingCommentSection, .kprobeOnSymbolLookup, .moduleListSelfReference,
             .cr0Write, .ftraceIPModifyOps, .unsignedModuleInSignedTree:
            return .elf
        case .corruptNameDecodesCleanly, .swapRepairsStream, .siblingSwapRepairsStream, .fillerEntropyLayout,
             .substitutedCompressionMagic, .embeddedCompressedStream, .preloadListEntry, .ldPreloadAssignment,
             .pamModuleConfigured, .configuredLibraryFlagged, .configuredLibraryMissing,
             .additionalUIDZeroAccount, .loginAccountEmptyPassword, .accountDefaultPassword, .networkShellWithoutLogin,
             .remoteLoginAcceptsEmptyPasswords, .remoteRootLoginWeakPassword, .remoteRootPasswordLogin, .shippedAuthorizedKey,
             .administrativeGroupWeakMember, .administrativeGroupLoginMember:
            return .file
        case .shellScriptPayload:
            return .payload
        }
    }

    /// Every known name, for the rule compiler.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))
}

/// What the code analysis found in one ELF file: facts about the functions it analysed
/// (IFUNC resolvers, constructors, authentication entry points) and about the file as a whole.
///
/// A plain value with no ties to the bytes or to capstone. Facts are keyed by the raw names of
/// ``CodeFact`` (the same names rules use); each carries the instructions that show it.
import BacksightELF

public struct CodeFacts: Sendable, Hashable, Codable {
    /// One entry per analysed root function, in the order resolvers, entry points, constructors.
    public var functions: [FunctionFacts] = []
    /// Facts about the whole file, each with its evidence.
    public var fileFacts: [String: [CodeEvidence]] = [:]
    /// How much work the analysis did.
    public var statistics = CodeStatistics()
    /// Classic BPF programs stored as data in the file (programs only), decoded.
    public var filterPrograms: [SocketFilterProgram] = []

    public init() {}

    /// Whether the analysis found anything to report.
    public var isEmpty: Bool { functions.isEmpty && fileFacts.isEmpty }
}

/// Which parts of the analysis to run; the engine asks only for what its rules read.
public struct CodeAnalysisRequest: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// IFUNC resolvers.
    public static let resolvers = CodeAnalysisRequest(rawValue: 1 << 0)
    /// Constructors (`DT_INIT`, `.init_array`) and the `constructor-present` fact.
    public static let constructors = CodeAnalysisRequest(rawValue: 1 << 1)
    /// Exported authentication entry points (`pam_sm_authenticate`, `pam_authenticate`).
    public static let entryPoints = CodeAnalysisRequest(rawValue: 1 << 2)
    /// The search of all code for `dlsym(RTLD_NEXT, …)` calls (and the `dlvsym` import).
    public static let symbolLookups = CodeAnalysisRequest(rawValue: 1 << 3)
    /// The build tells of relocatable objects.
    public static let objectTells = CodeAnalysisRequest(rawValue: 1 << 4)
    /// How a loadable kernel module reaches into the kernel (kprobes, ftrace, CR0, its list node).
    public static let kernelModules = CodeAnalysisRequest(rawValue: 1 << 5)

    /// What a program does with sockets, descriptors, shells and its name (executables only),
    /// and the classic BPF programs its data holds.
    public static let programBehaviour = CodeAnalysisRequest(rawValue: 1 << 6)

    /// Input from the network or a password prompt compared with a literal that runs a shell or
    /// a command, or lets a password in (programs and libraries).
    public static let magicStrings = CodeAnalysisRequest(rawValue: 1 << 7)

    public static let all: CodeAnalysisRequest = [.resolvers, .constructors, .entryPoints, .symbolLookups, .objectTells, .kernelModules,
                                                  .programBehaviour, .magicStrings]
}

/// What kind of root function an entry describes.
public enum FunctionRole: String, Sendable, Hashable, Codable {
    /// An IFUNC resolver: code the dynamic loader runs while relocating the object.
    case resolver
    /// Code run at load time: `DT_INIT`, `.init_array`.
    case constructor
    /// An exported function whose code is checked because of what it decides
    /// (`pam_sm_authenticate`, `pam_authenticate`).
    case entryPoint = "entry-point"
}

/// Facts about one root function and the local functions it reaches (direct calls and
/// callbacks, three levels deep).
public struct FunctionFacts: Sendable, Hashable, Codable {
    public var role: FunctionRole
    /// The function's symbol, else a description such as `constructor at 0x1140`.
    public var name: String
    public var address: UInt64
    public var section: String?
    public var fileOffset: UInt64?
    /// Bytes of the function's own code.
    public var codeSize: UInt64
    /// Named facts (raw ``CodeFact`` names) with the instructions that show them.
    public var facts: [String: [CodeEvidence]] = [:]
    /// Numbers: `instructions` (the function's own), `analysed-instructions` (with its callees),
    /// `local-calls`, `imported-calls`, `call-depth`.
    public var metrics: [String: Double] = [:]
    /// Outside symbols the code calls or references, each once, in order of appearance.
    public var references: [String] = []
    /// Every call target reached, as `caller -> callee` lines, for reports.
    public var callTargets: [String] = []

    public init(role: FunctionRole, name: String, address: UInt64, section: String?, fileOffset: UInt64?, codeSize: UInt64) {
        self.role = role
        self.name = name
        self.address = address
        self.section = section
        self.fileOffset = fileOffset
        self.codeSize = codeSize
    }
}

/// One instruction (or file property) that shows a fact.
public struct CodeEvidence: Sendable, Hashable, Codable {
    /// The disassembled instruction (`call 0x600`), or the property (`symbol .Lcrc_helper`).
    public var instruction: String
    public var address: UInt64?
    public var section: String?
    public var fileOffset: UInt64?
    /// The function holding the instruction, or the symbol the property is about.
    public var function: String?
    /// What the instruction shows, such as `calls mprotect through the PLT` or `stores into .got`.
    public var note: String

    public init(instruction: String, address: UInt64? = nil, section: String? = nil, fileOffset: UInt64? = nil,
                function: String? = nil, note: String) {
        self.instruction = instruction
        self.address = address
        self.section = section
        self.fileOffset = fileOffset
        self.function = function
        self.note = note
    }
}

/// How much work one analysis did.
public struct CodeStatistics: Sendable, Hashable, Codable {
    public var resolvers = 0
    public var constructors = 0
    public var entryPoints = 0
    /// Instructions decoded, over all functions.
    public var instructions = 0
    /// The file's instruction budget ran out before every root was analysed to the end.
    public var budgetExhausted = false
    /// `dlsym` call sites examined for `RTLD_NEXT`.
    public var symbolLookupSites = 0

    public init() {}
}

/// The names of the facts the code analysis reports. They are the characteristic names rules
/// use; the analysis itself knows nothing of rules.
public enum CodeFact: String, CaseIterable, Sendable {
    // Resolver and function facts.
    case ifuncResolverWithoutCPUID = "ifunc-resolver-without-cpuid"
    case readsCPUFeatures = "resolver-reads-cpu-features"
    case callsLocalFunction = "resolver-calls-local-function"
    case passesStackAddress = "resolver-passes-stack-address"
    case usesStackCanary = "resolver-uses-stack-canary"
    case writesGOT = "resolver-writes-got"
    case referencesLoaderInternals = "resolver-references-loader-internals"
    case writesLoaderData = "resolver-writes-loader-data"
    case callsMprotect = "resolver-calls-mprotect"
    case bssCounterGatesCall = "bss-counter-gates-call"
    case comparesPasswordWithLiteral = "password-compared-with-literal"
    // File facts computed from code (also attached to the function that shows them).
    case gotSlotPointsIntoOwnText = "got-slot-points-into-own-text"
    case inMemoryELFParsing = "in-memory-elf-parsing"
    case constructorPresent = "constructor-present"
    case dlsymRTLDNext = "dlsym-rtld-next"
    // Programs: calls with constant or literal arguments, and data.
    case rawPacketSocket = "raw-packet-socket"
    case socketFilterAttached = "socket-filter-attached"
    case socketFilterProgram = "socket-filter-program"
    case descriptorsDuplicatedOntoStdio = "descriptors-duplicated-onto-stdio"
    case shellExecuted = "shell-executed"
    case loginExecuted = "login-executed"
    case shellOnSocket = "shell-on-socket"
    case ptyAllocated = "pty-allocated"
    case processRenamed = "process-renamed"
    case kernelThreadName = "kernel-thread-name"
    case selfDeleting = "self-deleting"
    case historyDisabled = "history-disabled"
    case loginRecordsWiped = "login-records-wiped"
    case temporaryDirectoryExecutable = "temporary-directory-executable"
    case memoryFileExecuted = "memory-file-executed"
    case connectsOut = "connects-out"
    // Programs and libraries: input compared with a literal that grants access (MagicStringAccess).
    case networkLiteralRunsCommand = "network-literal-runs-command"
    case loginPasswordComparedWithLiteral = "login-password-compared-with-literal"
    // Relocatable objects.
    case largeModelRelocationsInRodata = "large-model-relocations-in-rodata"
    case localLabelFunctionSymbols = "local-label-function-symbols"
    case sectionNameSymbolMismatch = "section-name-symbol-mismatch"
    case missingCommentSection = "missing-comment-section"
    // Kernel modules.
    case kprobeSymbolLookup = "kprobe-on-symbol-lookup"
    case moduleListUnlink = "module-list-self-reference"
    case controlRegisterWrite = "cr0-write"
    case ftraceIPModifyOps = "ftrace-ipmodify-ops"
}

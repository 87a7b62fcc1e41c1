import CPCRE2
#if canImport(Glibc)
import Glibc
#endif

/// One PCRE2 pattern, compiled (and JIT-compiled where the CPU has PCRE2's JIT) once, at rule
/// compile time, over bytes: no UTF mode (the subjects are bytes, not text), `.` excludes only
/// `\n`, `$` only matches at the very end, and with `caseInsensitive` ASCII letters match either
/// case (PCRE2's built-in C-locale tables fold nothing else).
///
/// The compiled code is immutable and shared by every scanning thread. What a match writes (the
/// match data, the JIT stack, the match context holding the limits) is per thread: PCRE2's match
/// data must not be shared. Every handle is owned and freed here.
final class PCRE2Regex: @unchecked Sendable {
    /// Backtracking steps one match may take before it gives up (PCRE2's default is 10 million).
    static let matchLimit: UInt32 = 10_000_000
    /// Nesting of backtracking frames the interpreter may reach (without JIT; the JIT's bound is
    /// its stack below).
    static let depthLimit: UInt32 = 100_000
    /// The largest JIT stack one thread grows to.
    static let jitStackLimit = 4 << 20

    private let code: OpaquePointer

    /// Compiles `pattern` (PCRE2 syntax); the error gives PCRE2's message and the offset in the pattern.
    init(pattern: String, caseInsensitive: Bool) throws(RegexError) {
        var options = backsight_pcre2_dollar_endonly | backsight_pcre2_never_utf | backsight_pcre2_never_ucp
        if caseInsensitive { options |= backsight_pcre2_caseless }
        let context = pcre2_compile_context_create_8(nil)
        defer { pcre2_compile_context_free_8(context) }
        pcre2_set_newline_8(context, backsight_pcre2_newline_lf)
        var errorCode: Int32 = 0
        var errorOffset = 0
        // A trailing zero byte so that even an empty pattern has an address (the length excludes it).
        let bytes = Array(pattern.utf8) + [0]
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count - 1, options, &errorCode, &errorOffset, context)
        }
        guard let compiled else {
            throw RegexError(message: "\(Self.message(errorCode)) at offset \(errorOffset)")
        }
        code = compiled
        // Without JIT support (or memory for it) the interpreter runs the same pattern, under the limits.
        _ = pcre2_jit_compile_8(compiled, backsight_pcre2_jit_complete)
    }

    deinit { pcre2_code_free_8(code) }

    /// Whether `bytes` contain a match, or which limit stopped the search.
    func search(_ bytes: UnsafeRawBufferPointer) -> RegexOutcome {
        guard let scratch = Scratch.current else { return .stopped(.error("no memory for PCRE2's match data")) }
        var zero: UInt8 = 0
        // PCRE2 wants an address even for an empty subject.
        let result = withUnsafePointer(to: &zero) { empty in
            pcre2_match_8(code, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty, bytes.count, 0, 0,
                          scratch.matchData, scratch.context)
        }
        if result >= 0 { return .match }
        switch result {
        case backsight_pcre2_error_nomatch: return .noMatch
        case backsight_pcre2_error_matchlimit: return .stopped(.matchLimit)
        case backsight_pcre2_error_depthlimit: return .stopped(.depthLimit)
        case backsight_pcre2_error_heaplimit: return .stopped(.heapLimit)
        case backsight_pcre2_error_jit_stacklimit: return .stopped(.jitStackLimit)
        default: return .stopped(.error(Self.message(result)))
        }
    }

    private static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }

    /// One thread's match data, match context (limits, JIT stack) and JIT stack, made on the
    /// thread's first match and freed when the thread ends.
    private final class Scratch {
        let matchData: OpaquePointer
        let context: OpaquePointer
        private let jitStack: OpaquePointer?

        private init?() {
            // One offset pair: only whether a match exists is read.
            guard let matchData = pcre2_match_data_create_8(1, nil) else { return nil }
            guard let context = pcre2_match_context_create_8(nil) else {
                pcre2_match_data_free_8(matchData)
                return nil
            }
            self.matchData = matchData
            self.context = context
            pcre2_set_match_limit_8(context, PCRE2Regex.matchLimit)
            pcre2_set_depth_limit_8(context, PCRE2Regex.depthLimit)
            jitStack = pcre2_jit_stack_create_8(32 << 10, PCRE2Regex.jitStackLimit, nil)
            if let jitStack { backsight_pcre2_assign_jit_stack(context, jitStack) }
        }

        deinit {
            if let jitStack { pcre2_jit_stack_free_8(jitStack) }
            pcre2_match_context_free_8(context)
            pcre2_match_data_free_8(matchData)
        }

        /// This thread's scratch.
        static var current: Scratch? {
            if let stored = pthread_getspecific(scratchKey) {
                return Unmanaged<Scratch>.fromOpaque(stored).takeUnretainedValue()
            }
            guard let made = Scratch() else { return nil }
            pthread_setspecific(scratchKey, Unmanaged.passRetained(made).toOpaque())
            return made
        }
    }
}

/// The thread-specific slot of ``PCRE2Regex``'s per-thread scratch; a thread's scratch is
/// released when the thread ends.
private let scratchKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { stored in
        if let stored { Unmanaged<AnyObject>.fromOpaque(stored).release() }
    }
    return key
}()

/// What one regex search found.
enum RegexOutcome: Sendable, Equatable {
    case match
    case noMatch
    /// PCRE2 gave up before it knew: the text counts as not matching, and the scan reports it.
    case stopped(RegexLimit)
}

/// Why PCRE2 stopped a search.
enum RegexLimit: Sendable, Hashable, CustomStringConvertible {
    case matchLimit
    case depthLimit
    case heapLimit
    case jitStackLimit
    /// Any other PCRE2 match error, with its message.
    case error(String)

    var description: String {
        switch self {
        case .matchLimit: "PCRE2's match limit (\(PCRE2Regex.matchLimit) backtracking steps) reached"
        case .depthLimit: "PCRE2's depth limit (\(PCRE2Regex.depthLimit)) reached"
        case .heapLimit: "PCRE2's heap limit reached"
        case .jitStackLimit: "PCRE2's JIT stack limit (\(PCRE2Regex.jitStackLimit >> 20) MiB) reached"
        case .error(let message): "PCRE2 error: \(message)"
        }
    }
}

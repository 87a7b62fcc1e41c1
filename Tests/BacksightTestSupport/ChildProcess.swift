import Glibc

/// Runs a program and collects its output, with `posix_spawn` and `waitpid`.
/// Foundation's `Process.waitUntilExit` on Linux can wait forever when a short-lived child exits
/// before its run-loop source is registered; tests that run readelf on every corpus file (a
/// thousand and more runs) hit that race.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What a finished child left: its exit status (-1 when it did not exit normally), its
    /// standard output and, when asked for, its standard error.
    public struct Outcome {
        public var status: Int32
        public var output: [UInt8]
        public var error: [UInt8]
    }

    /// The standard output of `executable` run with `arguments`; standard error is discarded.
    public static func output(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
        try run(executable, arguments).output
    }

    /// Runs `executable` with `arguments` in `directory` (the current one when nil): its exit
    /// status (-1 when it did not exit normally) and its standard output; standard error is discarded.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: [UInt8]) {
        let outcome = try spawn(executable, arguments, in: directory)
        return (outcome.status, outcome.output)
    }

    /// Runs `executable` with `arguments`: standard input from `input` (empty when nil), the
    /// environment `environment` (this process's when nil), in `directory` (the current one
    /// when nil); standard output and standard error are collected.
    public static func spawn(_ executable: String, _ arguments: [String], in directory: String? = nil, input: [UInt8]? = nil,
                             environment: [String: String]? = nil, collectError: Bool = false) throws -> Outcome {
        // The shell changes directory first (glibc's posix_spawn_file_actions_addchdir_np does not import).
        if let directory {
            return try spawn("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments,
                             input: input, environment: environment, collectError: collectError)
        }
        // Standard input and error go through temporary files: one pipe read to its end, no threads.
        let inputFile = try TemporaryFile(contents: input ?? [])
        defer { inputFile.remove() }
        let errorFile = try TemporaryFile(contents: [])
        defer { errorFile.remove() }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw Failure(description: "pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        posix_spawn_file_actions_addopen(&actions, 0, inputFile.path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, collectError ? errorFile.path : "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environmentStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let spawned = environmentStrings.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            throw Failure(description: "\(executable) could not be started: error \(spawned)")
        }
        let output = readToEnd(pipeEnds[0])
        close(pipeEnds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros: the low seven bits are 0 for a normal exit.
        let exited = status & 0x7f == 0
        let error = collectError ? try errorFile.read() : []
        return Outcome(status: exited ? (status >> 8) & 0xff : -1, output: output, error: error)
    }

    private static func readToEnd(_ descriptor: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            output += buffer[0..<count]
        }
        return output
    }

    /// A file in the temporary directory, made with `mkstemp`.
    private struct TemporaryFile {
        let path: String

        init(contents: [UInt8]) throws {
            var template = Array("/tmp/backsight-child-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
            guard descriptor >= 0 else { throw Failure(description: "mkstemp failed: errno \(errno)") }
            defer { close(descriptor) }
            path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var written = 0
            while written < contents.count {
                let count = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw Failure(description: "writing \(path) failed: errno \(errno)") }
                written += count
            }
        }

        func read() throws -> [UInt8] {
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else { throw Failure(description: "opening \(path) failed: errno \(errno)") }
            defer { close(descriptor) }
            return ChildProcess.readToEnd(descriptor)
        }

        func remove() { unlink(path) }
    }
}

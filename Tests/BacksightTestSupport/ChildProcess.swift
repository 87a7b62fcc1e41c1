import Glibc

/// Runs a program and collects its standard output, with `posix_spawn` and `waitpid`.
/// Foundation's `Process.waitUntilExit` on Linux can wait forever when a short-lived child exits
/// before its run-loop source is registered; tests that run readelf on every corpus file (a
/// thousand and more runs) hit that race.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The standard output of `executable` run with `arguments`; standard error is discarded.
    public static func output(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
        try run(executable, arguments).output
    }

    /// Runs `executable` with `arguments` in `directory` (the current one when nil): its exit
    /// status (-1 when it did not exit normally) and its standard output; standard error is discarded.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: [UInt8]) {
        // The shell changes directory first (glibc's posix_spawn_file_actions_addchdir_np does not import).
        if let directory {
            return try run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments)
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw Failure(description: "pipe failed: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            throw Failure(description: "\(executable) could not be started: error \(spawned)")
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            output += buffer[0..<count]
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros: the low seven bits are 0 for a normal exit.
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : -1, output)
    }
}

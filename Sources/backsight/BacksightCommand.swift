import ArgumentParser
import Backsight
import Foundation

/// The command line: argument parsing and printing only; everything else is the library.
@main
struct BacksightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backsight",
        abstract: "Find backdoors in Linux and IoT root filesystems by how their ELF files are built.",
        version: BacksightBuild.version,
        subcommands: [ScanCommand.self, InspectCommand.self, RulesCommand.self, VerifyCommand.self],
        defaultSubcommand: ScanCommand.self
    )

    /// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or fatal errors.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { Output.error(message) }
            // 1 is kept (findings at or above --fail-on); every other failure, 64 for usage included, is 2.
            Foundation.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}

/// Writing to standard output and standard error.
enum Output {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}

/// A fatal error the command already explained: exit 2.
struct FatalError: Error, CustomStringConvertible {
    let description: String
}

extension Severity: ExpressibleByArgument {}

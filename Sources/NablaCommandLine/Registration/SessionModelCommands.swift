import ArgumentParser
import Foundation
import NablaSessions

/// The subcommands every registered model gets: `train`, `evaluate`, `recommend`, `tune`,
/// `benchmark` and `draw`, and `explain` when the model is an `AttributableSessionModel`.
///
/// A command for one model lists them as its subcommands; a command for several models gives
/// each its group (``SessionModelCommandGroup``), `my-models lstm train ...`:
///
/// ```swift
/// @main
/// struct MyModels: SessionModelCommandLine {
///     static let configuration = CommandConfiguration(
///         commandName: "my-models", subcommands: [SessionModelCommandGroup<LSTMCommandLine>.self])
/// }
/// ```
public enum SessionModelCommands<Registration: CommandLineModel> {
    /// The subcommands, in the order `--help` lists them.
    public static var all: [ParsableCommand.Type] {
        let explains = Registration.Model.self is any AttributableSessionModel.Type
        return [TrainCommand<Registration>.self, EvaluateCommand<Registration>.self, RecommendCommand<Registration>.self]
            + (explains ? [ExplainCommand<Registration>.self] : [])
            + [TuneCommand<Registration>.self, BenchmarkCommand<Registration>.self, DrawCommand<Registration>.self]
    }
}

/// One registered model's subcommands under its name: `my-models lstm train ...`.
public struct SessionModelCommandGroup<Registration: CommandLineModel>: ParsableCommand {
    /// `name`, with the model's subcommands.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Registration.name, abstract: "Train, evaluate, query and tune \(Registration.displayName) models.",
                             subcommands: SessionModelCommands<Registration>.all)
    }

    /// The group itself takes no options.
    public init() {}
}

/// A command-line program built on the library: its `main` installs the signal handlers (every
/// long phase stops on SIGINT, SIGTERM and SIGHUP) and refuses an option given twice before it
/// parses and runs the command.
///
/// A mistake in the command line is reported with the usage of the subcommand it was made in; an
/// error while the command runs (a file that exists, a damaged model) with its message alone.
public protocol SessionModelCommandLine: ParsableCommand {}

extension SessionModelCommandLine {
    /// Installs the signal handlers, refuses repeated options, then parses and runs.
    public static func main() {
        Interruption.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        RepeatedOptions.refuse(in: arguments, root: self)
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch where exitCode(for: error) == .success {
            exit(withError: error)          // --help and --version, shown as the parser shows them
        } catch {
            let message = message(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data(((message.hasPrefix("Error:") ? "" : "Error: ") + message + "\n").utf8))
            }
            Foundation.exit(exitCode(for: error).rawValue)
        }
    }
}

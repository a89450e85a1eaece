import ArgumentParser

/// `gru4rec`: session-based recommendation with GRU4Rec, built on Nabla.
@main
struct GRU4RecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gru4rec",
        abstract: "Train, evaluate and query GRU4Rec session-based recommenders.",
        subcommands: [DemoCommand.self, TrainCommand.self, EvaluateCommand.self, RecommendCommand.self, ExplainCommand.self,
                      PreprocessCommand.self, TuneCommand.self, GenerateCommand.self, BenchmarkCommand.self,
                      ExportCommand.self, ImportCommand.self])

    /// Installs the signal handlers (every long phase stops on SIGINT, SIGTERM and SIGHUP), then
    /// parses and runs the command; an option given twice is refused first.
    static func main() {
        Interruption.install()
        RepeatedOptions.refuse(in: Array(CommandLine.arguments.dropFirst()), root: self)
        main(nil)
    }
}

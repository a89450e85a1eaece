import ArgumentParser
import NablaCommandLine

/// `gru4rec`: session-based recommendation with GRU4Rec, built on Nabla: the command-line
/// library's commands for GRU4Rec, with its demo, data preparation and interop.
@main
struct GRU4RecCommand: SessionModelCommandLine {
    static let configuration = CommandConfiguration(
        commandName: "gru4rec",
        abstract: "Train, evaluate and query GRU4Rec session-based recommenders.",
        subcommands: [DemoCommand.self, TrainCommand<GRU4RecCommandLine>.self, EvaluateCommand<GRU4RecCommandLine>.self,
                      RecommendCommand<GRU4RecCommandLine>.self, ExplainCommand<GRU4RecCommandLine>.self,
                      PreprocessCommand.self, TuneCommand<GRU4RecCommandLine>.self, GenerateCommand.self,
                      BenchmarkCommand<GRU4RecCommandLine>.self, DrawCommand<GRU4RecCommandLine>.self,
                      ExportCommand.self, ImportCommand.self])
}

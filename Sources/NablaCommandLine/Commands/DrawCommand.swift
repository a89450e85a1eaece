import ArgumentParser
import Foundation
import NablaGraphviz
import NablaNN
import NablaSessions

/// `draw`: the computation graph of one training step of the model, through Graphviz.
public struct DrawCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `draw`.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "draw",
            abstract: "Draw the computation graph of one training step of \(Registration.displayName) (.svg, .png, .pdf, or an .html page to step through).",
            discussion: "The step is the first of training on --train with the hyperparameters of -p (or of --model's file), "
                + "over --slots sessions: every op from the item lookups to the loss, with the shape of each tensor. "
                + "With bptt_steps=k above 1 it is the first window of k steps, each step's ops grouped, as one update sees them. "
                + "An .html output is one self-contained page that steps through the step's backward (and forward) pass op by op.")
    }

    /// The command, for the argument parser.
    public init() {}

    @Option(help: "Training sessions (TSV): the step reads their first events.")
    var train: String

    @Option(name: [.customLong("ps", withSingleDash: true), .short, .customLong("parameters")],
            help: "Hyperparameters in the name=value,... form.")
    var parameters: String = ""

    @Option(help: "Draw the step with this model file's hyperparameters and weights instead (made on the same --train file).")
    var model: String?

    @Option(help: "Sessions in the drawn step (few keep the picture readable).")
    var slots = 2

    @Option(help: "The picture to write: .svg, .png or .pdf; or .html, a page stepping through backpropagation.")
    var output: String

    @Flag(help: "Replace the --output file if it exists.")
    var overwrite = false

    @OptionGroup var columnOptions: ColumnOptions

    public func validate() throws {
        guard (1...64).contains(slots) else { throw ValidationError("--slots \(slots) must be from 1 to 64") }
        _ = try DrawingOutput(path: output, option: "--output")
        if model != nil && !parameters.isEmpty { throw ValidationError("give -p or --model, not both") }
        if model == nil { _ = try Registration.hyperparameters(parameters) }
    }

    public func run() throws {
        let inputs = [OutputPath.Input(option: "--train", path: train)] + (model.map { [OutputPath.Input(option: "--model", path: $0)] } ?? [])
        try OutputFiles.claim(output, option: "--output", overwrite: overwrite, inputs: inputs)
        let data = try readTraining(train, columns: columnOptions.columns)
        let hyperparameters: Registration.Hyperparameters, built: Registration.Model
        if let model {
            let loaded = try Registration.load(path: model)
            guard loaded.itemMap == data.itemMap else {
                throw DataError(file: train, "has other items than the model \(model) was trained on (\(data.itemMap.count) items, "
                    + "the model \(loaded.itemMap.count)); give its own training file")
            }
            (hyperparameters, built) = (loaded.hyperparameters, loaded.model)
        } else {
            hyperparameters = try Registration.hyperparameters(parameters)
            built = Registration.makeModel(hyperparameters, itemCount: data.itemMap.count)
        }
        guard data.eventCount > data.sessionCount else { throw DataError(file: train, "has no session with two events to step through") }
        let trainer = Registration.makeTrainer(built, data: data, hyperparameters: hyperparameters)
        let sessions = min(slots, data.sessionCount)
        let steps = trainer.options.bpttSteps
        let loss = steps > 1 ? trainer.lossOfFirstWindow(slots: slots) : trainer.lossOfFirstStep(slots: slots)
        let title = steps > 1 ? "\(Registration.displayName): one training window of \(steps) steps over \(counted(sessions, "session"))"
            : "\(Registration.displayName): one training step over \(counted(sessions, "session"))"
        switch try DrawingOutput(path: output, option: "--output") {
        case .page: try DrawingOutput.writePage(backpropagating: loss, title: title, to: output)
        case .picture(let format): try loss.renderGraph(format, to: URL(fileURLWithPath: output), options: DOTOptions(title: title))
        }
        print("drew one training \(steps > 1 ? "window of \(steps) steps" : "step") of \(Registration.displayName) to \(output)")
    }
}

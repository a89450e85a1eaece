import ArgumentParser
import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN

/// `gru4rec export`: a model under the official PyTorch GRU4Rec's tensor names.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model under the official PyTorch GRU4Rec's tensor names (safetensors).",
        discussion: """
            The output holds G.<i>.weight_ih/weight_hh/bias_ih/bias_hh, Wy.weight, By.weight and E.weight \
            (embedding mode) or GE.* (one-hot mode), with the item ids in row order in the metadata. \
            Load it into the official model with safetensors.torch.load_file and load_state_dict; \
            Docs/interop.md shows how. Example: gru4rec export --model model.safetensors --to pytorch official.safetensors
            """)

    @Option(help: "The saved Nabla model.")
    var model: String

    @Option(help: "The layout to write: pytorch (the official PyTorch GRU4Rec).")
    var to: String

    @Argument(help: "The file to write.")
    var output: String

    @Flag(help: "Replace the output file if it exists (a folder, FIFO, device or socket is never replaced).")
    var overwrite = false

    func validate() throws {
        guard to == "pytorch" else { throw ValidationError("--to \(to): the only layout is 'pytorch'") }
    }

    func run() throws {
        try OutputFiles.claim(output, option: "output", overwrite: overwrite, inputs: [OutputPath.Input(option: "--model", path: model)])
        let loaded = try Checkpoint.load(URL(fileURLWithPath: model), as: Float.self)
        let file = try OfficialPyTorchModel.export(loaded.model, itemMap: loaded.itemMap, epochsCompleted: loaded.epochsCompleted)
        try file.write(to: URL(fileURLWithPath: output))
        print("wrote \(output): \(file.names.count) tensors (\(file.names.joined(separator: ", "))), \(loaded.itemMap.count) item ids")
    }
}

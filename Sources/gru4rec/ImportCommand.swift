import ArgumentParser
import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN

/// `gru4rec import`: a model in the official PyTorch GRU4Rec's layout as a Nabla model file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a model in the official PyTorch GRU4Rec's layout (safetensors) into a Nabla model file.",
        discussion: """
            The input mode and layer sizes are read from the tensors, the other hyperparameters from the \
            metadata's 'parameters' when present. The result works with evaluate, recommend and the drawing. \
            Example: gru4rec import --from pytorch official.safetensors --to model.safetensors
            """)

    @Option(help: "The layout to read: pytorch (the official PyTorch GRU4Rec).")
    var from: String

    @Argument(help: "The file to read: the official model's state dict as safetensors.")
    var input: String

    @Option(help: "The Nabla model file to write.")
    var to: String

    @Option(help: "The item ids in row order (the official item map's index order), one per line; needed when the file's metadata has no item_ids.")
    var items: String?

    @Flag(help: "Replace the output file if it exists (a folder, FIFO, device or socket is never replaced).")
    var overwrite = false

    func validate() throws {
        guard from == "pytorch" else { throw ValidationError("--from \(from): the only layout is 'pytorch'") }
    }

    func run() throws {
        try OutputFiles.claim(to, option: "--to", overwrite: overwrite, inputs: [OutputPath.Input(option: "input", path: input)]
                                + (items.map { [OutputPath.Input(option: "--items", path: $0)] } ?? []))
        let file = try SafeTensors.read(from: URL(fileURLWithPath: input))
        let loaded = try OfficialPyTorchModel.importModel(file, path: input, itemIDs: try items.map(readItemLines))
        try Checkpoint.save(loaded.model, itemMap: loaded.itemMap, epochsCompleted: loaded.epochsCompleted, to: URL(fileURLWithPath: to))
        print("wrote \(to): \(loaded.model.configuration.parameterString)")
        print("\(loaded.itemMap.count) items, \(loaded.model.hiddenSizes.map(String.init).joined(separator: "/")) hidden units, "
            + "input: \(loaded.model.configuration.inputMode)")
    }
}

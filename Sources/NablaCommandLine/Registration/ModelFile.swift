import Foundation
import Nabla
import NablaNN
import NablaSessions

/// Model files and checkpoints of a registered model: `SessionCheckpoint` files whose metadata
/// also says which model type they hold and with which hyperparameters.
///
/// Metadata keys besides `SessionCheckpoint`'s: `format` (`nabla-session-model`),
/// `format_version` (`1`), `model_type` (the registration's ``CommandLineModel/name``),
/// `parameters` (`SessionModelHyperparameters/parameterString`) and `epochs_completed`.
/// Loading checks the checksums, the model type, the hyperparameters, every tensor's name and
/// shape and that every weight is finite before the model is used.
public enum ModelFile<Registration: CommandLineModel> {
    /// The format name stored in every file.
    public static var formatName: String { "nabla-session-model" }
    /// The format version this build writes and reads.
    public static var formatVersion: String { "1" }

    /// Writes `model` with its hyperparameters and item map, atomically.
    public static func save(_ model: Registration.Model, hyperparameters: Registration.Hyperparameters, itemMap: ItemMap,
                            epochsCompleted: Int, to url: URL) throws {
        try SessionCheckpoint.save(model, itemMap: itemMap, metadata: metadata(hyperparameters, epochsCompleted: epochsCompleted), to: url)
    }

    /// Writes a training checkpoint, atomically.
    public static func saveTraining(_ trainer: SessionTrainer<Registration.Model>, hyperparameters: Registration.Hyperparameters,
                                    to url: URL) throws {
        try SessionCheckpoint.saveTraining(trainer, metadata: metadata(hyperparameters, epochsCompleted: trainer.completedEpochs), to: url)
    }

    /// Reads and checks a model file or checkpoint already read; `path` names it in errors.
    ///
    /// - Throws: `CheckpointError` for a file of another format or model type (named), other
    ///   versions, invalid hyperparameters, missing, extra or misshapen tensors, or weights that
    ///   are not finite.
    public static func load(_ file: SafeTensors, path: String) throws -> LoadedModel<Registration> {
        let name = Registration.name
        guard file.metadata["format"] == formatName else {
            let format = file.metadata["format"]
            let holds = format == "nabla-gru4rec" ? "a model of type 'gru4rec'" : format.map { "format '\($0)'" } ?? "no model format"
            throw CheckpointError(path: path, "not a \(name) model file: it holds \(holds)")
        }
        guard file.metadata["model_type"] == name else {
            throw CheckpointError(path: path, "not a \(name) model file: it holds a model of type '\(file.metadata["model_type"] ?? "unnamed")'")
        }
        guard file.metadata["format_version"] == formatVersion else {
            throw CheckpointError(path: path, "format version \(file.metadata["format_version"] ?? "missing"); this build reads version \(formatVersion)")
        }
        try SessionCheckpoint.verifyChecksums(file, path: path)
        let hyperparameters: Registration.Hyperparameters
        do { hyperparameters = try Registration.hyperparameters(file.metadata["parameters"] ?? "") } catch {
            throw CheckpointError(path: path, "stored hyperparameters are invalid: \(error)")
        }
        let itemMap = try SessionCheckpoint.itemMap(in: file, path: path)
        guard let epochs = Int(file.metadata["epochs_completed"] ?? ""), epochs >= 0 else {
            throw CheckpointError(path: path, "epochs_completed is missing or not a count")
        }
        let model = Registration.makeModel(hyperparameters, itemCount: itemMap.count)
        try SessionCheckpoint.loadModel(model, from: file, path: path)
        return LoadedModel(model: model, hyperparameters: hyperparameters, itemMap: itemMap, epochsCompleted: epochs)
    }

    /// The metadata every file of the model type carries.
    static func metadata(_ hyperparameters: Registration.Hyperparameters, epochsCompleted: Int) -> [String: String] {
        ["format": formatName, "format_version": formatVersion, "model_type": Registration.name,
         "parameters": hyperparameters.parameterString, "epochs_completed": String(epochsCompleted)]
    }
}

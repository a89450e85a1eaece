import Foundation
import Nabla
import NablaNN
import NablaSessions

/// A GRU4Rec model on disk: a `SessionCheckpoint` model file whose metadata also says what it
/// is and how it was configured.
///
/// Metadata keys: `format` (`nabla-gru4rec`), `format_version` (`2`), `parameters` (the
/// hyperparameter string), `item_ids` (a JSON array of the user's item ids, by row),
/// `epochs_completed`, `checksums` (of every tensor and of the rest of the metadata) and, for
/// training checkpoints, `kind` (`training`) and `training`. Loading verifies the checksums and
/// validates the safetensors layout, the metadata, every tensor's shape and that every weight is
/// finite before the model is used. Files of format version 1 (without checksums, and whose
/// original-formulation GRU layers named their bias `bias`) load as they are.
public enum Checkpoint {
    /// The format name stored in every file.
    public static let formatName = "nabla-gru4rec"
    /// The current format version.
    public static let formatVersion = 2
    /// The versions this build reads.
    public static let readableVersions = ["1", "2"]

    /// A loaded model with its item map.
    public struct Loaded<Scalar: TensorScalar> {
        /// The model, in evaluation mode.
        public let model: GRU4RecModel<Scalar>
        /// The item ids, by row.
        public let itemMap: ItemMap
        /// Epochs the model was trained for.
        public let epochsCompleted: Int
    }

    /// Writes `model` with its item map to `url`, atomically.
    public static func save<Scalar>(_ model: GRU4RecModel<Scalar>, itemMap: ItemMap, epochsCompleted: Int, to url: URL) throws {
        try SessionCheckpoint.save(model, itemMap: itemMap, metadata: metadata(model, epochsCompleted: epochsCompleted), to: url)
    }

    /// Writes a training checkpoint of a GRU4Rec trainer (see `SessionCheckpoint.saveTraining(_:metadata:to:)`).
    public static func saveTraining<Scalar>(_ trainer: SessionTrainer<GRU4RecModel<Scalar>>, to url: URL) throws {
        try SessionCheckpoint.saveTraining(trainer, metadata: metadata(trainer.model, epochsCompleted: trainer.completedEpochs), to: url)
    }

    /// A trainer that continues a training checkpoint on `data`, the same training data.
    ///
    /// - Throws: `CheckpointError` when the file is not a training checkpoint or was made on
    ///   other data; errors of ``load(_:as:)`` for a damaged file.
    public static func resumeTraining<Scalar>(from url: URL, data: SessionData, as type: Scalar.Type = Float.self) throws
        -> SessionTrainer<GRU4RecModel<Scalar>> {
        let file = try SafeTensors.read(from: url)
        let loaded = try load(file, path: url.path, as: Scalar.self)
        try SessionCheckpoint.checkMadeOnData(data, file: file, path: url.path)
        let trainer = SessionTrainer(model: loaded.model, data: data)
        try SessionCheckpoint.resume(trainer, from: file, path: url.path)
        return trainer
    }

    /// Reads and validates a model file or checkpoint.
    ///
    /// - Throws: `CheckpointError` for a file that is not a GRU4Rec checkpoint, has another
    ///   version, or whose metadata and tensors disagree; `SafeTensorsError` for a damaged file.
    public static func load<Scalar>(_ url: URL, as type: Scalar.Type = Float.self) throws -> Loaded<Scalar> {
        try load(SafeTensors.read(from: url), path: url.path, as: type)
    }

    /// Validates a checkpoint already read into memory; `path` names it in errors.
    public static func load<Scalar>(_ file: SafeTensors, path: String, as type: Scalar.Type = Float.self) throws -> Loaded<Scalar> {
        guard file.metadata["format"] == formatName else {
            if let type = file.metadata["model_type"] {
                throw CheckpointError(path: path, "not a GRU4Rec checkpoint: it holds a model of type '\(type)'")
            }
            throw CheckpointError(path: path, "not a GRU4Rec checkpoint (format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"))")
        }
        guard let version = file.metadata["format_version"], readableVersions.contains(version) else {
            throw CheckpointError(path: path, "format version \(file.metadata["format_version"] ?? "missing"); this build reads versions "
                + readableVersions.joined(separator: " and "))
        }
        try SessionCheckpoint.verifyChecksums(file, path: path, required: version != "1")
        guard let parameters = file.metadata["parameters"] else {
            throw CheckpointError(path: path, "the hyperparameters ('parameters') are missing")
        }
        let configuration: GRU4RecConfiguration
        do { configuration = try GRU4RecConfiguration(parameters: parameters) } catch {
            throw CheckpointError(path: path, "stored hyperparameters are invalid: \(error)")
        }
        let itemMap = try SessionCheckpoint.itemMap(in: file, path: path)
        guard let epochs = Int(file.metadata["epochs_completed"] ?? ""), epochs >= 0 else {
            throw CheckpointError(path: path, "epochs_completed is missing or not a count")
        }
        let file = renamingEarlierParameterNames(file, layers: configuration.layers.count)
        try checkShapesBeforeAllocating(file, configuration: configuration, itemCount: itemMap.count, path: path)
        let model = GRU4RecModel<Scalar>(configuration: configuration, itemCount: itemMap.count)
        try SessionCheckpoint.loadModel(model, from: file, path: path)
        return Loaded(model: model, itemMap: itemMap, epochsCompleted: epochs)
    }

    /// The metadata every GRU4Rec file carries.
    static func metadata<Scalar>(_ model: GRU4RecModel<Scalar>, epochsCompleted: Int) -> [String: String] {
        ["format": formatName, "format_version": String(formatVersion), "parameters": model.configuration.parameterString,
         "epochs_completed": String(epochsCompleted)]
    }

    /// Files written before GRU layers named their input bias `biasIH` in both formulations
    /// called it `bias` in the original formulation; those names are read as the new ones.
    static func renamingEarlierParameterNames(_ file: SafeTensors, layers: Int) -> SafeTensors {
        var file = file
        for layer in 0..<layers where file.entries["gru.layer\(layer).biasIH"] == nil {
            file.renameTensor("gru.layer\(layer).bias", to: "gru.layer\(layer).biasIH")
        }
        return file
    }
}

extension Checkpoint {
    /// Checks the largest tensors against the metadata before a model is built, so a file whose
    /// metadata claims a huge model cannot make the loader allocate more than the file holds.
    static func checkShapesBeforeAllocating(_ file: SafeTensors, configuration: GRU4RecConfiguration, itemCount: Int, path: String) throws {
        let layers = configuration.layers
        var expected = [("items.weight", [itemCount, layers[layers.count - 1]])]
        for (index, size) in layers.enumerated() { expected.append(("gru.layer\(index).weightHH", [3 * size, size])) }
        switch configuration.inputMode {
        case .constrained: break
        case .embedding(let size): expected.append(("embedding.weight", [itemCount, size]))
        case .oneHot: expected.append(("gru.layer0.inputTable", [itemCount, 3 * layers[0]]))
        }
        for (name, shape) in expected where file.entries[name]?.shape != shape {
            let found = file.entries[name].map { "shape \($0.shape)" } ?? "no such tensor"
            throw CheckpointError(path: path, "the metadata describes '\(name)' as \(shape), the file has \(found)")
        }
    }
}

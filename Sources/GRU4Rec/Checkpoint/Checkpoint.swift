import Foundation
import Nabla
import NablaNN

/// A trained GRU4Rec model on disk: the weights as safetensors, plus metadata in the same file.
///
/// Metadata keys: `format` (`nabla-gru4rec`), `format_version` (`1`), `parameters` (the
/// hyperparameter string), `item_ids` (a JSON array of the user's item ids, by row) and, for
/// training checkpoints, `epochs_completed`. Files are written atomically (temporary file, flush,
/// rename). Loading validates the safetensors layout, the metadata and every tensor's shape
/// before the model is used.
public enum Checkpoint {
    /// The format name stored in every file.
    public static let formatName = "nabla-gru4rec"
    /// The current format version.
    public static let formatVersion = 1

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
        let ids = try JSONSerialization.data(withJSONObject: itemMap.ids)
        let file = model.safeTensors(metadata: [
            "format": formatName,
            "format_version": String(formatVersion),
            "parameters": model.configuration.parameterString,
            "item_ids": String(decoding: ids, as: UTF8.self),
            "epochs_completed": String(epochsCompleted),
        ])
        try file.write(to: url)
    }

    /// Reads and validates a checkpoint.
    ///
    /// - Throws: ``CheckpointError`` for a file that is not a GRU4Rec checkpoint, has another
    ///   version, or whose metadata and tensors disagree; `SafeTensorsError` for a damaged file.
    public static func load<Scalar>(_ url: URL, as type: Scalar.Type = Float.self) throws -> Loaded<Scalar> {
        try load(SafeTensors.read(from: url), path: url.path, as: type)
    }

    /// Validates a checkpoint already read into memory; `path` names it in errors.
    public static func load<Scalar>(_ file: SafeTensors, path: String, as type: Scalar.Type = Float.self) throws -> Loaded<Scalar> {
        guard file.metadata["format"] == formatName else {
            throw CheckpointError(path: path, "not a GRU4Rec checkpoint (format is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"))")
        }
        guard file.metadata["format_version"] == String(formatVersion) else {
            throw CheckpointError(path: path, "format version \(file.metadata["format_version"] ?? "missing"); this build reads version \(formatVersion)")
        }
        let configuration: GRU4RecConfiguration
        do { configuration = try GRU4RecConfiguration(parameters: file.metadata["parameters"] ?? "") } catch {
            throw CheckpointError(path: path, "stored hyperparameters are invalid: \(error)")
        }
        guard let idsText = file.metadata["item_ids"],
              let ids = try? JSONSerialization.jsonObject(with: Data(idsText.utf8)) as? [String] else {
            throw CheckpointError(path: path, "the item id list is missing or not a JSON array of strings")
        }
        let itemMap: ItemMap
        do { itemMap = try ItemMap(ids: ids) } catch { throw CheckpointError(path: path, "\(error)") }
        guard let epochs = Int(file.metadata["epochs_completed"] ?? ""), epochs >= 0 else {
            throw CheckpointError(path: path, "epochs_completed is missing or not a count")
        }
        try checkShapesBeforeAllocating(file, configuration: configuration, itemCount: itemMap.count, path: path)
        let model = GRU4RecModel<Scalar>(configuration: configuration, itemCount: itemMap.count)
        try model.loadParameters(from: file, source: path)
        let extra = Set(file.names).subtracting(model.namedParameters().map(\.name))
            .filter { !$0.hasPrefix("optimizer.") && !$0.hasPrefix("training.") }
        guard extra.isEmpty else {
            throw CheckpointError(path: path, "tensors the model does not have: \(extra.sorted().joined(separator: ", "))")
        }
        model.eval()
        return Loaded(model: model, itemMap: itemMap, epochsCompleted: epochs)
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

/// A checkpoint that cannot be used, and why.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file.
    public let path: String
    /// What is wrong.
    public let message: String

    /// An error about the checkpoint at `path`.
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }
}

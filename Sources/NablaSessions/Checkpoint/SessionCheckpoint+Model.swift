import Nabla
import NablaNN

extension SessionCheckpoint {
    /// Loads the parameters of a model file already read into `model`, built from what the file
    /// says (its type, hyperparameters and item count), and leaves it in evaluation mode.
    ///
    /// - Throws: ``CheckpointError`` naming the first parameter that holds NaN or infinite values,
    ///   or the tensors the file has that the model does not (besides optimizer and training
    ///   state); `SafeTensorsError` for a missing or misshapen parameter.
    public static func loadModel<Model: Module>(_ model: Model, from file: SafeTensors, path: String) throws {
        try model.loadParameters(from: file, source: path)
        try checkFinite(model, path: path, doing: "refused")
        let extra = Set(file.names).subtracting(model.namedParameters().map(\.name))
            .filter { !$0.hasPrefix("optimizer.") && !$0.hasPrefix("training.") }
        guard extra.isEmpty else {
            throw CheckpointError(path: path, "tensors the model does not have: \(extra.sorted().joined(separator: ", "))")
        }
        model.eval()
    }
}

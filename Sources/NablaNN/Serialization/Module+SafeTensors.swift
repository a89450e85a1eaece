import Foundation
import Nabla

extension Module {
    /// Every parameter under its full dotted name, ready to save.
    public func safeTensors(prefix: String = "", metadata: [String: String] = [:]) -> SafeTensors {
        var file = SafeTensors()
        for (name, tensor) in namedParameters(prefix: prefix) { file.add(tensor, named: name) }
        file.metadata = metadata
        return file
    }

    /// Copies every parameter's values from `file`, after checking that each one is present with
    /// the right shape; nothing is changed if any check fails.
    ///
    /// - Throws: ``SafeTensorsError/missingTensor(source:tensor:)`` or
    ///   ``SafeTensorsError/mismatch(source:tensor:detail:)``.
    public func loadParameters(from file: SafeTensors, prefix: String = "", source: String = "safetensors") throws {
        var loaded: [(Tensor<Scalar>, [Scalar])] = []
        for (name, parameter) in namedParameters(prefix: prefix) {
            let stored = try file.tensor(named: name, as: Scalar.self, source: source)
            guard stored.shape == parameter.shape else {
                throw SafeTensorsError.mismatch(source: source, tensor: name,
                                                detail: "shape \(stored.shape) in the file, \(parameter.shape) in the model")
            }
            loaded.append((parameter, stored.scalars))
        }
        for (parameter, values) in loaded { parameter.scalars = values }
    }
}

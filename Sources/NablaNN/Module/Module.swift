import Nabla

/// Anything with named parameters: a layer, a stack of layers, a whole model.
///
/// A module lists its own parameters and its submodules under local names; the full name of a
/// parameter joins the names on the path to it with dots, as in PyTorch:
/// `"gru.layer0.weightIH"`. Optimizers, checkpoints and graph drawings all use these names.
///
/// ```swift
/// final class TwoLayers: Module {
///     let first: Dense<Float>
///     let second: Dense<Float>
///     var isTraining = true
///
///     init(using generator: inout SeededRandomGenerator) {
///         first = Dense(inputSize: 4, outputSize: 8, using: &generator)
///         second = Dense(inputSize: 8, outputSize: 2, using: &generator)
///     }
///
///     var submodules: [(name: String, module: any Module<Float>)] { [("first", first), ("second", second)] }
///
///     func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { second(first(x).tanh()) }
/// }
/// ```
///
/// `TwoLayers(using: &generator).namedParameters().map(\.name)` is then
/// `["first.weight", "first.bias", "second.weight", "second.bias"]`.
public protocol Module<Scalar>: AnyObject {
    /// The element type of the parameters.
    associatedtype Scalar: TensorScalar

    /// This module's own parameters (not its submodules'), by local name.
    var localParameters: [(name: String, tensor: Tensor<Scalar>)] { get }

    /// The modules this one is made of, by local name.
    var submodules: [(name: String, module: any Module<Scalar>)] { get }

    /// Whether the module is in training mode (dropout active) or evaluation mode.
    var isTraining: Bool { get set }
}

extension Module {
    /// No parameters of its own, by default.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }

    /// No submodules, by default.
    public var submodules: [(name: String, module: any Module<Scalar>)] { [] }

    /// Every parameter of this module and its submodules with its full dotted name, in a stable
    /// order (own parameters first, then each submodule's in turn).
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor<Scalar>)] {
        let join = { (name: String) in prefix.isEmpty ? name : "\(prefix).\(name)" }
        var result = localParameters.map { (name: join($0.name), tensor: $0.tensor) }
        for (name, module) in submodules {
            result += module.namedParameters(prefix: join(name))
        }
        return result
    }

    /// Every parameter tensor, in the order of ``namedParameters(prefix:)``.
    public var parameters: [Tensor<Scalar>] { namedParameters().map(\.tensor) }

    /// The total number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Sets each parameter's `name` to its full dotted name under `prefix`, so graph drawings
    /// and error messages show `"gru.layer0.weightIH"` rather than an anonymous tensor.
    public func labelParameters(prefix: String = "") {
        for (name, tensor) in namedParameters(prefix: prefix) { tensor.name = name }
    }

    /// Forgets every parameter's accumulated gradient.
    public func zeroGrad() {
        for tensor in parameters { tensor.zeroGrad() }
    }

    /// Puts this module and all submodules in training mode.
    public func train() { setTraining(true) }

    /// Puts this module and all submodules in evaluation mode (dropout becomes the identity).
    public func eval() { setTraining(false) }

    private func setTraining(_ training: Bool) {
        isTraining = training
        for (_, module) in submodules { module.setTrainingRecursively(training) }
    }

    fileprivate func setTrainingRecursively(_ training: Bool) { setTraining(training) }
}

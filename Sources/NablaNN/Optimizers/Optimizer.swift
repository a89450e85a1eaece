import Nabla
import NablaKernels

/// Updates parameters from their gradients.
///
/// The usual loop: `model.zeroGrad()`, compute the loss, `loss.backward()`, `optimizer.step()`.
public protocol Optimizer<Scalar>: AnyObject {
    /// The element type of the parameters.
    associatedtype Scalar: TensorScalar
    /// The parameters this optimizer updates, in a fixed order.
    var parameters: [Tensor<Scalar>] { get }
    /// Applies one update to every parameter that has a gradient.
    func step()
    /// Everything the optimizer remembers between steps, so a checkpoint can continue training
    /// exactly.
    var state: OptimizerState<Scalar> { get }
    /// Puts back a state saved from an optimizer of the same kind over the same parameters.
    ///
    /// - Throws: ``OptimizerStateError`` when a buffer is missing or has another size.
    func restore(_ state: OptimizerState<Scalar>) throws
    /// The parameters whose values the last ``step()`` made NaN or infinite, first to last.
    ///
    /// The default looks at what a step can have written: a parameter with a dense gradient
    /// whole, only the gradient's rows of one with a row-sparse gradient. ``Adagrad`` answers
    /// from its kernel, which checks each weight as it writes it.
    func parametersMadeNonFinite() -> [Tensor<Scalar>]
}

extension Optimizer {
    /// The parameters with a gradient whose updated values are not all finite.
    public func parametersMadeNonFinite() -> [Tensor<Scalar>] {
        parameters.filter { !updatedValuesAreFinite($0) }
    }

    /// Nothing, for an optimizer that remembers nothing between steps (plain gradient descent).
    public var state: OptimizerState<Scalar> { OptimizerState(buffers: [:]) }

    /// Accepts only an empty state, for an optimizer that remembers nothing between steps.
    public func restore(_ state: OptimizerState<Scalar>) throws {
        guard state.buffers.isEmpty && state.counters.isEmpty else {
            throw OptimizerStateError(message: "this optimizer keeps no state, but the saved one has "
                + "\((state.buffers.keys.sorted() + state.counters.keys.sorted()).joined(separator: ", "))")
        }
    }
}

/// What an optimizer remembers between steps: per-parameter buffers by kind (Adagrad's
/// `accumulator` and `velocity`, Adam's `firstMoment` and `secondMoment`), in the order of the
/// optimizer's parameters, and counters (Adam's `step`).
public struct OptimizerState<Scalar: TensorScalar> {
    /// For each kind of buffer, one array per parameter.
    public var buffers: [String: [[Scalar]]]
    /// Whole-number counters.
    public var counters: [String: Int]

    /// A state with the given buffers and counters.
    public init(buffers: [String: [[Scalar]]], counters: [String: Int] = [:]) {
        self.buffers = buffers
        self.counters = counters
    }

    /// The buffers of `kind` after checking they fit `parameters` and hold values an optimizer
    /// can have made: finite, and not negative when `nonNegative` (sums of squares such as
    /// Adagrad's accumulators, whose square roots divide the update).
    ///
    /// - Throws: ``OptimizerStateError`` naming the buffer that is missing, of the wrong size,
    ///   non-finite or negative.
    public func buffers(_ kind: String, fitting parameters: [Tensor<Scalar>], nonNegative: Bool = false) throws -> [[Scalar]] {
        guard let values = buffers[kind] else { throw OptimizerStateError(message: "the saved state has no '\(kind)' buffers") }
        guard values.count == parameters.count else {
            throw OptimizerStateError(message: "\(values.count) '\(kind)' buffers for \(parameters.count) parameters")
        }
        for (index, (buffer, parameter)) in zip(values, parameters).enumerated() {
            let name = "'\(kind)' buffer \(index) (\(parameter.name ?? "unnamed"))"
            guard buffer.count == parameter.count else {
                throw OptimizerStateError(message: "\(name) has \(buffer.count) values for a parameter of \(parameter.count)")
            }
            guard VectorKernels.allFinite(buffer) else {
                throw OptimizerStateError(message: "\(name) holds NaN or infinite values; an optimizer never saves such a state")
            }
            if nonNegative, let negative = buffer.first(where: { $0 < 0 }) {
                throw OptimizerStateError(message: "\(name) holds the negative value \(negative); it sums squares, which are never negative")
            }
        }
        return values
    }
}

/// A saved optimizer state that does not fit the optimizer.
public struct OptimizerStateError: Error, CustomStringConvertible, Sendable {
    /// What does not fit.
    public let message: String
    /// The message.
    public var description: String { message }
}

/// The per-parameter buffers an optimizer keeps (momentum, accumulators), one array per
/// parameter, created as zeros.
func zeroBuffers<Scalar: TensorScalar>(for parameters: [Tensor<Scalar>]) -> [[Scalar]] {
    parameters.map { [Scalar](repeating: 0, count: $0.count) }
}

/// Moves a buffer out of its place (leaving it empty), so that it can be changed without a copy
/// and put back.
func takeBuffer<Scalar>(_ buffer: inout [Scalar]) -> [Scalar] {
    defer { buffer = [] }
    return buffer
}

/// Whether the values an update can have changed are finite: the whole parameter after a dense
/// gradient, only the gradient's rows after a row-sparse one (a few thousand rows of a large item
/// matrix).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func updatedValuesAreFinite<Scalar: TensorScalar>(_ parameter: Tensor<Scalar>) -> Bool {
    switch parameter.gradient {
    case nil:
        return true
    case .dense?:
        return VectorKernels.allFinite(parameter.scalars)
    case .rowSparse(let sparse)?:
        return VectorKernels.allFinite(parameter.scalars, rows: sparse.rowIndices, width: sparse.rowWidth)
    }
}

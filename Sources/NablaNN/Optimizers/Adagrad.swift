import Nabla
import NablaKernels

/// Adagrad with momentum, as in GRU4Rec, with **row-sparse updates**:
///
///     acc ← acc + g²
///     v   ← μ v − lr · g / √(acc + ε)
///     w   ← w + v
///
/// Accumulators start at 0 (not 0.1), and there is no learning-rate decay. For a row-sparse
/// gradient (from an embedding lookup) duplicate rows are summed first, because the update is
/// non-linear in `g`; then only the touched rows of `w`, `acc` and `v` change. On the touched
/// rows the result is exactly that of the dense update.
public final class Adagrad<Scalar: TensorScalar>: Optimizer {
    /// The parameters updated.
    public let parameters: [Tensor<Scalar>]
    /// The step size `lr`.
    public var learningRate: Double
    /// The momentum `μ`.
    public let momentum: Double
    /// The `ε` under the square root.
    public let epsilon: Double
    /// The sum of squared gradients of each parameter.
    public internal(set) var accumulators: [[Scalar]]
    /// The velocity `v` of each parameter.
    public internal(set) var velocities: [[Scalar]]
    /// The parameters the last step made non-finite, found by the update kernel as it wrote them.
    private var madeNonFinite: [Int] = []

    /// An Adagrad optimizer over `parameters`; `epsilon` defaults to GRU4Rec's 10⁻⁶. The
    /// hyperparameters are `Double` for models of either scalar type, rounded to `Scalar` when
    /// the update uses them.
    public init(parameters: [Tensor<Scalar>], learningRate: Double, momentum: Double = 0, epsilon: Double = 1e-6) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.epsilon = epsilon
        accumulators = zeroBuffers(for: parameters)
        velocities = zeroBuffers(for: parameters)
    }

    /// `accumulator` and `velocity` buffers.
    public var state: OptimizerState<Scalar> {
        OptimizerState(buffers: ["accumulator": accumulators, "velocity": velocities])
    }

    /// Puts back the accumulators and velocities saved from an optimizer over the same parameters.
    public func restore(_ state: OptimizerState<Scalar>) throws {
        let accumulators = try state.buffers("accumulator", fitting: parameters, nonNegative: true)
        let velocities = try state.buffers("velocity", fitting: parameters)
        self.accumulators = accumulators
        self.velocities = velocities
    }

    /// One update of every parameter with a gradient; row-sparse gradients touch their rows only.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step() {
        madeNonFinite = []
        for (index, parameter) in parameters.enumerated() {
            switch parameter.gradient {
            case nil:
                continue
            case .dense(let gradient)?:
                if !update(index, rows: nil, values: gradient.scalars, width: parameter.count) { madeNonFinite.append(index) }
            case .rowSparse(let sparse)?:
                let merged = sparse.coalesced()
                if !update(index, rows: merged.rowIndices, values: merged.values, width: merged.rowWidth) { madeNonFinite.append(index) }
            }
        }
    }

    /// The parameters whose weights the last ``step()`` made NaN or infinite, as the update
    /// kernel found them while writing.
    public func parametersMadeNonFinite() -> [Tensor<Scalar>] { madeNonFinite.map { parameters[$0] } }

    /// Applies the update to the given rows (all of the parameter when `rows` is `nil`), with
    /// `VectorKernels.adagradRows`, which splits distinct rows between the compute threads.
    /// Returns whether every weight written is finite.
    private func update(_ index: Int, rows: [Int]?, values: [Scalar], width: Int) -> Bool {
        parameters[index].updateScalars { weights in
            VectorKernels.adagradRows(
                gradients: values, rows: rows, width: width,
                accumulators: &accumulators[index], velocities: &velocities[index], weights: &weights,
                learningRate: Scalar(learningRate), momentum: Scalar(momentum), epsilon: Scalar(epsilon))
        }
    }
}

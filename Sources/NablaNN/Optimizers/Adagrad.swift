import Nabla

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
    public var learningRate: Scalar
    /// The momentum `μ`.
    public let momentum: Scalar
    /// The `ε` under the square root.
    public let epsilon: Scalar
    /// The sum of squared gradients of each parameter.
    public internal(set) var accumulators: [[Scalar]]
    /// The velocity `v` of each parameter.
    public internal(set) var velocities: [[Scalar]]

    /// An Adagrad optimizer over `parameters`; `epsilon` defaults to GRU4Rec's 10⁻⁶.
    public init(parameters: [Tensor<Scalar>], learningRate: Scalar, momentum: Scalar = 0, epsilon: Scalar = 1e-6) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.epsilon = epsilon
        accumulators = zeroBuffers(for: parameters)
        velocities = zeroBuffers(for: parameters)
    }

    /// One update of every parameter with a gradient; row-sparse gradients touch their rows only.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step() {
        for (index, parameter) in parameters.enumerated() {
            switch parameter.gradient {
            case nil:
                continue
            case .dense(let gradient)?:
                update(index, rows: nil, values: gradient.scalars, width: parameter.count)
            case .rowSparse(let sparse)?:
                let merged = sparse.coalesced()
                update(index, rows: merged.rowIndices, values: merged.values, width: merged.rowWidth)
            }
        }
    }

    /// Applies the update to the given rows (all of the parameter when `rows` is `nil`).
    private func update(_ index: Int, rows: [Int]?, values: [Scalar], width: Int) {
        let lr = learningRate, mu = momentum, eps = epsilon
        let targets = rows ?? [0]
        accumulators[index].withUnsafeMutableBufferPointer { accumulator in
            velocities[index].withUnsafeMutableBufferPointer { velocity in
                parameters[index].withUnsafeMutableScalars { weight in
                    values.withUnsafeBufferPointer { gradients in
                        for (position, row) in targets.enumerated() {
                            let g = gradients.baseAddress! + position * width
                            let acc = accumulator.baseAddress! + row * width
                            let v = velocity.baseAddress! + row * width
                            let w = weight.baseAddress! + row * width
                            for j in 0..<width {
                                acc[j] += g[j] * g[j]
                                v[j] = mu * v[j] - lr * g[j] / (acc[j] + eps).squareRoot()
                                w[j] += v[j]
                            }
                        }
                    }
                }
            }
        }
    }
}

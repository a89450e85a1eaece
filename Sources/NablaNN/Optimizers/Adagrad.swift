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

    /// Restores the accumulators and velocities saved from an optimizer over the same parameters,
    /// to continue training exactly where it stopped.
    public func restore(accumulators: [[Scalar]], velocities: [[Scalar]]) {
        guard accumulators.count == parameters.count, velocities.count == parameters.count,
              zip(parameters, zip(accumulators, velocities)).allSatisfy({ $0.count == $1.0.count && $0.count == $1.1.count }) else {
            misuse("Adagrad.restore", "the saved state does not match the \(parameters.count) parameters' sizes")
        }
        self.accumulators = accumulators
        self.velocities = velocities
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
                        // Rows are distinct (coalesced), so threads can update disjoint rows at once.
                        let (g, a, v, w) = (gradients, accumulator, velocity, weight)
                        ComputeThreads.forEachRange(targets.count, minimumPerThread: 256) { positions in
                            for position in positions {
                                let row = targets[position]
                                Self.updateRow(gradient: g.baseAddress! + position * width,
                                               accumulator: a.baseAddress! + row * width,
                                               velocity: v.baseAddress! + row * width,
                                               weight: w.baseAddress! + row * width,
                                               count: width, learningRate: lr, momentum: mu, epsilon: eps)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The update of one row, eight elements at a time with SIMD vectors, then the rest.
    @inline(__always)
    private static func updateRow(
        gradient g: UnsafePointer<Scalar>, accumulator acc: UnsafeMutablePointer<Scalar>,
        velocity v: UnsafeMutablePointer<Scalar>, weight w: UnsafeMutablePointer<Scalar>,
        count: Int, learningRate lr: Scalar, momentum mu: Scalar, epsilon eps: Scalar
    ) {
        typealias Vector = SIMD8<Scalar>
        var j = 0
        while j + 8 <= count {
            let gradient = UnsafeRawPointer(g + j).loadUnaligned(as: Vector.self)
            let accumulated = UnsafeRawPointer(acc + j).loadUnaligned(as: Vector.self) + gradient * gradient
            let step = Vector(repeating: mu) * UnsafeRawPointer(v + j).loadUnaligned(as: Vector.self)
                - Vector(repeating: lr) * gradient / (accumulated + Vector(repeating: eps)).squareRoot()
            UnsafeMutableRawPointer(acc + j).storeBytes(of: accumulated, as: Vector.self)
            UnsafeMutableRawPointer(v + j).storeBytes(of: step, as: Vector.self)
            UnsafeMutableRawPointer(w + j).storeBytes(of: UnsafeRawPointer(w + j).loadUnaligned(as: Vector.self) + step, as: Vector.self)
            j += 8
        }
        while j < count {
            acc[j] += g[j] * g[j]
            v[j] = mu * v[j] - lr * g[j] / (acc[j] + eps).squareRoot()
            w[j] += v[j]
            j += 1
        }
    }
}

import Nabla

/// Adam (Kingma & Ba), with bias correction:
///
///     m ← β₁ m + (1 − β₁) g
///     v ← β₂ v + (1 − β₂) g²
///     w ← w − lr · m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
///
/// Row-sparse gradients are applied densely (every row's moments decay each step).
public final class Adam<Scalar: TensorScalar>: Optimizer {
    /// The parameters updated.
    public let parameters: [Tensor<Scalar>]
    /// The step size.
    public var learningRate: Double
    /// The decay rates of the first and second moments.
    public let beta1: Double, beta2: Double
    /// Added to the denominator.
    public let epsilon: Double
    /// Steps taken so far.
    public private(set) var stepCount = 0
    /// First and second moment estimates of each parameter.
    public private(set) var firstMoments: [[Scalar]], secondMoments: [[Scalar]]

    /// An Adam optimizer with PyTorch's defaults. The hyperparameters are `Double` for models of
    /// either scalar type, rounded to `Scalar` when the update uses them.
    public init(parameters: [Tensor<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = zeroBuffers(for: parameters)
        secondMoments = zeroBuffers(for: parameters)
    }

    /// The `firstMoment` and `secondMoment` buffers and the `step` counter.
    public var state: OptimizerState<Scalar> {
        OptimizerState(buffers: ["firstMoment": firstMoments, "secondMoment": secondMoments], counters: ["step": stepCount])
    }

    /// Puts back moments and the step count saved from an optimizer over the same parameters.
    public func restore(_ state: OptimizerState<Scalar>) throws {
        let first = try state.buffers("firstMoment", fitting: parameters)
        let second = try state.buffers("secondMoment", fitting: parameters, nonNegative: true)
        guard let steps = state.counters["step"], steps >= 0 else {
            throw OptimizerStateError(message: "the saved state has no valid 'step' counter")
        }
        (firstMoments, secondMoments, stepCount) = (first, second, steps)
    }

    /// One update of every parameter with a gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step() {
        stepCount += 1
        let (b1, b2, lr, eps) = (Scalar(beta1), Scalar(beta2), Scalar(learningRate), Scalar(epsilon))
        let correction1 = 1 - Scalar.pow(b1, stepCount), correction2 = 1 - Scalar.pow(b2, stepCount)
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad?.scalars else { continue }
            var (m, v) = (takeBuffer(&firstMoments[index]), takeBuffer(&secondMoments[index]))
            parameter.updateScalars { weight in
                for i in weight.indices {
                    m[i] = b1 * m[i] + (1 - b1) * gradient[i]
                    v[i] = b2 * v[i] + (1 - b2) * gradient[i] * gradient[i]
                    weight[i] -= lr * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
                }
            }
            (firstMoments[index], secondMoments[index]) = (m, v)
        }
    }
}

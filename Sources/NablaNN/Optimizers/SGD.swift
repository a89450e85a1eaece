import Nabla

/// Stochastic gradient descent with optional momentum and Nesterov momentum, as PyTorch's `SGD`:
///
///     v ← μ v + g
///     w ← w − lr · (g + μ v)     with Nesterov
///     w ← w − lr · v             without
///
/// With `momentum = 0` this is plain `w ← w − lr · g`. Row-sparse gradients are applied densely.
public final class SGD<Scalar: TensorScalar>: Optimizer {
    /// The parameters updated.
    public let parameters: [Tensor<Scalar>]
    /// The step size.
    public var learningRate: Double
    /// The momentum `μ`.
    public let momentum: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    /// The velocity of each parameter.
    public private(set) var velocities: [[Scalar]]

    /// An SGD optimizer over `parameters`. The hyperparameters are `Double` for models of either
    /// scalar type, rounded to `Scalar` when the update uses them.
    public init(parameters: [Tensor<Scalar>], learningRate: Double, momentum: Double = 0, nesterov: Bool = false) {
        if nesterov && momentum <= 0 { misuse("SGD", "Nesterov momentum needs a positive momentum, got \(momentum)") }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        velocities = zeroBuffers(for: parameters)
    }

    /// The `velocity` buffers.
    public var state: OptimizerState<Scalar> { OptimizerState(buffers: ["velocity": velocities]) }

    /// Puts back velocities saved from an optimizer over the same parameters.
    public func restore(_ state: OptimizerState<Scalar>) throws {
        velocities = try state.buffers("velocity", fitting: parameters)
    }

    /// One update of every parameter with a gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad?.scalars else { continue }
            let lr = Scalar(learningRate), mu = Scalar(momentum), nesterov = nesterov
            var velocity = takeBuffer(&velocities[index])
            parameter.updateScalars { weight in
                for i in weight.indices {
                    guard mu != 0 else { weight[i] -= lr * gradient[i]; continue }
                    velocity[i] = mu * velocity[i] + gradient[i]
                    weight[i] -= lr * (nesterov ? gradient[i] + mu * velocity[i] : velocity[i])
                }
            }
            velocities[index] = velocity
        }
    }
}

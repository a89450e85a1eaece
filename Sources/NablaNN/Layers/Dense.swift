import Nabla

/// A fully connected layer: `y = x · Wᵀ + b`.
///
/// The weight is stored `[outputSize, inputSize]`, as in PyTorch's `nn.Linear`, so saved weights
/// line up with PyTorch's.
public final class Dense<Scalar: TensorScalar>: Module {
    /// The weight, `[outputSize, inputSize]`.
    public let weight: Tensor<Scalar>
    /// The bias, `[outputSize]`, or `nil` for a layer without one.
    public let bias: Tensor<Scalar>?
    /// Whether in training mode (no effect on a dense layer).
    public var isTraining = true

    /// A dense layer with Glorot-uniform weights and a zero bias.
    public init(inputSize: Int, outputSize: Int, hasBias: Bool = true, using generator: inout SeededRandomGenerator) {
        weight = Initializer.uniformGlorot([outputSize, inputSize], using: &generator)
        bias = hasBias ? Initializer.zeros([outputSize]) : nil
        labelParameters()
    }

    /// `weight` and, if present, `bias`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// `x · Wᵀ + b` for a batch `x` of shape `[batch, inputSize]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let product = matmul(x, weight, transposeB: true)
        return bias.map { product + $0 } ?? product
    }
}

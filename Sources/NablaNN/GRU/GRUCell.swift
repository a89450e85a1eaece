import Nabla

/// One step of a gated recurrent unit: `h' = GRU(x, h)`.
///
/// Parameters follow PyTorch's layout, gate blocks stacked in the order (r, z, n):
/// `weightIH` is `[3H, I]`, `weightHH` is `[3H, H]`. The ``GRUFormulation/pytorch`` cell has the
/// biases `biasIH` and `biasHH` (`[3H]` each); the ``GRUFormulation/original`` cell has one `bias`.
/// Weights start uniform in `±√(6 / (fanIn + H))` per gate block, biases at zero, as in GRU4Rec.
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 1)
/// let cell = GRUCell<Float>(inputSize: 8, hiddenSize: 16, formulation: .pytorch, using: &generator)
/// let h1 = cell(x, h0)                      // x: [batch, 8], h0: [batch, 16]
/// ```
public final class GRUCell<Scalar: TensorScalar>: Module {
    /// The size of the input vectors.
    public let inputSize: Int
    /// The size of the hidden state.
    public let hiddenSize: Int
    /// The equations this cell computes.
    public let formulation: GRUFormulation
    /// Composed from primitive ops or fused into one op.
    public var implementation: GRUImplementation
    /// Input weights of the three gates, `[3H, I]`.
    public let weightIH: Tensor<Scalar>
    /// Recurrent weights of the three gates, `[3H, H]`.
    public let weightHH: Tensor<Scalar>
    /// Input biases `[3H]` (PyTorch formulation), or the only bias (original formulation).
    public let biasIH: Tensor<Scalar>
    /// Hidden biases `[3H]` (PyTorch formulation only).
    public let biasHH: Tensor<Scalar>?
    /// Whether in training mode (no effect on the cell itself).
    public var isTraining = true

    /// A GRU cell with GRU4Rec's initialisation.
    public init(
        inputSize: Int, hiddenSize: Int, formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, using generator: inout SeededRandomGenerator
    ) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.formulation = formulation
        self.implementation = implementation
        weightIH = Initializer.uniformGlorot([3 * hiddenSize, inputSize], blocks: 3, using: &generator)
        weightHH = Initializer.uniformGlorot([3 * hiddenSize, hiddenSize], blocks: 3, using: &generator)
        biasIH = Initializer.zeros([3 * hiddenSize])
        biasHH = formulation == .pytorch ? Initializer.zeros([3 * hiddenSize]) : nil
        labelParameters()
    }

    /// `weightIH`, `weightHH` and the bias or biases, named as in the formulation.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] {
        if let biasHH {
            return [("weightIH", weightIH), ("weightHH", weightHH), ("biasIH", biasIH), ("biasHH", biasHH)]
        }
        return [("weightIH", weightIH), ("weightHH", weightHH), ("bias", biasIH)]
    }

    /// The next hidden state for inputs `x` (`[batch, I]`) and hidden state `h` (`[batch, H]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        if x.rank != 2 || h.rank != 2 || x.shape[1] != inputSize || h.shape != [x.shape[0], hiddenSize] {
            misuse("GRUCell", "input \(x.shape) and hidden state \(h.shape) do not fit a cell with "
                + "input size \(inputSize) and hidden size \(hiddenSize): expected [batch, \(inputSize)] and [batch, \(hiddenSize)]")
        }
        return step(inputGates: matmul(x, weightIH, transposeB: true) + biasIH, h)
    }

    /// The next hidden state from precomputed input gates `x · W_ihᵀ + b_ih` (`[batch, 3H]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(inputGates: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        switch implementation {
        case .composed:
            return GRURecurrence.composed(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        case .fused:
            return GRURecurrence.fused(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        }
    }
}

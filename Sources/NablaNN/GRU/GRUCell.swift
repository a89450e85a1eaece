import Nabla

/// One step of a gated recurrent unit: `h' = GRU(x, h)`.
///
/// Parameters follow PyTorch's layout, gate blocks stacked in the order (r, z, n):
/// `weightIH` is `[3H, I]`, `weightHH` is `[3H, H]`, `biasIH` is `[3H]`; the
/// ``GRUFormulation/pytorch`` cell also has `biasHH` (`[3H]`), the ``GRUFormulation/original``
/// cell has `biasIH` alone. A cell reading item indices (``GRUInput/items(count:)``) stores its
/// input weights transposed, as the lookup table `inputTable` (`[items, 3H]`).
/// Weights start uniform in `±√(6 / (fanIn + H))` per gate block, biases at zero, as in GRU4Rec.
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 1)
/// let cell = GRUCell<Float>(inputSize: 8, hiddenSize: 16, formulation: .pytorch, using: &generator)
/// let h1 = cell(x, h0)                      // x: [batch, 8], h0: [batch, 16]
/// ```
public final class GRUCell<Scalar: TensorScalar>: Module {
    /// What the cell reads: vectors, or item indices looked up in ``weightIH``.
    public let input: GRUInput
    /// The size of the input vectors (the item count for item input).
    public var inputSize: Int {
        switch input {
        case .vectors(let size): return size
        case .items(let count): return count
        }
    }
    /// The size of the hidden state.
    public let hiddenSize: Int
    /// The equations this cell computes.
    public let formulation: GRUFormulation
    /// Composed from primitive ops or fused into one op (fused runs composed inside `withComposedOps`).
    public var implementation: GRUImplementation
    /// Input weights of the three gates, `[3H, I]`; for item input the transposed lookup table
    /// `[items, 3H]`, saved as `inputTable`.
    public let weightIH: Tensor<Scalar>
    /// Recurrent weights of the three gates, `[3H, H]`.
    public let weightHH: Tensor<Scalar>
    /// Input biases `[3H]` (the only bias of the original formulation).
    public let biasIH: Tensor<Scalar>
    /// Hidden biases `[3H]` (PyTorch formulation only).
    public let biasHH: Tensor<Scalar>?
    /// Whether in training mode (no effect on the cell itself).
    public var isTraining = true

    /// A GRU cell reading vectors of `inputSize`, with GRU4Rec's initialisation.
    public convenience init(
        inputSize: Int, hiddenSize: Int, formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, using generator: inout SeededRandomGenerator
    ) {
        self.init(input: .vectors(size: inputSize), hiddenSize: hiddenSize, formulation: formulation,
                  implementation: implementation, using: &generator)
    }

    /// A GRU cell reading `input`, with GRU4Rec's initialisation (an item table is uniform in
    /// `±√(6 / (items + H))` as a whole).
    public init(
        input: GRUInput, hiddenSize: Int, formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, using generator: inout SeededRandomGenerator
    ) {
        self.input = input
        self.hiddenSize = hiddenSize
        self.formulation = formulation
        self.implementation = implementation
        switch input {
        case .vectors(let size):
            weightIH = Initializer.uniformGlorot([3 * hiddenSize, size], blocks: 3, using: &generator)
        case .items(let count):
            let limit = Scalar((6.0 / Double(count + hiddenSize)).squareRoot())
            weightIH = Tensor.uniform([count, 3 * hiddenSize], in: -limit..<limit, using: &generator, requiresGrad: true)
        }
        weightHH = Initializer.uniformGlorot([3 * hiddenSize, hiddenSize], blocks: 3, using: &generator)
        biasIH = Initializer.zeros([3 * hiddenSize])
        biasHH = formulation == .pytorch ? Initializer.zeros([3 * hiddenSize]) : nil
        labelParameters()
    }

    /// `weightIH` (`inputTable` for item input), `weightHH`, `biasIH` and, for the PyTorch
    /// formulation, `biasHH`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] {
        let inputName = if case .items = input { "inputTable" } else { "weightIH" }
        return [(inputName, weightIH), ("weightHH", weightHH), ("biasIH", biasIH)] + (biasHH.map { [("biasHH", $0)] } ?? [])
    }

    /// The next hidden state for inputs `x` (`[batch, I]`) and hidden state `h` (`[batch, H]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        guard case .vectors(let inputSize) = input else {
            misuse("GRUCell", "this cell reads item indices: call it with [Int], not a tensor")
        }
        if x.rank != 2 || h.rank != 2 || x.shape[1] != inputSize || h.shape != [x.shape[0], hiddenSize] {
            misuse("GRUCell", "input \(x.shape) and hidden state \(h.shape) do not fit a cell with "
                + "input size \(inputSize) and hidden size \(hiddenSize): expected [batch, \(inputSize)] and [batch, \(hiddenSize)]")
        }
        if implementation == .fused && FusedOps.areEnabled && formulation == .pytorch, let biasHH {
            return GRURecurrence.fusedPyTorch(x, state: h, weightIH: weightIH, biasIH: biasIH, weightHH: weightHH, biasHH: biasHH)
        }
        return step(inputGates: matmul(x, weightIH, transposeB: true) + biasIH, h)
    }

    /// The next hidden state for the item indices `items` and hidden state `h` (`[items.count, H]`):
    /// the input gates are the items' rows of the table plus `biasIH`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ items: [Int], _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        guard case .items(let count) = input else {
            misuse("GRUCell", "this cell reads vectors of size \(inputSize): call it with a tensor, not item indices")
        }
        if h.rank != 2 || h.shape != [items.count, hiddenSize] {
            misuse("GRUCell", "\(items.count) items and hidden state \(h.shape) do not fit a cell with hidden size \(hiddenSize)")
        }
        if let bad = items.first(where: { $0 < 0 || $0 >= count }) {
            misuse("GRUCell", "item \(bad) is out of range for \(count) items")
        }
        return step(inputGates: weightIH.gather(rows: items) + biasIH, h)
    }

    /// The next hidden state from precomputed input gates `x · W_ihᵀ + b_ih` (`[batch, 3H]`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(inputGates: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        guard implementation == .fused && FusedOps.areEnabled else {
            return GRURecurrence.composed(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        }
        return GRURecurrence.fused(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
    }
}

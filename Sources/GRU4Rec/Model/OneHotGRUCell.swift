import Nabla
import NablaNN

/// The first GRU layer in GRU4Rec's one-hot input mode.
///
/// A one-hot input `x` (item `i`) times the input weights is just row `i` of them, so the input
/// weights are stored as a table `[items, 3H]` and looked up, which keeps their gradient row-sparse.
/// The recurrence is NablaNN's (`GRURecurrence`), in the configured formulation.
public final class OneHotGRUCell<Scalar: TensorScalar>: Module {
    /// The input weights as a lookup table, `[items, 3H]`, gate blocks (r, z, n) side by side.
    public let inputTable: Tensor<Scalar>
    /// The input bias `[3H]` (the only bias of the original formulation).
    public let biasIH: Tensor<Scalar>
    /// The recurrent weights `[3H, H]`.
    public let weightHH: Tensor<Scalar>
    /// The recurrent bias `[3H]` (PyTorch formulation only).
    public let biasHH: Tensor<Scalar>?
    /// The equations.
    public let formulation: GRUFormulation
    /// Composed or fused.
    public var implementation: GRUImplementation = .fused
    /// Whether in training mode.
    public var isTraining = true

    /// A cell over `itemCount` items with `hiddenSize` units, initialised as GRU4Rec does.
    public init(itemCount: Int, hiddenSize: Int, formulation: GRUFormulation, using generator: inout SeededRandomGenerator) {
        let limit = Scalar((6.0 / Double(itemCount + hiddenSize)).squareRoot())
        inputTable = Tensor.uniform([itemCount, 3 * hiddenSize], in: -limit..<limit, using: &generator, requiresGrad: true)
        biasIH = Initializer.zeros([3 * hiddenSize])
        weightHH = Initializer.uniformGlorot([3 * hiddenSize, hiddenSize], blocks: 3, using: &generator)
        biasHH = formulation == .pytorch ? Initializer.zeros([3 * hiddenSize]) : nil
        self.formulation = formulation
    }

    /// `inputTable`, `biasIH`, `weightHH` and, for the PyTorch formulation, `biasHH`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] {
        [("inputTable", inputTable), ("biasIH", biasIH), ("weightHH", weightHH)] + (biasHH.map { [("biasHH", $0)] } ?? [])
    }

    /// The next hidden state for the items `items` and the state `h`.
    public func callAsFunction(_ items: [Int], _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputGates = inputTable.gather(rows: items) + biasIH
        switch implementation {
        case .composed:
            return GRURecurrence.composed(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        case .fused:
            return GRURecurrence.fused(formulation, inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        }
    }
}

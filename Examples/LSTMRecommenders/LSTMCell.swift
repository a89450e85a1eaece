import Nabla
import NablaNN

// snippet: t6-lstm-cell
/// A long short-term memory cell (Hochreiter & Schmidhuber), built from primitive ops:
///
///     i = σ(W_i x + U_i h + b_i)     input gate
///     f = σ(W_f x + U_f h + b_f)     forget gate
///     g = tanh(W_g x + U_g h + b_g)  candidate
///     o = σ(W_o x + U_o h + b_o)     output gate
///     c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
public final class LSTMCell<Scalar: TensorScalar>: Module {
    let weightIH: Tensor<Scalar>     // [4H, I], gate blocks i, f, g, o
    let weightHH: Tensor<Scalar>     // [4H, H]
    let bias: Tensor<Scalar>         // [4H]
    public var isTraining = true
    public var hiddenSize: Int { weightHH.shape[1] }

    public init(inputSize: Int, hiddenSize: Int, using generator: inout SeededRandomGenerator) {
        weightIH = Initializer.uniformGlorot([4 * hiddenSize, inputSize], blocks: 4, using: &generator)
        weightHH = Initializer.uniformGlorot([4 * hiddenSize, hiddenSize], blocks: 4, using: &generator)
        bias = Initializer.zeros([4 * hiddenSize])
    }

    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weightIH", weightIH), ("weightHH", weightHH), ("bias", bias)] }

    /// One step: the new hidden state and cell state.
    public func callAsFunction(_ x: Tensor<Scalar>, _ state: (h: Tensor<Scalar>, c: Tensor<Scalar>)) -> (h: Tensor<Scalar>, c: Tensor<Scalar>) {
        let gates = (matmul(x, weightIH, transposeB: true) + matmul(state.h, weightHH, transposeB: true) + bias)
            .chunked(into: 4, axis: 1)
        let i = gates[0].sigmoid(), f = gates[1].sigmoid(), g = gates[2].tanh(), o = gates[3].sigmoid()
        let c = f * state.c + i * g
        return (o * c.tanh(), c)
    }
}
// end snippet

import Nabla
import NablaNN
import NablaSessions

// snippet: t6-model
/// A session recommender with an LSTM instead of a GRU. The item rows of the output layer are
/// also the input embedding (GRU4Rec's constrained embedding). Conforming to `SessionModel` is
/// all it takes to be trained, evaluated, checkpointed and asked for recommendations.
final class LSTMRecommender: SessionModel {
    let output: ItemOutput<Float>    // item rows [items, H] and per-item bias
    let cell: LSTMCell<Float>
    var isTraining = true

    init(itemCount: Int, hiddenSize: Int, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        cell = LSTMCell(inputSize: hiddenSize, hiddenSize: hiddenSize, using: &generator)
        output = ItemOutput(itemCount: itemCount, inputSize: hiddenSize, using: &generator)
    }

    var submodules: [(name: String, module: any Module<Float>)] { [("items", output), ("lstm", cell)] }
    var itemCount: Int { output.itemCount }

    /// The state is the LSTM's `h` and `c`, zero when a session starts.
    func zeroStates(batchSize: Int) -> [Tensor<Float>] { [Tensor(zeros: [batchSize, cell.hiddenSize]), Tensor(zeros: [batchSize, cell.hiddenSize])] }

    /// Reads one item per session: its item row goes through the cell.
    func step(_ items: [Int], states: inout [Tensor<Float>]) -> Tensor<Float> {
        let (h, c) = cell(output.weight.gather(rows: items), (states[0], states[1]))
        states = [h, c]
        return h
    }

    /// Scores of chosen items (training); scoring every item for evaluation comes with the protocol.
    func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }

    /// The output layer: scoring every item is its one product, and evaluation ranks from its rows.
    var itemOutput: ItemOutput<Float>? { output }
}
// end snippet

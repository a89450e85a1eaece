import Nabla
import NablaNN
import NablaSessions

// snippet: t6-model
/// A session recommender with an LSTM instead of a GRU. The item rows of the output layer are
/// also the input embedding (GRU4Rec's constrained embedding). Conforming to `SessionModel` is
/// all it takes to be trained, evaluated, checkpointed and asked for recommendations; stepping
/// from input vectors (`AttributableSessionModel`) also lets it explain them.
public final class LSTMRecommender: AttributableSessionModel {
    let output: ItemOutput<Float>    // item rows [items, H] and per-item bias
    let cell: LSTMCell<Float>
    public var isTraining = true

    public init(itemCount: Int, hiddenSize: Int, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        cell = LSTMCell(inputSize: hiddenSize, hiddenSize: hiddenSize, using: &generator)
        output = ItemOutput(itemCount: itemCount, inputSize: hiddenSize, using: &generator)
    }

    public var submodules: [(name: String, module: any Module<Float>)] { [("items", output), ("lstm", cell)] }
    public var itemCount: Int { output.itemCount }

    /// The state is the LSTM's `h` and `c`, zero when a session starts, named for drawings.
    public func zeroStates(batchSize: Int) -> [Tensor<Float>] {
        let (h, c) = (Tensor<Float>(zeros: [batchSize, cell.hiddenSize]), Tensor<Float>(zeros: [batchSize, cell.hiddenSize]))
        (h.name, c.name) = ("h₀", "c₀")
        return [h, c]
    }

    /// What a step reads for each item: its row of the output layer.
    public func inputVectors(_ items: [Int]) -> Tensor<Float> { output.weight.gather(rows: items) }

    /// One step from those vectors through the cell; `step(_ items:states:)` comes with the protocol.
    public func step(inputVectors x: Tensor<Float>, states: inout [Tensor<Float>]) -> Tensor<Float> {
        let (h, c) = cell(x, (states[0], states[1]))
        states = [h, c]
        return h
    }

    /// Scores of chosen items (training); scoring every item for evaluation comes with the protocol.
    public func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }

    /// The output layer: scoring every item is its one product, and evaluation ranks from its rows.
    public var itemOutput: ItemOutput<Float>? { output }
}
// end snippet

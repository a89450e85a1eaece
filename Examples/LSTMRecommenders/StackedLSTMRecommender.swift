import Nabla
import NablaNN
import NablaSessions

// snippet: t6-stacked-model
/// A deeper variant: LSTM layers stacked, with dropout after each (the dropped-out output is
/// what the next layer reads). Its state holds `h` and `c` of every layer, in that order.
public final class StackedLSTMRecommender: AttributableSessionModel {
    let output: ItemOutput<Float>
    let layers: [LSTMCell<Float>]
    let dropouts: [Dropout<Float>]
    public var isTraining = true

    public init(itemCount: Int, hiddenSizes: [Int], dropout: Double, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        let sizes = [hiddenSizes.last!] + hiddenSizes    // the input is an item row of the output layer
        layers = hiddenSizes.indices.map { LSTMCell(inputSize: sizes[$0], hiddenSize: sizes[$0 + 1], using: &generator) }
        dropouts = hiddenSizes.indices.map { Dropout(probability: dropout, seed: seed &+ UInt64($0) &+ 1) }
        output = ItemOutput(itemCount: itemCount, inputSize: hiddenSizes.last!, using: &generator)
    }

    public var submodules: [(name: String, module: any Module<Float>)] {
        [("items", output)] + layers.indices.flatMap { [("lstm\($0)", layers[$0] as any Module<Float>), ("dropout\($0)", dropouts[$0])] }
    }
    public var itemCount: Int { output.itemCount }

    public func zeroStates(batchSize: Int) -> [Tensor<Float>] {
        layers.flatMap { [Tensor(zeros: [batchSize, $0.hiddenSize]), Tensor(zeros: [batchSize, $0.hiddenSize])] }
    }

    public func inputVectors(_ items: [Int]) -> Tensor<Float> { output.weight.gather(rows: items) }

    public func step(inputVectors: Tensor<Float>, states: inout [Tensor<Float>]) -> Tensor<Float> {
        var x = inputVectors
        for (index, layer) in layers.enumerated() {
            let (h, c) = layer(x, (states[2 * index], states[2 * index + 1]))
            (states[2 * index], states[2 * index + 1]) = (h, c)
            x = dropouts[index](h)
        }
        return x
    }

    public func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }
}
// end snippet

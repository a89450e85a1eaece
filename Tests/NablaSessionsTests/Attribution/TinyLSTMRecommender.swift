import Nabla
import NablaNN
import NablaSessions

/// A custom session model for the attribution and evaluation tests: one LSTM layer reading its
/// own embedding, scored by an `ItemOutput`, in any scalar type. It writes only the two
/// input-vector methods of `AttributableSessionModel`; its item step is the protocol's default.
final class TinyLSTMRecommender<Scalar: TensorScalar>: AttributableSessionModel {
    let embedding: Embedding<Scalar>
    let weightIH: Tensor<Scalar>     // [4H, E], gate blocks i, f, g, o
    let weightHH: Tensor<Scalar>     // [4H, H]
    let bias: Tensor<Scalar>         // [4H]
    let output: ItemOutput<Scalar>
    var isTraining = true

    init(itemCount: Int, embeddingSize: Int, hiddenSize: Int, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        embedding = Embedding(count: itemCount, dimension: embeddingSize, using: &generator)
        weightIH = Initializer.uniformGlorot([4 * hiddenSize, embeddingSize], blocks: 4, using: &generator)
        weightHH = Initializer.uniformGlorot([4 * hiddenSize, hiddenSize], blocks: 4, using: &generator)
        bias = Tensor.uniform([4 * hiddenSize], in: -0.5..<0.5, using: &generator, requiresGrad: true)
        output = ItemOutput(itemCount: itemCount, inputSize: hiddenSize, using: &generator)
    }

    var localParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weightIH", weightIH), ("weightHH", weightHH), ("bias", bias)] }
    var submodules: [(name: String, module: any Module<Scalar>)] { [("embedding", embedding), ("items", output)] }
    var itemCount: Int { output.itemCount }
    var hiddenSize: Int { weightHH.shape[1] }

    func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        [Tensor(zeros: [batchSize, hiddenSize]), Tensor(zeros: [batchSize, hiddenSize])]
    }

    // snippet: t7-own-model
    // Tests/NablaSessionsTests/Attribution/TinyLSTMRecommender.swift: the two methods of AttributableSessionModel
    /// The input vector of an item is its embedding row.
    func inputVectors(_ items: [Int]) -> Tensor<Scalar> { embedding(items) }

    /// One LSTM step from input vectors; stepping from items comes with the protocol.
    func step(inputVectors x: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        let gates = (matmul(x, weightIH, transposeB: true) + matmul(states[0], weightHH, transposeB: true) + bias)
            .chunked(into: 4, axis: 1)
        let c = gates[1].sigmoid() * states[1] + gates[0].sigmoid() * gates[2].tanh()
        let h = gates[3].sigmoid() * c.tanh()
        states = [h, c]
        return h
    }
    // end snippet

    func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar> { output.scores(hidden, items: items) }
}

/// A model whose score is linear in its inputs: the state is the running sum of the input
/// vectors, so every attribution method is exact and they all agree.
final class SumOfInputsRecommender: AttributableSessionModel {
    let embedding: Embedding<Double>
    let output: ItemOutput<Double>
    var isTraining = true

    init(itemCount: Int, size: Int) {
        var generator = SeededRandomGenerator(seed: 3)
        embedding = Embedding(count: itemCount, dimension: size, using: &generator)
        output = ItemOutput(itemCount: itemCount, inputSize: size, using: &generator)
        output.bias.scalars = Tensor<Double>.uniform([itemCount], in: -1..<1, using: &generator).scalars
    }

    var submodules: [(name: String, module: any Module<Double>)] { [("embedding", embedding), ("items", output)] }
    var itemCount: Int { output.itemCount }
    func zeroStates(batchSize: Int) -> [Tensor<Double>] { [Tensor(zeros: [batchSize, embedding.weight.shape[1]])] }
    func inputVectors(_ items: [Int]) -> Tensor<Double> { embedding(items) }
    func step(inputVectors x: Tensor<Double>, states: inout [Tensor<Double>]) -> Tensor<Double> {
        states[0] = states[0] + x
        return states[0]
    }
    func scores(_ hidden: Tensor<Double>, items: [Int]) -> Tensor<Double> { output.scores(hidden, items: items) }
}

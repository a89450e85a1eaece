import GRU4Rec
import Nabla
import NablaNN

// snippet: t6-model
/// A session recommender with an LSTM instead of a GRU, trained and evaluated with GRU4Rec's
/// machinery: the item matrix is both input embedding and output layer, as in GRU4Rec's
/// constrained mode, and scores are computed for sampled items only.
final class LSTMRecommender: Module {
    let items: Tensor<Float>          // [items, H]
    let itemBias: Tensor<Float>       // [items, 1]
    let cell: LSTMCell<Float>
    var isTraining = true

    init(itemCount: Int, hiddenSize: Int, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        items = Initializer.uniformGlorot([itemCount, hiddenSize], using: &generator)
        itemBias = Initializer.zeros([itemCount, 1])
        cell = LSTMCell(inputSize: hiddenSize, hiddenSize: hiddenSize, using: &generator)
    }

    var localParameters: [(name: String, tensor: Tensor<Float>)] { [("items.weight", items), ("items.bias", itemBias)] }
    var submodules: [(name: String, module: any Module<Float>)] { [("lstm", cell)] }

    /// One step for a batch of sessions: reads `inputs`, updates `state`, returns the output.
    func step(_ inputs: [Int], state: inout (h: Tensor<Float>, c: Tensor<Float>)) -> Tensor<Float> {
        state = cell(items.gather(rows: inputs), state)
        return state.h
    }

    /// Trains one epoch with session-parallel mini-batches, shared negatives, sampled
    /// cross-entropy and sparse Adagrad: GRU4Rec's recipe around a different cell.
    func trainEpoch(_ data: SessionData, optimizer: Adagrad<Float>, sampler: inout NegativeSampler, batchSize: Int) -> Double {
        var state = (h: Tensor<Float>(zeros: [batchSize, cell.weightHH.shape[1]]), c: Tensor<Float>(zeros: [batchSize, cell.weightHH.shape[1]]))
        var total = 0.0, events = 0
        for step in SessionParallelBatches(data: data, batchSize: batchSize) {
            state = (carry(state.h, step.previousSlot), carry(state.c, step.previousSlot))
            let columns = step.targets + sampler.next().map { Int($0) }
            let scores = sampledScores(hidden: self.step(step.inputs, state: &state), weights: items, bias: itemBias, columns: columns)
            let loss = Losses.crossEntropy(scores) / Float(batchSize)
            optimizer.parameters.forEach { $0.zeroGrad() }
            loss.backward()
            optimizer.step()
            state = (state.h.detached(), state.c.detached())
            total += Double(loss.item) * Double(step.inputs.count)
            events += step.inputs.count
        }
        return total / Double(events)
    }
}

/// Rows of `state` for the slots of a new step: continued, or zero for a new session.
func carry(_ state: Tensor<Float>, _ previousSlot: [Int?]) -> Tensor<Float> {
    let width = state.shape[1]
    var values = [Float](repeating: 0, count: previousSlot.count * width)
    for (slot, source) in previousSlot.enumerated() {
        guard let source else { continue }
        for j in 0..<width { values[slot * width + j] = state[source, j] }
    }
    return Tensor(values, shape: [previousSlot.count, width])
}

/// Lets GRU4Rec's evaluator rank all items with the LSTM.
struct LSTMScorer: NextItemScorer {
    let model: LSTMRecommender
    var state: (h: Tensor<Float>, c: Tensor<Float>)?
    var itemCount: Int { model.items.shape[0] }

    mutating func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
        withNoGrad {
            let width = model.cell.weightHH.shape[1]
            var current: (h: Tensor<Float>, c: Tensor<Float>) = state.map { (carry($0.h, previousSlot), carry($0.c, previousSlot)) }
                ?? (Tensor(zeros: [inputs.count, width]), Tensor(zeros: [inputs.count, width]))
            let hidden = model.step(inputs, state: &current)
            state = current
            return (matmul(hidden, model.items, transposeB: true) + model.itemBias.reshaped([1, -1])).scalars
        }
    }
}
// end snippet

import Nabla
import NablaNN
import NablaSessions

/// GRU4Rec's input as vectors, so its scores can be attributed to the steps of a session.
///
/// What "the input" of a step is depends on the input mode:
///
/// | input mode | the input vector of item `i` | size |
/// |---|---|---|
/// | constrained | its row of the output matrix, `items.weight[i]` | `H_last` |
/// | embedding | its row of the separate embedding, `embedding.weight[i]` | the embedding size |
/// | one-hot | its row of the first layer's input table, `gru.layer0.inputTable[i]` | `3 · H_first` |
///
/// In one-hot mode the first layer computes `onehot(i) · W_ihᵀ`, which is the table row; taking
/// that row as the input vector loses nothing. A straight path from zero to the row is the path
/// `α · onehot(i)` seen through the table, so gradient × input of the row equals the gradient of
/// the one-hot coordinate times 1, and integrated gradients agree too.
extension GRU4RecModel: AttributableSessionModel {
    /// The input vectors of `items` in the model's input mode (see the table above), `[items.count, D]`.
    public func inputVectors(_ items: [Int]) -> Tensor<Scalar> {
        switch configuration.inputMode {
        case .constrained: return output.weight.gather(rows: items)
        case .embedding: return inputEmbedding!(items)
        case .oneHot: return gru.layers[0].weightIH.gather(rows: items)
        }
    }

    /// One step from input vectors: the embedding dropout and the GRU in constrained and
    /// embedding mode; in one-hot mode the vectors are the first layer's projected input.
    public func step(inputVectors x: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        switch configuration.inputMode {
        case .constrained, .embedding:
            let dropped = embeddingDropout(x)
            return withScope("gru") { gru.step(dropped, states: &states) }
        case .oneHot:
            return withScope("gru") { gru.step(projectedInput: x, states: &states) }
        }
    }
}

import Nabla
import NablaNN
import NablaSessions

// snippet: t6-infonce
/// InfoNCE with temperature τ, the loss of contrastive recommenders: the softmax cross-entropy
/// of the scores divided by τ, each slot's target against the other slots' targets and the
/// shared samples. A temperature below 1 sharpens the softmax towards the hardest negatives.
struct InfoNCE: SampledLoss {
    var temperature: Double

    /// What a checkpoint records: another temperature is another loss.
    var description: String { "InfoNCE(temperature: \(temperature))" }

    func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
        Losses.crossEntropy(batch.scores / Scalar(temperature))
    }
}
// end snippet

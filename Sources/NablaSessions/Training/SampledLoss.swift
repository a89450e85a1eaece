import Nabla

/// A loss over one mini-batch's sampled scores: what ``SessionTrainer`` minimises.
///
/// The trainer scores each slot's target and a set of shared negative samples, and hands the
/// loss a ``ScoredBatch``: the `B × (B + S)` scores with the targets on the diagonal, the item
/// of each column, and the logQ information (each column's log support and the exponent the
/// samples were drawn with). The loss returns the **sum** over the rows; the trainer divides it
/// by the batch size. The five losses of GRU4Rec are values of ``RankingLoss`` and read as
/// `.crossEntropy(logq:)`, `.bprMax(elu:bpreg:)`, `.top1Max`, `.bpr` and `.top1`; a loss of your
/// own is any type that computes its value from the batch with differentiable ops:
///
/// ```swift
/// struct InfoNCE: SampledLoss {
///     var temperature = 0.1
///     var description: String { "InfoNCE(temperature: \(temperature))" }
///     func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
///         Losses.crossEntropy(batch.scores / Scalar(temperature))
///     }
/// }
/// ```
///
/// The ``description`` names the loss in training checkpoints, which refuse to resume with
/// another loss: two losses with the same description are the same loss, so it must include
/// every parameter and stay the same from run to run.
public protocol SampledLoss: Sendable, CustomStringConvertible {
    /// The loss of one mini-batch, summed over its rows.
    func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar>

    /// The loss's name with every parameter, e.g. `crossEntropy(logq: 1.0)`: what a checkpoint
    /// records and compares.
    var description: String { get }
}

import Nabla
import NablaNN

/// The losses GRU4Rec trains with, over the scores of a mini-batch's targets and its shared
/// negative samples, usable by any ``SessionModel``.
///
/// The scores are `B × (B + S)`: row `i` scores slot `i`'s target (column `i`, the diagonal),
/// the other slots' targets (in-batch negatives) and the `S` shared samples. Each loss is the
/// sum over the batch (the trainer divides by the configured batch size).
///
/// | loss | what it computes |
/// |---|---|
/// | ``crossEntropy(logq:)`` | softmax cross-entropy, target on the diagonal; with `logq > 0` column `j`'s score is first lowered by `logq · log Q(j)`, `Q` the item's support (support^α for the shared samples) |
/// | ``bprMax(elu:bpreg:)`` | scores through ELU(`elu`) when `elu > 0`, then BPR-max with score regularisation `bpreg` |
/// | ``top1Max`` | TOP1-max |
/// | ``bpr`` | BPR, averaged over the negatives |
/// | ``top1`` | TOP1, averaged over the negatives |
///
/// The formulas are NablaNN's `Losses`; this type adds what is session-shaped: which columns
/// are in-batch targets and which are samples, and the ELU that GRU4Rec applies before BPR-max.
public enum SampledLoss: Sendable, Equatable {
    /// Sampled softmax cross-entropy with logQ correction of weight `logq` (0: none).
    case crossEntropy(logq: Double = 0)
    /// BPR-max after ELU with parameter `elu` (0: linear) and score regularisation `bpreg`.
    case bprMax(elu: Double = 0.5, bpreg: Double = 1)
    /// TOP1-max.
    case top1Max
    /// BPR.
    case bpr
    /// TOP1.
    case top1

    /// The loss of one mini-batch, summed over its rows.
    ///
    /// - Parameters:
    ///   - scores: `B × (B + S)`, targets on the diagonal.
    ///   - columns: the item row of each column (the `B` targets, then the `S` samples).
    ///   - batchRows: `B`.
    ///   - logSupport: `log` of each item's support (``SessionTrainer/logSupport(_:)``), for logQ.
    ///   - sampleAlpha: the exponent the samples were drawn with, for logQ.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction<Scalar: TensorScalar>(
        _ scores: Tensor<Scalar>, columns: [Int], batchRows: Int, logSupport: [Double], sampleAlpha: Double
    ) -> Tensor<Scalar> {
        switch self {
        case .crossEntropy(let logq):
            guard logq > 0 else { return Losses.crossEntropy(scores) }
            // log Q = log support for in-batch targets, α · log support for the shared samples.
            // Computed in Double and rounded once: this runs in code generic over `Scalar`.
            let sample = logq * sampleAlpha
            var correction = [Double](repeating: 0, count: columns.count)
            for (position, item) in columns.enumerated() {
                correction[position] = (position < batchRows ? logq : sample) * logSupport[item]
            }
            return Losses.crossEntropy(scores, correction: Tensor(Scalar.rounded(from: correction)))
        case .bprMax(let elu, let bpreg):
            let activated = elu > 0 ? scores.elu(alpha: Scalar(elu)) : scores
            return Losses.bprMax(activated, bpreg: Scalar(bpreg))
        case .top1Max:
            return Losses.top1Max(scores)
        case .bpr:
            return Losses.bpr(scores)
        case .top1:
            return Losses.top1(scores)
        }
    }
}

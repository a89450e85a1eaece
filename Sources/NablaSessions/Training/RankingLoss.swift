import Nabla
import NablaNN

/// The five losses GRU4Rec trains with, as ``SampledLoss`` values for any ``SessionModel``.
///
/// | loss | what it computes |
/// |---|---|
/// | `.crossEntropy(logq:)` | softmax cross-entropy, target on the diagonal; with `logq > 0` column `j`'s score is first lowered by `logq · log Q(j)`, `Q` the item's support (support^α for the shared samples) |
/// | `.bprMax(elu:bpreg:)` | scores through ELU(`elu`) when `elu > 0`, then BPR-max with score regularisation `bpreg` |
/// | `.top1Max` | TOP1-max |
/// | `.bpr` | BPR, averaged over the negatives |
/// | `.top1` | TOP1, averaged over the negatives |
///
/// The formulas are NablaNN's `Losses`; this type adds what is session-shaped: which columns
/// are in-batch targets and which are samples, and the ELU that GRU4Rec applies before BPR-max.
/// Each describes itself as its case, e.g. `crossEntropy(logq: 1.0)` or `top1Max`.
public struct RankingLoss: SampledLoss, Equatable {
    /// Which loss, with its parameters.
    public enum Kind: Sendable, Equatable {
        /// Sampled softmax cross-entropy with logQ correction of weight `logq` (0: none).
        case crossEntropy(logq: Double)
        /// BPR-max after ELU with parameter `elu` (0: linear) and score regularisation `bpreg`.
        case bprMax(elu: Double, bpreg: Double)
        /// TOP1-max.
        case top1Max
        /// BPR.
        case bpr
        /// TOP1.
        case top1
    }

    /// Which loss this is.
    public let kind: Kind

    /// The loss of `kind`.
    public init(_ kind: Kind) { self.kind = kind }

    /// The case with its parameters, e.g. `bprMax(elu: 0.5, bpreg: 1.0)`.
    public var description: String { "\(kind)" }

    /// The loss of one mini-batch, summed over its rows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
        let scores = batch.scores
        switch kind {
        case .crossEntropy(let logq):
            guard logq > 0 else { return Losses.crossEntropy(scores) }
            // Computed in Double and rounded once: this runs in code generic over `Scalar`.
            return Losses.crossEntropy(scores, correction: Tensor(Scalar.rounded(from: batch.logQCorrection(weight: logq))))
        case .bprMax(let elu, let bpreg):
            let activated = elu > 0 ? scores.elu(alpha: Scalar(elu)) : scores
            return Losses.bprMax(activated, bpreg: bpreg)
        case .top1Max:
            return Losses.top1Max(scores)
        case .bpr:
            return Losses.bpr(scores)
        case .top1:
            return Losses.top1(scores)
        }
    }
}

extension SampledLoss where Self == RankingLoss {
    /// Sampled softmax cross-entropy with logQ correction of weight `logq` (0: none).
    public static func crossEntropy(logq: Double = 0) -> RankingLoss { RankingLoss(.crossEntropy(logq: logq)) }

    /// BPR-max after ELU with parameter `elu` (0: linear) and score regularisation `bpreg`.
    public static func bprMax(elu: Double = 0.5, bpreg: Double = 1) -> RankingLoss { RankingLoss(.bprMax(elu: elu, bpreg: bpreg)) }

    /// TOP1-max.
    public static var top1Max: RankingLoss { RankingLoss(.top1Max) }

    /// BPR, averaged over the negatives.
    public static var bpr: RankingLoss { RankingLoss(.bpr) }

    /// TOP1, averaged over the negatives.
    public static var top1: RankingLoss { RankingLoss(.top1) }
}

import Nabla

extension Losses {
    /// TOP1 (Hidasi et al., 2016): a regularised approximation of the target's relative rank,
    ///
    ///     L = Σᵢ 1/(N − 1) Σ_{j≠i} [ σ(rᵢⱼ − rᵢᵢ) + σ(rᵢⱼ²) ]
    ///
    /// The second term pushes negative scores towards zero.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func top1<Scalar>(_ scores: Tensor<Scalar>) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "top1")
        let mask = negativeMask(like: scores)
        let perPair = (scores - targetScores(scores)).sigmoid() + (scores * scores).sigmoid()
        return (perPair * mask).sum() / Scalar(scores.shape[1] - 1)
    }

    /// TOP1-max (Hidasi & Karatzoglou, 2018): TOP1 with the negatives weighted by their softmax,
    ///
    ///     sᵢⱼ = softmax over j ≠ i of rᵢⱼ
    ///     L   = Σᵢ Σⱼ sᵢⱼ [ σ(rᵢⱼ − rᵢᵢ) + σ(rᵢⱼ²) ]
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func top1Max<Scalar>(_ scores: Tensor<Scalar>) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "top1Max")
        let mask = negativeMask(like: scores)
        let weights = negativeSoftmax(scores, mask: mask)
        let perPair = (scores - targetScores(scores)).sigmoid() + (scores * scores).sigmoid()
        return (weights * perPair).sum()
    }
}

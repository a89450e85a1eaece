import Nabla

extension Losses {
    /// Bayesian personalised ranking over the sampled negatives (Rendle et al.; GRU4Rec's `bpr`):
    ///
    ///     L = Σᵢ 1/(N − 1) Σ_{j≠i} −log σ(rᵢᵢ − rᵢⱼ)
    ///
    /// with `N = B + S` columns. `−log σ(x)` is computed as `softplus(−x)`, which never overflows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func bpr<Scalar>(_ scores: Tensor<Scalar>) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "bpr")
        let mask = negativeMask(like: scores)
        let perPair = (scores - targetScores(scores)).softplus()      // softplus(rᵢⱼ − rᵢᵢ) = −log σ(rᵢᵢ − rᵢⱼ)
        return (perPair * mask).sum() / Scalar(scores.shape[1] - 1)
    }

    /// BPR-max (Hidasi & Karatzoglou, 2018; GRU4Rec's `bpr-max`): BPR against a softmax-weighted
    /// mix of the negatives, plus a score regulariser:
    ///
    ///     sᵢⱼ = softmax over j ≠ i of rᵢⱼ   (sᵢᵢ = 0: the target is masked out)
    ///     L   = Σᵢ [ −log(Σⱼ sᵢⱼ σ(rᵢᵢ − rᵢⱼ) + 10⁻²⁴) + bpreg · Σⱼ sᵢⱼ rᵢⱼ² ]
    ///
    /// A **sum** over rows, with the positive masked and `bpreg` included, as in the official
    /// implementation (each of these has been measured to matter). The 10⁻²⁴ is the official
    /// guard against `log 0`. GRU4Rec applies its ELU final activation to the scores first.
    ///
    /// Computed by one fused op (``bprMaxFused(_:bpreg:)``), or inside `withComposedOps` by
    /// ``bprMaxComposed(_:bpreg:)`` from primitive ops; a test proves the two agree.
    public static func bprMax<Scalar>(_ scores: Tensor<Scalar>, bpreg: Double) -> Tensor<Scalar> {
        FusedOps.areEnabled ? bprMaxFused(scores, bpreg: bpreg) : bprMaxComposed(scores, bpreg: bpreg)
    }

    /// ``bprMax(_:bpreg:)`` built from primitive ops: the readable reference.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func bprMaxComposed<Scalar>(_ scores: Tensor<Scalar>, bpreg: Double) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "bprMax")
        let mask = negativeMask(like: scores)
        let weights = negativeSoftmax(scores, mask: mask)
        let winProbability = (targetScores(scores) - scores).sigmoid()
        let ranking = -((winProbability * weights).sum(axes: [1]) + 1e-24).log()
        let regulariser = (weights * scores * scores).sum(axes: [1]) * Scalar(bpreg)
        return (ranking + regulariser).sum()
    }
}

/// `σ(x)` without overflow.
func logistic<Scalar: TensorScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
    let e = Scalar.exp(x)
    return e / (1 + e)
}

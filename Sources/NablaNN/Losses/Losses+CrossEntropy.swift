import Nabla

extension Losses {
    /// Sampled softmax cross-entropy, GRU4Rec's `cross-entropy` loss:
    ///
    ///     L = −Σᵢ log softmax(rᵢ − c)ᵢ
    ///
    /// where `rᵢ` is row `i` of `scores` and `c` an optional per-column correction. With logQ
    /// correction (`logq > 0`), `c = logq · log Q`, where `Q` is each column item's sampling
    /// weight (its support for the in-batch targets, support^α for the shared samples), which
    /// removes the bias towards popular items that sampling introduces. Computed with
    /// log-sum-exp, so it is finite for any scores.
    ///
    /// - Parameters:
    ///   - scores: `B × (B + S)`, targets on the diagonal.
    ///   - correction: `c`, shape `[B + S]`, or `nil` for none.
    ///
    /// Computed by one fused op (``crossEntropyFused(_:correction:)``, one pass forward, one
    /// backward: `∂L/∂rᵢⱼ = softmaxᵢⱼ − [i = j]`), or inside `withComposedOps` by
    /// ``crossEntropyComposed(_:correction:)`` from primitive ops; a test proves the two agree.
    public static func crossEntropy<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        FusedOps.areEnabled ? crossEntropyFused(scores, correction: correction) : crossEntropyComposed(scores, correction: correction)
    }

    /// ``crossEntropy(_:correction:)`` built from primitive ops (`logSoftmax`, `diagonal`,
    /// `sum`): the readable reference the fused op is tested against. Unlike the fused op it
    /// also differentiates with respect to `correction`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func crossEntropyComposed<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "crossEntropy")
        let corrected = correction.map { scores - $0 } ?? scores
        return -corrected.logSoftmax(axis: 1).diagonal().sum()
    }
}

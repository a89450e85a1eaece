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
    /// One fused op; ``bprMaxComposed(_:bpreg:)`` builds the same loss from primitive ops, and a
    /// test proves the two agree. With `A = Σⱼ sⱼσⱼ`, `σⱼ = σ(rᵢᵢ − rᵢⱼ)`, `B = Σⱼ sⱼrⱼ²`, the
    /// backward pass is, for a negative `j`:
    /// `∂A/∂rⱼ = sⱼ(σⱼ − A) − sⱼσⱼ(1 − σⱼ)`, `∂B/∂rⱼ = sⱼ(rⱼ² − B) + 2sⱼrⱼ`, and for the target
    /// `∂A/∂rᵢ = Σⱼ sⱼσⱼ(1 − σⱼ)`, `∂B/∂rᵢ = 0`; then `∂L/∂r = −(∂A/∂r)/(A + 10⁻²⁴) + bpreg·∂B/∂r`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func bprMax<Scalar>(_ scores: Tensor<Scalar>, bpreg: Scalar) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "bprMax")
        let rows = scores.shape[0], columns = scores.shape[1]
        let r = scores.scalars
        var gradient = [Scalar](repeating: 0, count: rows * columns)
        var loss: Scalar = 0
        var weights = [Scalar](repeating: 0, count: columns), wins = weights
        for i in 0..<rows {
            let row = i * columns, target = r[row + i]
            var maximum = -Scalar.infinity
            for j in 0..<columns where j != i { maximum = Swift.max(maximum, r[row + j]) }
            var total: Scalar = 0
            for j in 0..<columns {
                weights[j] = j == i ? 0 : Scalar.exp(r[row + j] - maximum)
                total += weights[j]
            }
            var mixture: Scalar = 0, regulariser: Scalar = 0
            for j in 0..<columns {
                weights[j] /= total
                wins[j] = logistic(target - r[row + j])
                mixture += weights[j] * wins[j]
                regulariser += weights[j] * r[row + j] * r[row + j]
            }
            let guarded = mixture + 1e-24
            loss += -Scalar.log(guarded) + bpreg * regulariser
            var targetSlope: Scalar = 0
            for j in 0..<columns where j != i {
                let s = weights[j], w = wins[j], value = r[row + j]
                targetSlope += s * w * (1 - w)
                let dMixture = s * (w - mixture) - s * w * (1 - w)
                let dRegulariser = s * (value * value - regulariser) + 2 * s * value
                gradient[row + j] = -dMixture / guarded + bpreg * dRegulariser
            }
            gradient[row + i] = -targetSlope / guarded
        }
        return Tensor(op: "bprMax", details: "bpreg = \(bpreg)", inputs: [scores], shape: [], scalars: [loss]) { upstream in
            let g = upstream.scalars[0]
            return [.dense(Tensor(gradient.map { $0 * g }, shape: [rows, columns]))]
        }
    }

    /// ``bprMax(_:bpreg:)`` built from primitive ops: the readable reference.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func bprMaxComposed<Scalar>(_ scores: Tensor<Scalar>, bpreg: Scalar) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "bprMax")
        let mask = negativeMask(like: scores)
        let weights = negativeSoftmax(scores, mask: mask)
        let winProbability = (targetScores(scores) - scores).sigmoid()
        let ranking = -((winProbability * weights).sum(axes: [1]) + 1e-24).log()
        let regulariser = (weights * scores * scores).sum(axes: [1]) * bpreg
        return (ranking + regulariser).sum()
    }
}

/// `σ(x)` without overflow.
func logistic<Scalar: TensorScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
    let e = Scalar.exp(x)
    return e / (1 + e)
}

import Nabla

extension Losses {
    /// ``bprMax(_:bpreg:)`` as one op.
    ///
    /// With `A = Σⱼ sⱼσⱼ`, `σⱼ = σ(rᵢᵢ − rᵢⱼ)`, `B = Σⱼ sⱼrⱼ²`, the
    /// backward pass is, for a negative `j`:
    /// `∂A/∂rⱼ = sⱼ(σⱼ − A) − sⱼσⱼ(1 − σⱼ)`, `∂B/∂rⱼ = sⱼ(rⱼ² − B) + 2sⱼrⱼ`, and for the target
    /// `∂A/∂rᵢ = Σⱼ sⱼσⱼ(1 − σⱼ)`, `∂B/∂rᵢ = 0`; then `∂L/∂r = −(∂A/∂r)/(A + 10⁻²⁴) + bpreg·∂B/∂r`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func bprMaxFused<Scalar>(_ scores: Tensor<Scalar>, bpreg: Double) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "bprMax")
        let bpreg = Scalar(bpreg)
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
}

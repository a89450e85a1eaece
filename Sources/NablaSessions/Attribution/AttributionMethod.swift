/// How a score is split among the steps of a session.
///
/// Both methods multiply a gradient of the target's score with respect to a step's input vector
/// by that vector (or by its difference from a baseline) and sum over the vector's elements, so a
/// step's attribution is one number in the units of the score.
///
/// - ``gradientTimesInput``: `x_t · ∂s/∂x_t` at the session's own inputs. One backward pass; a
///   first-order picture that is exact only for a score linear in the inputs.
/// - ``integratedGradients(steps:)``: `(x_t − b_t) · ∫₀¹ ∂s/∂x_t(b + α(x − b)) dα`, the gradient
///   averaged along the straight path from the baseline `b` to the input `x` (Sundararajan et
///   al., 2017). The attributions add up to `s(x) − s(b)` (completeness); the integral is taken
///   with the midpoint rule over `steps` points, whose error falls as `1/steps²`.
public enum AttributionMethod: Sendable, Hashable, CustomStringConvertible {
    /// The gradient at the input times the input.
    case gradientTimesInput
    /// The gradient averaged over `steps` points of the path from the baseline, times the input
    /// minus the baseline.
    case integratedGradients(steps: Int)

    /// `gradient × input` or `integrated gradients (N steps)`.
    public var description: String {
        switch self {
        case .gradientTimesInput: return "gradient × input"
        case .integratedGradients(let steps): return "integrated gradients (\(steps) steps)"
        }
    }

    /// Where along the path from the baseline (0) to the input (1) the gradient is taken.
    var pathPositions: [Double] {
        switch self {
        case .gradientTimesInput: return [1]
        case .integratedGradients(let steps): return (0..<steps).map { (Double($0) + 0.5) / Double(steps) }
        }
    }
}

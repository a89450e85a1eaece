import Nabla
import NablaNN

/// How much each step of a session contributed to one item's score: the answer to "why did the
/// model recommend this?", computed by autodiff.
///
/// Gradients are usually taken with respect to weights. Here they are taken with respect to the
/// inputs: the score `s` of the target item after the session is differentiated with respect to
/// the input vector `x_t` that each step read (see ``AttributableSessionModel``), and the
/// gradient is multiplied by that vector (``AttributionMethod``). With integrated gradients the
/// attributions add up to `s(x) − s(b)`, the score minus the score after reading the baseline
/// at every step; ``residual`` is what they miss, and it shrinks as the step count grows.
///
/// ```swift
/// let attribution = SessionAttribution(model: model, session: [camera, memoryCard], target: cameraBag,
///                                      method: .integratedGradients(steps: 64))
/// attribution.attributions      // one number per step, in units of the score
/// attribution.residual          // ≈ 0: completeness
/// ```
public struct SessionAttribution: Sendable {
    /// The session's item rows, oldest first.
    public let session: [Int]
    /// The item row whose score is explained.
    public let target: Int
    /// How the score was split.
    public let method: AttributionMethod
    /// Where integrated gradients start (gradient × input does not use it).
    public let baseline: AttributionBaseline
    /// One attribution per step of ``session``, in units of the score.
    public let attributions: [Double]
    /// The target's score after the session.
    public let score: Double
    /// The target's score after reading the baseline at every step instead.
    public let baselineScore: Double

    /// The sum of the attributions.
    public var total: Double { attributions.reduce(0, +) }

    /// `(score − baselineScore) − total`: how far the attributions are from adding up to the
    /// change of score (completeness). Close to zero for integrated gradients with enough steps.
    public var residual: Double { (score - baselineScore) - total }

    /// Each step's attribution as a fraction of ``total`` (they add up to 1; a step that pulled
    /// the score down has a negative share), or `nil` when the total is zero.
    public var shares: [Double]? {
        let total = total
        return total == 0 ? nil : attributions.map { $0 / total }
    }

    /// Attributes the score of `target` after `session` to the session's steps.
    ///
    /// The model is switched to evaluation mode (no dropout). For integrated gradients the path
    /// points are one batch: every point of the path is a row, so the whole integral costs one
    /// forward and one backward pass over the session.
    ///
    /// - Parameters:
    ///   - model: any session model that exposes its input vectors.
    ///   - session: item rows, oldest first; at least one.
    ///   - target: the item row whose score is explained.
    ///   - method: gradient × input, or integrated gradients with a step count.
    ///   - baseline: where integrated gradients start; zeros by default.
    public init<Model: AttributableSessionModel>(
        model: Model, session: [Int], target: Int,
        method: AttributionMethod = .integratedGradients(steps: 64), baseline: AttributionBaseline = .zeros
    ) {
        if session.isEmpty { misuse("SessionAttribution", "the session is empty") }
        if let bad = (session + [target]).first(where: { !(0..<model.itemCount).contains($0) }) {
            misuse("SessionAttribution", "item row \(bad) is out of range for \(model.itemCount) items")
        }
        if case .integratedGradients(let steps) = method, steps < 1 {
            misuse("SessionAttribution", "integrated gradients need at least one step, not \(steps)")
        }
        model.eval()
        let inputs = withNoGrad { model.inputVectors(session) }
        let size = inputs.shape[1]
        let base = baseline.vector(for: model, size: size)
        let baseRows = Tensor<Model.Scalar>(Array([[Model.Scalar]](repeating: base, count: session.count).joined()),
                                            shape: inputs.shape)

        // The factor each averaged gradient multiplies: the input for gradient × input, the input
        // minus the baseline for integrated gradients (whose path starts at the baseline).
        let start = method == .gradientTimesInput ? Tensor(zeros: inputs.shape) : baseRows
        let direction = withNoGrad { inputs - start }
        let gradients = Self.meanGradients(model: model, target: target, from: start, along: direction,
                                           at: method.pathPositions)
        let products = withNoGrad { (direction * gradients).sum(axes: [1]) }

        self.session = session
        self.target = target
        self.method = method
        self.baseline = baseline
        self.attributions = products.scalars.map { Double($0) }
        self.score = Double(withNoGrad { model.score(of: target, afterReading: Self.rows(of: inputs)) }.item)
        self.baselineScore = Double(withNoGrad { model.score(of: target, afterReading: Self.rows(of: baseRows)) }.item)
    }

    /// The gradient of the target's score with respect to each step's input vector, averaged
    /// over the points `start + α · direction` for every `α` in `positions`, `[steps, D]`.
    static func meanGradients<Model: AttributableSessionModel>(
        model: Model, target: Int, from start: Tensor<Model.Scalar>, along direction: Tensor<Model.Scalar>,
        at positions: [Double]
    ) -> Tensor<Model.Scalar> {
        let alphas = Tensor<Model.Scalar>(positions.map { Model.Scalar($0) }, shape: [positions.count, 1])
        let points: [Tensor<Model.Scalar>] = rows(of: start).indices.map { step in
            let row = withNoGrad { start.sliced(step..<step + 1) + alphas * direction.sliced(step..<step + 1) }
            return Tensor(row.scalars, shape: row.shape, requiresGrad: true)      // [positions, D], a leaf
        }
        model.score(of: target, afterReading: points).sum().backward()
        let means = points.map { $0.grad!.mean(axes: [0]).scalars }
        return Tensor(Array(means.joined()), shape: start.shape)
    }

    /// The rows of `[steps, D]` as `[1, D]` tensors, one per step.
    static func rows<Scalar>(of matrix: Tensor<Scalar>) -> [Tensor<Scalar>] {
        (0..<matrix.shape[0]).map { matrix.sliced($0..<$0 + 1) }
    }
}

extension AttributableSessionModel {
    /// The score of `target` after reading one input vector per step from the zero state:
    /// `inputs[t]` is `[batch, D]` (a batch of sessions, or of points along a path), the result
    /// `[batch, 1]`, recorded for backward.
    ///
    /// This is the function attributions differentiate; it is what a gradient check of the path
    /// checks. Step `t` runs at recurrent time `t` (`withRecurrentTime` of NablaNN), so a drawing
    /// lays the steps out in a time grid.
    public func score(of target: Int, afterReading inputs: [Tensor<Scalar>]) -> Tensor<Scalar> {
        guard let first = inputs.first else { misuse("score(of:afterReading:)", "no steps to read") }
        var states = zeroStates(batchSize: first.shape[0])
        var hidden = first
        for (time, input) in inputs.enumerated() {
            hidden = withRecurrentTime(time) { step(inputVectors: input, states: &states) }
        }
        return scores(hidden, items: [target])
    }
}

import Nabla
import NablaNN

extension AttributableSessionModel {
    /// The score of `target` after `session`, recorded for backward from leaves that are the
    /// session's input vectors: the graph whose gradient an attribution multiplies by the inputs,
    /// to draw or to step through backward (NablaGraphviz's `BackpropagationPage`).
    ///
    /// The model is switched to evaluation mode (no dropout) and its parameters' gradients are
    /// cleared, so that a backward pass from the score leaves them holding that pass alone (an
    /// attribution's own passes would otherwise be summed in). Leaf `t` is named `names[t]` (by
    /// default `x0`, `x1`, ...), and the steps run at recurrent times 0, 1, ..., so a drawing
    /// lays them out in a time grid. The result is `[1, 1]`.
    ///
    /// - Parameters:
    ///   - target: the item row whose score is explained.
    ///   - session: item rows, oldest first; at least one.
    ///   - names: one name per step for its input vector, such as the item's id.
    public func explainedScore(of target: Int, after session: [Int], names: [String]? = nil) -> Tensor<Scalar> {
        if session.isEmpty { misuse("explainedScore(of:after:names:)", "the session is empty") }
        if let names, names.count != session.count {
            misuse("explainedScore(of:after:names:)", "\(names.count) names for \(session.count) steps")
        }
        eval()
        zeroGrad()
        let vectors = withNoGrad { inputVectors(session) }
        let inputs = session.indices.map { step in
            let row = vectors.sliced(step..<step + 1)
            let leaf = Tensor(row.scalars, shape: row.shape, requiresGrad: true)
            leaf.name = names?[step] ?? "x\(step)"
            return leaf
        }
        return score(of: target, afterReading: inputs)
    }
}

import Nabla

/// Scores of a few output rows, the sampled output layer of recommenders and language models:
/// `scores[b][c] = hidden[b] · weights[columns[c]] + bias[columns[c]]`.
///
/// Composed, it is `matmul(hidden, weights.gather(rows: columns), transposeB: true) +
/// bias.gather(rows: columns).reshaped([1, -1])`; by default it runs as one fused op
/// (``sampledScoresFused(hidden:weights:bias:columns:)``) that computes the same (a test proves
/// it) with fewer passes over memory and no intermediate tensors, and `withComposedOps`
/// selects the composed ops. Either way the other `N − C` rows are never touched, and the
/// gradients with respect to `weights` and `bias` are row-sparse over `columns`.
///
/// - Parameters:
///   - hidden: `[B, H]`.
///   - weights: `[N, H]`.
///   - bias: `[N, 1]`.
///   - columns: row indices into `weights`, repeats allowed.
/// - Returns: `[B, C]`.
public func sampledScores<Scalar>(
    hidden: Tensor<Scalar>, weights: Tensor<Scalar>, bias: Tensor<Scalar>, columns: [Int]
) -> Tensor<Scalar> {
    guard FusedOps.areEnabled else {
        return matmul(hidden, weights.gather(rows: columns), transposeB: true) + bias.gather(rows: columns).reshaped([1, -1])
    }
    return sampledScoresFused(hidden: hidden, weights: weights, bias: bias, columns: columns)
}

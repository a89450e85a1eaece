import Nabla
import NablaKernels

/// ``sampledScores(hidden:weights:bias:columns:)`` as one op that gathers the `C` requested rows
/// of the output matrix and multiplies them with BLAS (`gatheredRowsProduct`, in fixed blocks of
/// columns spread over the compute threads), and its gradients with
/// `gatheredRowsProductGradients` (in the same blocks, which also sum `∂b_c`).
///
/// Backward, with upstream gradient `G` (`[B, C]`) and `W_c` the gathered rows:
/// `∂hidden = G · W_c`, `∂W_c = Gᵀ · hidden`, `∂b_c = Σ_b G[b]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func sampledScoresFused<Scalar>(
    hidden: Tensor<Scalar>, weights: Tensor<Scalar>, bias: Tensor<Scalar>, columns: [Int]
) -> Tensor<Scalar> {
    guard hidden.rank == 2, weights.rank == 2, hidden.shape[1] == weights.shape[1], bias.shape == [weights.shape[0], 1] else {
        misuse("sampledScores", "hidden \(hidden.shape), weights \(weights.shape) and bias \(bias.shape) do not fit: "
            + "expected [B, H], [N, H] and [N, 1]")
    }
    let batch = hidden.shape[0], width = hidden.shape[1], rows = weights.shape[0], count = columns.count
    if let bad = columns.first(where: { $0 < 0 || $0 >= rows }) {
        misuse("sampledScores", "column \(bad) is out of range for \(rows) rows")
    }
    let (scores, gathered) = gatheredRowsProduct(
        hidden: hidden.scalars, batch: batch, width: width, table: weights.scalars, bias: bias.scalars, columns: columns)
    let input = hidden.scalars
    return Tensor(op: "sampledScores", details: "\(count) of \(rows) rows", inputs: [hidden, weights, bias],
                  shape: [batch, count], scalars: scores) { upstream in
        let g = upstream.scalars
        let (hiddenGradient, rowGradients, biasGradients) = gatheredRowsProductGradients(
            upstream: g, hidden: input, gatheredRows: gathered, batch: batch, width: width, count: count)
        return [
            .dense(Tensor(hiddenGradient, shape: [batch, width])),
            .rowSparse(RowSparseGradient(shape: weights.shape, rowIndices: columns, values: rowGradients)),
            .rowSparse(RowSparseGradient(shape: bias.shape, rowIndices: columns, values: biasGradients)),
        ]
    }
}

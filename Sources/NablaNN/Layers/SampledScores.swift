import Nabla

/// Scores of a few output rows, the sampled output layer of recommenders and language models:
/// `scores[b][c] = hidden[b] · weights[columns[c]] + bias[columns[c]]`.
///
/// One op that gathers the `C` requested rows of the output matrix and multiplies once with BLAS;
/// the other `N − C` rows are never touched, forward or backward. Its gradients with respect to
/// `weights` and `bias` are row-sparse over `columns`. It computes exactly what
/// `matmul(hidden, weights.gather(rows: columns), transposeB: true) + bias.gather(rows: columns).reshaped([1, -1])`
/// computes (a test proves it), with fewer passes over memory and no intermediate tensors.
///
/// Backward, with upstream gradient `G` (`[B, C]`) and `W_c` the gathered rows:
/// `∂hidden = G · W_c`, `∂W_c = Gᵀ · hidden`, `∂b_c = Σ_b G[b]`.
///
/// - Parameters:
///   - hidden: `[B, H]`.
///   - weights: `[N, H]`.
///   - bias: `[N, 1]`.
///   - columns: row indices into `weights`, repeats allowed.
/// - Returns: `[B, C]`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func sampledScores<Scalar>(
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
    var gathered = [Scalar](repeating: 0, count: count * width)
    let biasValues = bias.scalars
    weights.withUnsafeScalars { source in
        gathered.withUnsafeMutableBufferPointer { target in
            columns.withUnsafeBufferPointer { rows in
                VectorKernels.gatherRows(from: source.baseAddress!, rows: rows.baseAddress!, count: count, width: width,
                                         into: target.baseAddress!)
            }
        }
    }
    let input = hidden.scalars
    var scores = gemm(transposeA: false, transposeB: true, m: batch, n: count, k: width, a: input, b: gathered)
    scores.withUnsafeMutableBufferPointer { scores in
        for b in 0..<batch {
            let row = scores.baseAddress! + b * count
            for (c, column) in columns.enumerated() { row[c] += biasValues[column] }
        }
    }
    return Tensor(op: "sampledScores", details: "\(count) of \(rows) rows", inputs: [hidden, weights, bias],
                  shape: [batch, count], scalars: scores) { upstream in
        let g = upstream.scalars
        // The two products are independent: with two threads they run at the same time.
        var hiddenGradient: [Scalar] = [], rowGradients: [Scalar] = []
        withUnsafeMutablePointer(to: &hiddenGradient) { first in
            withUnsafeMutablePointer(to: &rowGradients) { second in
                ComputeThreads.forEachRange(2) { parts in
                    for part in parts {
                        if part == 0 {
                            first.pointee = gemm(transposeA: false, transposeB: false, m: batch, n: width, k: count, a: g, b: gathered)
                        } else {
                            second.pointee = gemm(transposeA: true, transposeB: false, m: count, n: width, k: batch, a: g, b: input)
                        }
                    }
                }
            }
        }
        var biasGradients = [Scalar](repeating: 0, count: count)
        for b in 0..<batch { for c in 0..<count { biasGradients[c] += g[b * count + c] } }
        return [
            .dense(Tensor(hiddenGradient, shape: [batch, width])),
            .rowSparse(RowSparseGradient(shape: weights.shape, rowIndices: columns, values: rowGradients)),
            .rowSparse(RowSparseGradient(shape: bias.shape, rowIndices: columns, values: biasGradients)),
        ]
    }
}

import Nabla

/// ``sampledScores(hidden:weights:bias:columns:)`` as one op that gathers the `C` requested rows
/// of the output matrix and multiplies once with BLAS, in fixed blocks of columns spread over the
/// compute threads.
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
    // Gathered rows and scores are written in full before being read, so they start uninitialised.
    var gathered = [Scalar](unsafeUninitializedCapacity: count * width) { _, initialized in initialized = count * width }
    var scores = [Scalar](unsafeUninitializedCapacity: batch * count) { _, initialized in initialized = batch * count }
    let input = hidden.scalars, biasValues = bias.scalars
    // Columns go in blocks of a fixed size, whatever the thread count, so every product has the
    // same shape and the scores the same rounding; each thread gathers and scores whole blocks.
    let blockCount = (count + sampledScoresBlock - 1) / sampledScoresBlock
    weights.withUnsafeScalars { weights in
        gathered.withUnsafeMutableBufferPointer { gathered in
            scores.withUnsafeMutableBufferPointer { scores in
                let (table, gatheredRows, scoresOut) = (weights, gathered, scores)
                ComputeThreads.forEachRange(blockCount, minimumPerThread: 2) { blocks in
                    for block in blocks {
                        scoreBlock(block * sampledScoresBlock ..< Swift.min(count, (block + 1) * sampledScoresBlock),
                                   batch: batch, width: width, columns: columns, hidden: input, table: table, bias: biasValues,
                                   gathered: gatheredRows, scores: scoresOut)
                    }
                }
            }
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

/// The columns ``sampledScores(hidden:weights:bias:columns:)`` scores with one product.
let sampledScoresBlock = 256

/// Gathers the rows of `columns[block]` into their place in `gathered`, and fills those columns of
/// `scores` (`[batch, columns.count]`) with `hidden · rowsᵀ + bias` by one product.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func scoreBlock<Scalar: TensorScalar>(
    _ block: Range<Int>, batch: Int, width: Int, columns: [Int], hidden: [Scalar], table: UnsafeBufferPointer<Scalar>,
    bias: [Scalar], gathered: UnsafeMutableBufferPointer<Scalar>, scores: UnsafeMutableBufferPointer<Scalar>
) {
    let count = columns.count
    guard !block.isEmpty, batch > 0, width > 0 else { return }
    let blockRows = gathered.baseAddress! + block.lowerBound * width
    columns.withUnsafeBufferPointer { columns in
        VectorKernels.gatherRows(from: table.baseAddress!, rows: columns.baseAddress! + block.lowerBound, count: block.count,
                                 width: width, into: blockRows)
    }
    hidden.withUnsafeBufferPointer { hidden in
        Scalar.blasGemm(transposeA: false, transposeB: true, m: batch, n: block.count, k: width,
                        alpha: 1, a: hidden.baseAddress!, lda: width, b: blockRows, ldb: width,
                        beta: 0, c: scores.baseAddress! + block.lowerBound, ldc: count)
    }
    let blockBias = block.map { bias[columns[$0]] }
    for b in 0..<batch {
        let row = scores.baseAddress! + b * count + block.lowerBound
        for c in 0..<block.count { row[c] += blockBias[c] }
    }
}

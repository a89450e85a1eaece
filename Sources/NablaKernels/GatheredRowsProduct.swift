/// The columns ``gatheredRowsProduct(hidden:batch:width:table:bias:columns:)`` scores with one
/// product.
public let gatheredRowsBlock = 256

/// Scores a batch against chosen rows of a table: `scores[b][c] = hidden[b] · table[columns[c]] +
/// bias[columns[c]]`, the forward pass of sampled scores.
///
/// `hidden` is `[batch, width]`, `table` has rows of `width`, `bias` one value per table row.
/// The requested rows are gathered into `gatheredRows` (`[columns.count, width]`, returned for the
/// backward pass) and multiplied with BLAS in blocks of ``gatheredRowsBlock`` columns, whatever
/// the thread count, so every product has the same shape and the scores the same rounding; the
/// blocks are split between the compute threads.
@inlinable
public func gatheredRowsProduct<Scalar: KernelScalar>(
    hidden: [Scalar], batch: Int, width: Int, table: [Scalar], bias: [Scalar], columns: [Int]
) -> (scores: [Scalar], gatheredRows: [Scalar]) {
    let rows = bias.count, count = columns.count
    if hidden.count != batch * width || table.count != rows * width || columns.contains(where: { $0 < 0 || $0 >= rows }) {
        kernelMisuse("gatheredRowsProduct", "hidden of \(hidden.count) for [\(batch), \(width)], a table of \(table.count) "
            + "for \(rows) rows and columns in 0..<\(rows) do not fit")
    }
    // Gathered rows and scores are written in full before being read, so they start uninitialised.
    var gathered = [Scalar](unsafeUninitializedCapacity: count * width) { _, initialized in initialized = count * width }
    var scores = [Scalar](unsafeUninitializedCapacity: batch * count) { _, initialized in initialized = batch * count }
    guard batch > 0, width > 0, count > 0 else {
        return ([Scalar](repeating: 0, count: batch * count), [Scalar](repeating: 0, count: count * width))
    }
    let blockCount = (count + gatheredRowsBlock - 1) / gatheredRowsBlock
    hidden.withUnsafeBufferPointer { hidden in
        table.withUnsafeBufferPointer { table in
            columns.withUnsafeBufferPointer { columns in
                gathered.withUnsafeMutableBufferPointer { gathered in
                    scores.withUnsafeMutableBufferPointer { scores in
                        let (hidden, table, columns, gathered, scores) =
                            (hidden.baseAddress!, table.baseAddress!, columns.baseAddress!, gathered.baseAddress!, scores.baseAddress!)
                        ComputeThreads.forEachRange(blockCount, minimumPerThread: 2) { blocks in
                            for block in blocks {
                                let first = block * gatheredRowsBlock, size = Swift.min(count, first + gatheredRowsBlock) - first
                                let blockRows = gathered + first * width
                                VectorKernels.gatherRows(from: table, rows: columns + first, count: size, width: width, into: blockRows)
                                Scalar.blasGemm(transposeA: false, transposeB: true, m: batch, n: size, k: width,
                                                alpha: 1, a: hidden, lda: width, b: blockRows, ldb: width,
                                                beta: 0, c: scores + first, ldc: count)
                                let blockBias = (0..<size).map { bias[columns[first + $0]] }
                                for b in 0..<batch {
                                    let row = scores + b * count + first
                                    for c in 0..<size { row[c] += blockBias[c] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (scores, gathered)
}

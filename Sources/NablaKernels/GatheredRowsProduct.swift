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
/// compute threads take blocks as they become free.
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
                        ComputeThreads.forEachPart(blockCount) { block in
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
    return (scores, gathered)
}

/// The three gradients of ``gatheredRowsProduct(hidden:batch:width:table:bias:columns:)`` for an
/// upstream gradient `G` (`[batch, count]`): `∂hidden = G · W_c` (`[batch, width]`),
/// `∂W_c = Gᵀ · hidden` (`[count, width]`, one row per column), with `W_c` the gathered rows, and
/// `∂b_c`, each column of `G` summed over the batch (onto zero, in row order).
///
/// The products run over blocks of ``gatheredRowsBlock`` columns, whose operands stay in the
/// second-level cache. `∂hidden` is one chain of block products; the blocks of `∂W_c` are
/// independent, so with two compute threads one thread runs the chain while the other takes
/// `∂W_c`'s blocks, and whichever finishes first takes the blocks left. The thread that takes a
/// block of `∂W_c` also sums that block's columns of `G`, which it has just read. `∂W_c` is the
/// same, bit for bit, as one product over all columns, and no result depends on the number of
/// threads.
@inlinable
public func gatheredRowsProductGradients<Scalar: KernelScalar>(
    upstream: [Scalar], hidden: [Scalar], gatheredRows: [Scalar], batch: Int, width: Int, count: Int
) -> (hidden: [Scalar], rows: [Scalar], columnSums: [Scalar]) {
    if upstream.count != batch * count || hidden.count != batch * width || gatheredRows.count != count * width {
        kernelMisuse("gatheredRowsProductGradients", "an upstream gradient of \(upstream.count), hidden of \(hidden.count) "
            + "and gathered rows of \(gatheredRows.count) do not fit [\(batch), \(count)], [\(batch), \(width)] and [\(count), \(width)]")
    }
    guard batch > 0, width > 0, count > 0 else {
        return ([Scalar](repeating: 0, count: batch * width), [Scalar](repeating: 0, count: count * width),
                [Scalar](repeating: 0, count: count))
    }
    let blocks = stride(from: 0, to: count, by: gatheredRowsBlock).map { $0 ..< Swift.min(count, $0 + gatheredRowsBlock) }
    // Both results are written in full before being read, so they start uninitialised.
    var hiddenGradient = [Scalar](unsafeUninitializedCapacity: batch * width) { _, initialized in initialized = batch * width }
    var rowGradients = [Scalar](unsafeUninitializedCapacity: count * width) { _, initialized in initialized = count * width }
    var columnSums = [Scalar](repeating: 0, count: count)
    upstream.withUnsafeBufferPointer { g in
        hidden.withUnsafeBufferPointer { hidden in
            gatheredRows.withUnsafeBufferPointer { rows in
                hiddenGradient.withUnsafeMutableBufferPointer { hiddenGradient in
                    rowGradients.withUnsafeMutableBufferPointer { rowGradients in columnSums.withUnsafeMutableBufferPointer { columnSums in
                        let (g, hidden, rows, hiddenGradient, rowGradients) = (g.baseAddress!, hidden.baseAddress!, rows.baseAddress!,
                                                                               hiddenGradient.baseAddress!, rowGradients.baseAddress!)
                        // Part 0 is ∂hidden, one chain of products; part 1 + b is block b of ∂W_c.
                        ComputeThreads.forEachPart(1 + blocks.count) { part in
                            guard part > 0 else {
                                // ∂hidden: each block of columns adds its share onto the one result.
                                for block in blocks {
                                    Scalar.blasGemm(transposeA: false, transposeB: false, m: batch, n: width, k: block.count,
                                                    alpha: 1, a: g + block.lowerBound, lda: count,
                                                    b: rows + block.lowerBound * width, ldb: width,
                                                    beta: block.lowerBound == 0 ? 0 : 1, c: hiddenGradient, ldc: width)
                                }
                                return
                            }
                            // ∂W_c: each block of columns writes its own rows.
                            let block = blocks[part - 1]
                            Scalar.blasGemm(transposeA: true, transposeB: false, m: block.count, n: width, k: batch,
                                            alpha: 1, a: g + block.lowerBound, lda: count, b: hidden, ldb: width,
                                            beta: 0, c: rowGradients + block.lowerBound * width, ldc: width)
                            // ∂b_c: the block's columns of G added row after row (a vector kernel).
                            var onto: Int32 = 0
                            for b in 0..<batch {
                                _ = VectorKernels.scatterAddRows(from: g + b * count + block.lowerBound, places: &onto, count: 1,
                                                                 width: block.count, into: columnSums.baseAddress! + block.lowerBound,
                                                                 targetRows: 0..<1)
                            }
                        }
                    } }
                }
            }
        }
    }
    return (hiddenGradient, rowGradients, columnSums)
}

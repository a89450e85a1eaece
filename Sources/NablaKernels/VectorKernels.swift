import Synchronization

/// The inner loops that decide training speed, as vector code on arrays: the Adagrad update over
/// rows, softmax cross-entropy rows, `tanh` and the sigmoid in place, a finiteness check, and row
/// gathers and scatter-adds.
///
/// They run in C (`Sources/CNablaKernels`) compiled twice, for AVX2 with FMA and for the
/// baseline CPU, and pick the variant once at run time, so the same binary is fast where the
/// CPU allows and correct everywhere. Both variants round every operation alike (no fused
/// multiply-adds), so results do not depend on the CPU. Each kernel has a plain Swift
/// counterpart in the tests that it is compared with.
///
/// Each function checks the sizes of the arrays it is given and stops with a message naming the
/// kernel when they do not fit; the raw-memory layer below is internal to this target. Kernels
/// that split rows between the compute threads (``ComputeThreads``) say so.
///
/// For `Double` the exponentials come from the C library; for `Float` from a vector routine
/// accurate to 1 unit in the last place.
public enum VectorKernels {
    /// The Adagrad-with-momentum update of rows of `width` values:
    /// `acc += g²; v = μ·v − lr·g/√(acc + ε); w += v`.
    ///
    /// Row `i` of `gradients` updates row `rows[i]` of the three tables (row `i` when `rows` is
    /// `nil`). The rows must be distinct; they are split between the compute threads. Returns
    /// whether every weight it wrote is finite, found in the same pass (a trainer stops on the
    /// first update that overflows).
    @inlinable
    @discardableResult
    public static func adagradRows<Scalar: KernelScalar>(
        gradients: [Scalar], rows: [Int]?, width: Int,
        accumulators: inout [Scalar], velocities: inout [Scalar], weights: inout [Scalar],
        learningRate: Scalar, momentum: Scalar, epsilon: Scalar
    ) -> Bool {
        let count = rows?.count ?? (width > 0 ? gradients.count / width : 0)
        let tableRows = width > 0 ? weights.count / width : 0
        if width <= 0 || gradients.count != count * width || accumulators.count != weights.count || velocities.count != weights.count
            || (rows == nil && gradients.count != weights.count)
            || (rows?.contains { $0 < 0 || $0 >= tableRows } ?? false) {
            kernelMisuse("adagradRows", "\(gradients.count) gradient values in rows of \(width) do not fit tables of "
                + "\(accumulators.count), \(velocities.count) and \(weights.count) values\(rows.map { " at \($0.count) rows" } ?? "")")
        }
        guard count > 0 else { return true }
        let allFinite = Atomic<Bool>(true)
        gradients.withUnsafeBufferPointer { g in
            (rows ?? []).withUnsafeBufferPointer { r in
                accumulators.withUnsafeMutableBufferPointer { a in
                    velocities.withUnsafeMutableBufferPointer { v in
                        weights.withUnsafeMutableBufferPointer { w in
                            let (g, r, a, v, w) = (g.baseAddress!, r.baseAddress, a.baseAddress!, v.baseAddress!, w.baseAddress!)
                            guard rows != nil else {
                                // Dense: every value on its own, so the table splits into chunks of values.
                                let total = count * width, chunk = 8_192
                                ComputeThreads.forEachRange((total + chunk - 1) / chunk, minimumPerThread: 2) { chunks in
                                    let start = chunks.lowerBound * chunk, end = Swift.min(total, chunks.upperBound * chunk)
                                    let finite = adagradRows(
                                        gradients: g + start, rows: nil, count: 1, width: end - start,
                                        accumulators: a + start, velocities: v + start, weights: w + start,
                                        learningRate: learningRate, momentum: momentum, epsilon: epsilon)
                                    if !finite { allFinite.store(false, ordering: .relaxed) }
                                }
                                return
                            }
                            // A few short rows (a bias) are updated faster than handed to another thread.
                            ComputeThreads.forEachRange(count, minimumPerThread: Swift.max(256, 16_384 / width)) { positions in
                                let finite = adagradRows(
                                    gradients: g + positions.lowerBound * width,
                                    rows: rows == nil ? nil : r! + positions.lowerBound,
                                    count: positions.count, width: width, accumulators: a, velocities: v, weights: w,
                                    learningRate: learningRate, momentum: momentum, epsilon: epsilon)
                                if !finite { allFinite.store(false, ordering: .relaxed) }
                            }
                        }
                    }
                }
            }
        }
        return allFinite.load(ordering: .relaxed)
    }

    /// Softmax cross-entropy of each row of a `[rows, columns]` score matrix against the column
    /// `targets[i]`, with `shift` (one value per column) subtracted from every row first.
    ///
    /// Returns each row's loss `−log softmax(scores − shift)[target]` and the softmax of every
    /// row, computed with the row maximum subtracted, so finite for any finite scores. Rows are
    /// split between the compute threads.
    @inlinable
    public static func softmaxCrossEntropyRows<Scalar: KernelScalar>(
        scores: [Scalar], columns: Int, targets: [Int], shift: [Scalar]? = nil
    ) -> (losses: [Scalar], probabilities: [Scalar]) {
        let rows = targets.count
        if scores.count != rows * columns || (shift.map { $0.count != columns } ?? false)
            || targets.contains(where: { $0 < 0 || $0 >= columns }) {
            kernelMisuse("softmaxCrossEntropyRows", "\(scores.count) scores, \(rows) targets in 0..<\(columns) and "
                + "\(shift?.count ?? 0) shift values do not fit rows of \(columns) columns")
        }
        // The kernel writes every probability (the shifted score first), so they start uninitialised.
        var probabilities = [Scalar](unsafeUninitializedCapacity: rows * columns) { _, initialized in initialized = rows * columns }
        var losses = [Scalar](repeating: 0, count: rows)
        scores.withUnsafeBufferPointer { scores in
            (shift ?? []).withUnsafeBufferPointer { shiftValues in
                probabilities.withUnsafeMutableBufferPointer { probabilities in
                    losses.withUnsafeMutableBufferPointer { losses in
                        let shift = shift == nil ? nil : shiftValues.baseAddress
                        let (input, output, rowLosses) = (scores.baseAddress!, probabilities.baseAddress!, losses)
                        ComputeThreads.forEachRange(rows, minimumPerThread: 8) { range in
                            for i in range {
                                rowLosses[i] = softmaxCrossEntropyRow(
                                    scores: input + i * columns, shift: shift, columns: columns, target: targets[i],
                                    probabilities: output + i * columns)
                            }
                        }
                    }
                }
            }
        }
        return (losses, probabilities)
    }

    /// The gradient of softmax cross-entropy rows, scaled: `scale · (p − 1)` at each row's
    /// target column and `scale · p` elsewhere, for the probabilities `p` that
    /// ``softmaxCrossEntropyRows(scores:columns:targets:shift:)`` returned. Rows are split
    /// between the compute threads as that pass splits them, so each thread reads the
    /// probabilities it wrote, still in its own cache (a step's 32 rows of 2,080 took 10 µs split
    /// against 18 on one thread beside the other, measured inside training).
    @inlinable
    public static func softmaxCrossEntropyGradient<Scalar: KernelScalar>(
        probabilities: [Scalar], columns: Int, targets: [Int], scale: Scalar
    ) -> [Scalar] {
        let rows = targets.count
        if probabilities.count != rows * columns || targets.contains(where: { $0 < 0 || $0 >= columns }) {
            kernelMisuse("softmaxCrossEntropyGradient", "\(probabilities.count) probabilities and \(rows) targets in "
                + "0..<\(columns) do not fit rows of \(columns) columns")
        }
        var gradient = [Scalar](unsafeUninitializedCapacity: rows * columns) { _, initialized in initialized = rows * columns }
        probabilities.withUnsafeBufferPointer { probabilities in
            gradient.withUnsafeMutableBufferPointer { gradient in
                let (p, g) = (probabilities, gradient)
                ComputeThreads.forEachRange(rows, minimumPerThread: 8) { range in
                    for i in range {
                        for j in i * columns ..< (i + 1) * columns { g[j] = p[j] * scale }
                        let target = i * columns + targets[i]
                        g[target] = (p[target] - 1) * scale
                    }
                }
            }
        }
        return gradient
    }

    /// Replaces every value by its `tanh`. For `Float` a vector routine within 2 units in the last
    /// place (a Taylor series below 0.5 in magnitude, `1 − 2/(e^{2|x|} + 1)` above); for `Double`
    /// the C library's `tanh`.
    @inlinable
    public static func tanh<Scalar: KernelScalar>(_ values: inout [Scalar]) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            tanh(base, count: buffer.count, into: base)
        }
    }

    /// Replaces every value by its logistic sigmoid `1/(1 + e^−x)`. For `Float` vectorised, within
    /// 2 units in the last place; for `Double` the C library's `exp` in the form that cannot overflow.
    @inlinable
    public static func sigmoid<Scalar: KernelScalar>(_ values: inout [Scalar]) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            sigmoid(base, count: buffer.count, into: base)
        }
    }

    /// Whether every value is finite (no NaN, no ±∞): one vectorised pass, split between the
    /// compute threads when long.
    @inlinable
    public static func allFinite<Scalar: KernelScalar>(_ values: [Scalar]) -> Bool {
        let chunk = 16_384, chunks = (values.count + chunk - 1) / chunk
        let finite = Atomic<Bool>(true)
        values.withUnsafeBufferPointer { values in
            ComputeThreads.forEachRange(chunks, minimumPerThread: 4) { range in
                let part = UnsafeBufferPointer(rebasing: values[(range.lowerBound * chunk)..<Swift.min(values.count, range.upperBound * chunk)])
                if !allFinite(part) { finite.store(false, ordering: .relaxed) }
            }
        }
        return finite.load(ordering: .relaxed)
    }

    /// Whether every value of the rows `rows` of a table with rows of `width` values is finite.
    @inlinable
    public static func allFinite<Scalar: KernelScalar>(_ table: [Scalar], rows: [Int], width: Int) -> Bool {
        if rows.contains(where: { $0 < 0 || ($0 + 1) * width > table.count }) {
            kernelMisuse("allFinite", "rows \(rows.min() ?? 0)...\(rows.max() ?? 0) of \(width) do not fit a table of \(table.count)")
        }
        return table.withUnsafeBufferPointer { table in
            rows.allSatisfy { row in allFinite(UnsafeBufferPointer(rebasing: table[(row * width)..<((row + 1) * width)])) }
        }
    }

    /// Copies row `rows[i]` of `source` (rows of `width` values) to row `i` of the result.
    @inlinable
    public static func gatherRows<Scalar: KernelScalar>(from source: [Scalar], rows: [Int], width: Int) -> [Scalar] {
        if rows.contains(where: { $0 < 0 || ($0 + 1) * width > source.count }) {
            kernelMisuse("gatherRows", "rows \(rows.min() ?? 0)...\(rows.max() ?? 0) of \(width) do not fit a source of \(source.count)")
        }
        var result = [Scalar](repeating: 0, count: rows.count * width)
        guard !rows.isEmpty, width > 0 else { return result }
        source.withUnsafeBufferPointer { source in
            rows.withUnsafeBufferPointer { rows in
                result.withUnsafeMutableBufferPointer { result in
                    gatherRows(from: source.baseAddress!, rows: rows.baseAddress!, count: rows.count, width: width,
                               into: result.baseAddress!)
                }
            }
        }
        return result
    }

    /// Adds row `i` of `source` (rows of `width`) into row `places[i]` of `target`, and returns
    /// whether every row it added into is finite afterwards.
    ///
    /// The rows of `target` are split between the compute threads, each adding the source rows
    /// that land in its share; every target row gets its source rows added in increasing `i`, so
    /// the sums do not depend on the number of threads.
    @inlinable @discardableResult
    public static func scatterAddRows<Scalar: KernelScalar>(from source: [Scalar], places: [Int32], width: Int,
                                                            into target: inout [Scalar]) -> Bool {
        if places.count * width > source.count || places.contains(where: { Int($0) < 0 || (Int($0) + 1) * width > target.count }) {
            kernelMisuse("scatterAddRows", "\(places.count) rows of \(width) do not fit a source of \(source.count) and a target of \(target.count)")
        }
        guard !places.isEmpty, width > 0 else { return true }
        let targetRows = target.count / width
        // Every thread reads all the places, so a split pays only when there are many rows to add.
        let minimumRowsPerThread = places.count * width >= 65_536 ? 64 : Int.max
        let allFinite = Atomic<Bool>(true)
        source.withUnsafeBufferPointer { source in
            places.withUnsafeBufferPointer { places in
                target.withUnsafeMutableBufferPointer { target in
                    let (source, places, target) = (source.baseAddress!, places, target.baseAddress!)
                    ComputeThreads.forEachRange(targetRows, minimumPerThread: minimumRowsPerThread) { rows in
                        let finite = scatterAddRows(
                            from: source, places: places.baseAddress!, count: places.count, width: width, into: target,
                            targetRows: Int32(clamping: rows.lowerBound) ..< Int32(clamping: rows.upperBound))
                        if !finite { allFinite.store(false, ordering: .relaxed) }
                    }
                }
            }
        }
        return allFinite.load(ordering: .relaxed)
    }
}

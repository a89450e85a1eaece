import CNablaKernels

/// Ranks each query row's target among all items of a table, from 8-bit scores with error
/// bounds, scoring in full precision only the few items the bounds leave undecided.
///
/// An item's score is `h · W[i] + b[i]` in `Float`, summed left to right
/// (``score(_:item:)``). With the table and the rows quantized to 8 bits, one pass of AVX-512
/// VNNI byte products estimates every score together with a bound on how far the `Float` score
/// can be from the estimate. Most items then score certainly above or certainly below the
/// target; only those within the bound of it are scored in full. The counts are those of the
/// full-precision scores, exactly: a test compares them with scoring every item.
///
/// Where the CPU lacks AVX-512 VNNI (``isAvailable``), or the table is not finite, there is no
/// ranker and the caller scores every item instead.
///
/// ```swift
/// if let ranker = ItemTableRanker(table: weights, bias: bias, width: 100) {
///     let counts = ranker.counts(hidden: states, targets: targets, stopAbove: 20)
/// }
/// ```
public final class ItemTableRanker: Sendable {
    /// Whether this CPU can rank this way (x86-64 with AVX-512 VNNI).
    public static var isAvailable: Bool { nabla_has_int8_rank_bounds() }

    /// The number of items and the width of a row.
    public let items: Int, width: Int
    private let table: [Float], bias: [Float]
    private let chunks: Int
    private let quantized: [Int8], offsets: [Int32]
    private let scales: [Float], norms: [Float], errorNorms: [Float], rounding: [Float], biasRounding: [Float]
    private let largestNorm: Float
    /// A bound on the relative rounding of a `width`-term dot product and of the estimate.
    private let epsilon: Float
    /// Undecided items remembered per row; a row with more is sorted again with room for all.
    private let capacity = 512

    /// A ranker over `table` (`[items, width]`, row-major) and one bias per item, or `nil` when
    /// the CPU cannot run it or a value is not finite or too large or small to bound safely.
    public init?(table: [Float], bias: [Float], width: Int) {
        guard Self.isAvailable, width > 0, table.count % width == 0, bias.count == table.count / width else { return nil }
        let items = table.count / width, chunks = (width + 3) / 4, groups = (items + 31) / 32
        self.items = items
        self.width = width
        self.chunks = chunks
        self.table = table
        self.bias = bias
        epsilon = Float(width + 8) * 0x1p-22
        var quantized = [Int8](repeating: 0, count: groups * chunks * 128)
        var offsets = [Int32](repeating: 0, count: groups * 32)
        var scales = [Float](repeating: 1, count: groups * 32)
        var norms = [Float](repeating: 0, count: groups * 32), errorNorms = norms, rounding = norms, biasRounding = norms
        var largestNorm: Float = 0
        for item in 0..<items {
            let row = table[(item * width)..<((item + 1) * width)]
            guard let quantizedRow = Quantized8(row), bias[item].isFinite, abs(bias[item]) < 1e30 else { return nil }
            let group = item / 32, lane = item % 32
            for (k, value) in quantizedRow.values.enumerated() {
                quantized[group * chunks * 128 + (k / 4) * 128 + lane * 4 + k % 4] = Int8(value)
            }
            offsets[item] = 128 * Int32(quantizedRow.values.reduce(0, +))
            scales[item] = quantizedRow.scale
            norms[item] = quantizedRow.norm
            errorNorms[item] = quantizedRow.errorNorm
            rounding[item] = epsilon * (quantizedRow.norm + quantizedRow.errorNorm)
            biasRounding[item] = epsilon * abs(bias[item])
            largestNorm = max(largestNorm, quantizedRow.norm + quantizedRow.errorNorm)
        }
        self.quantized = quantized
        self.offsets = offsets
        self.scales = scales
        self.norms = norms
        self.errorNorms = errorNorms
        self.rounding = rounding
        self.biasRounding = biasRounding
        self.largestNorm = largestNorm
    }

    /// The `Float` score of `item` for the query row `h`: `h · W[item]`, summed left to right,
    /// plus the item's bias.
    public func score(_ h: ArraySlice<Float>, item: Int) -> Float {
        table.withUnsafeBufferPointer { table in
            h.withUnsafeBufferPointer { h in score(h.baseAddress!, table.baseAddress! + item * width, bias: bias[item]) }
        }
    }

    private func score(_ h: UnsafePointer<Float>, _ row: UnsafePointer<Float>, bias: Float) -> Float {
        var sum: Float = 0
        for k in 0..<width { sum += h[k] * row[k] }
        return sum + bias
    }

    /// For each row of `hidden` (`[targets.count, width]`), the number of items scoring above
    /// its target and the number scoring the same (the target included), as ``score(_:item:)``
    /// computes them.
    ///
    /// Only ranks up to `stopAbove` need to be exact: once a row has `stopAbove` items certainly
    /// above its target, its counts are those items and the target. Returns `nil` when a row is
    /// not finite or too large or small to bound safely (the caller then scores every item).
    public func counts(hidden: [Float], targets: [Int], stopAbove: Int) -> [(higher: Int, equal: Int)]? {
        let rows = targets.count
        if hidden.count != rows * width || targets.contains(where: { $0 < 0 || $0 >= items }) {
            kernelMisuse("ItemTableRanker.counts", "hidden of \(hidden.count) values and targets in 0..<\(items) do not fit "
                + "\(rows) rows of \(width)")
        }
        guard rows > 0 else { return [] }
        let paddedRows = (rows + 7) / 8 * 8
        var values = [UInt8](repeating: 128, count: paddedRows * chunks * 4)
        var rowScales = [Float](repeating: 1, count: paddedRows), rowErrorNorms = [Float](repeating: 0, count: paddedRows)
        var quantizedNorms = rowErrorNorms, normBounds = rowErrorNorms, targetScores = rowErrorNorms
        for row in 0..<rows {
            let h = hidden[(row * width)..<((row + 1) * width)]
            guard let quantizedRow = Quantized8(h), quantizedRow.norm * largestNorm < 1e30 else { return nil }
            for (k, value) in quantizedRow.values.enumerated() { values[row * chunks * 4 + k] = UInt8(value + 128) }
            rowScales[row] = quantizedRow.scale
            rowErrorNorms[row] = quantizedRow.errorNorm
            quantizedNorms[row] = quantizedRow.quantizedNorm
            normBounds[row] = quantizedRow.norm + quantizedRow.errorNorm
            targetScores[row] = score(h, item: targets[row])
        }
        var higher = [Int32](repeating: 0, count: paddedRows), undecidedCounts = higher
        var undecided = [Int32](repeating: 0, count: paddedRows * capacity)
        sort(values: values, rowScales: rowScales, rowErrorNorms: rowErrorNorms, quantizedNorms: quantizedNorms,
             normBounds: normBounds, targets: targetScores, blocks: 0..<(paddedRows / 8), capacity: capacity,
             higher: &higher, undecidedCounts: &undecidedCounts, undecided: &undecided)
        var result = [(higher: Int, equal: Int)]()
        result.reserveCapacity(rows)
        for row in 0..<rows {
            let certainlyAbove = Int(higher[row])
            if certainlyAbove >= stopAbove {
                result.append((certainlyAbove, 1))
                continue
            }
            var candidates = Array(undecided[(row * capacity)..<(row * capacity + min(capacity, Int(undecidedCounts[row])))])
            if Int(undecidedCounts[row]) > capacity {
                // More undecided items than remembered: sort this row's block again with room for every item.
                var blockHigher = [Int32](repeating: 0, count: 8), blockCounts = blockHigher
                var all = [Int32](repeating: 0, count: 8 * items)
                sort(values: values, rowScales: rowScales, rowErrorNorms: rowErrorNorms, quantizedNorms: quantizedNorms,
                     normBounds: normBounds, targets: targetScores, blocks: (row / 8)..<(row / 8 + 1), capacity: items,
                     higher: &blockHigher, undecidedCounts: &blockCounts, undecided: &all)
                candidates = Array(all[((row % 8) * items)..<((row % 8) * items + Int(blockCounts[row % 8]))])
            }
            let h = hidden[(row * width)..<((row + 1) * width)]
            var above = certainlyAbove, equal = 0
            for item in candidates {
                let itemScore = score(h, item: Int(item))
                if itemScore > targetScores[row] { above += 1 } else if itemScore == targetScores[row] { equal += 1 }
            }
            result.append((above, equal))
        }
        return result
    }

    /// Runs the kernel over the given blocks of 8 rows, split between the compute threads;
    /// `higher` and the counts start at the first block's first row.
    private func sort(
        values: [UInt8], rowScales: [Float], rowErrorNorms: [Float], quantizedNorms: [Float], normBounds: [Float],
        targets: [Float], blocks: Range<Int>, capacity: Int,
        higher: inout [Int32], undecidedCounts: inout [Int32], undecided: inout [Int32]
    ) {
        quantized.withUnsafeBufferPointer { quantized in
        offsets.withUnsafeBufferPointer { offsets in
        scales.withUnsafeBufferPointer { scales in
        bias.withUnsafeBufferPointer { bias in
        norms.withUnsafeBufferPointer { norms in
        errorNorms.withUnsafeBufferPointer { errorNorms in
        rounding.withUnsafeBufferPointer { rounding in
        biasRounding.withUnsafeBufferPointer { biasRounding in
        values.withUnsafeBufferPointer { values in
        rowScales.withUnsafeBufferPointer { rowScales in
        rowErrorNorms.withUnsafeBufferPointer { rowErrorNorms in
        quantizedNorms.withUnsafeBufferPointer { quantizedNorms in
        normBounds.withUnsafeBufferPointer { normBounds in
        targets.withUnsafeBufferPointer { targets in
        higher.withUnsafeMutableBufferPointer { higher in
        undecidedCounts.withUnsafeMutableBufferPointer { undecidedCounts in
        undecided.withUnsafeMutableBufferPointer { undecided in
            var table = nabla_int8_item_table(
                weights: quantized.baseAddress, offsets: offsets.baseAddress, scales: scales.baseAddress,
                biases: bias.baseAddress, norms: norms.baseAddress, error_norms: errorNorms.baseAddress,
                rounding: rounding.baseAddress, bias_rounding: biasRounding.baseAddress,
                items: Int64(items), chunks: Int64(chunks))
            var queries = nabla_int8_queries(
                values: values.baseAddress, scales: rowScales.baseAddress, error_norms: rowErrorNorms.baseAddress,
                quantized_norms: quantizedNorms.baseAddress, norm_bounds: normBounds.baseAddress,
                targets: targets.baseAddress)
            let (higher, counts, undecided) = (higher.baseAddress!, undecidedCounts.baseAddress!, undecided.baseAddress!)
            withUnsafePointer(to: &table) { table in
                withUnsafePointer(to: &queries) { queries in
                    ComputeThreads.forEachRange(blocks.count) { part in
                        let first = (part.lowerBound) * 8
                        nabla_int8_rank_bounds(
                            table, queries, Int64((blocks.lowerBound + part.lowerBound) * 8), Int64(part.count * 8),
                            higher + first, counts + first, undecided + first * capacity, Int64(capacity))
                    }
                }
            }
        }}}}}}}}}}}}}}}}}
    }
}

/// A row as 8-bit integers times a scale, with the norms the error bounds need, each rounded up.
private struct Quantized8 {
    /// The integers, in −127...127, and the scale: the row is close to `scale · values`.
    let values: [Int32], scale: Float
    /// Upper bounds on `‖row‖`, `‖row − scale · values‖` and `‖scale · values‖`.
    let norm: Float, errorNorm: Float, quantizedNorm: Float

    /// The row quantized, or `nil` when a value is not finite or the row's scale is outside the
    /// range where the products stay normal `Float` values.
    init?(_ row: ArraySlice<Float>) {
        var largest: Float = 0
        for value in row {
            guard value.isFinite else { return nil }
            largest = max(largest, abs(value))
        }
        guard largest == 0 || (largest > 1e-12 && largest < 1e12) else { return nil }
        let scale = largest == 0 ? 1 : largest / 127
        var values = [Int32](), error = 0.0, norm = 0.0, quantizedNorm = 0.0
        values.reserveCapacity(row.count)
        for value in row {
            let q = max(-127, min(127, Int32((value / scale).rounded())))
            values.append(q)
            let approximation = Double(scale) * Double(q)
            error += (Double(value) - approximation) * (Double(value) - approximation)
            norm += Double(value) * Double(value)
            quantizedNorm += approximation * approximation
        }
        let up = 1 + 1e-6
        self.values = values
        self.scale = scale
        self.norm = Float(norm.squareRoot() * up)
        self.errorNorm = Float(error.squareRoot() * up)
        self.quantizedNorm = Float(quantizedNorm.squareRoot() * up)
    }
}

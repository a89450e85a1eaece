import CNablaKernels

/// Ranks each query row's target among all items of a table, from 8-bit scores with error
/// bounds, scoring in full precision only the few items the bounds leave undecided.
///
/// An item's score is `h · W[i] + b[i]` in `Float`, summed left to right
/// (``score(_:item:)``). With the table and the rows quantized to 8 bits (the rows to 7 with
/// AVX2), one pass of byte products estimates every score together with a bound on how far the
/// `Float` score can be from the estimate. Most items then score certainly above or certainly
/// below the target; only those within the bound of it are scored in full. The counts are those
/// of the full-precision scores, exactly: a test compares them with scoring every item.
///
/// Where the CPU has neither AVX-512 VNNI nor AVX2 (``isAvailable``), or the table is not
/// finite, there is no ranker and the caller scores every item instead.
///
/// ```swift
/// if let ranker = ItemTableRanker(table: weights, bias: bias, width: 100) {
///     let counts = ranker.counts(hidden: states, targets: targets, stopAbove: 20)
/// }
/// ```
public final class ItemTableRanker: @unchecked Sendable {
    /// The byte products a ranker uses.
    public enum Instructions: Int, Sendable, CaseIterable {
        /// AVX2: `vpmaddubsw`, `vpmaddwd` and `vpaddd`, 32 multiply-adds in three instructions,
        /// with the query rows in 7 bits.
        case avx2 = 1
        /// AVX-512 VNNI: `vpdpbusd`, 64 multiply-adds in one instruction.
        case avx512VNNI = 2

        /// The best this CPU runs, if any.
        public static var best: Instructions? { Instructions(rawValue: Int(nabla_int8_rank_bounds_variant())) }

        /// The largest quantized magnitude of a query row, so that its bytes `q + levels + 1` stay
        /// unsigned (and, with AVX2, below 128).
        var queryLevels: Int32 { self == .avx512VNNI ? 127 : 63 }
    }

    /// Whether this CPU can rank this way (x86-64 with AVX2 or AVX-512 VNNI).
    public static var isAvailable: Bool { Instructions.best != nil }

    /// The byte products this ranker uses.
    public let instructions: Instructions

    /// The number of items and the width of a row.
    public let items: Int, width: Int
    private let table: [Float], bias: [Float]
    /// The quantized table as the kernel reads it; its memory is written once, in `init`.
    private let quantized: nabla_int8_item_table
    private let bytes: UnsafeMutableBufferPointer<Int8>, sums: UnsafeMutableBufferPointer<Int32>
    private let perItem: UnsafeMutableBufferPointer<Float>
    /// The largest `‖w‖ + ‖w − ŵ‖` over the items, to refuse rows whose scores could overflow.
    private let largestNorm: Float
    /// Undecided items remembered per row; a row with more is sorted again with room for all.
    private let capacity = 512
    /// The widest rows a ranker takes: `255 · 127 · width` stays below 2³¹.
    public static let maximumWidth = 65_536

    /// A ranker over `table` (`[items, width]`, row-major) and one bias per item, with the given
    /// instructions (by default the best this CPU runs), or `nil` when the CPU cannot run them or
    /// a value is not finite or too large or small to bound safely.
    public init?(table: [Float], bias: [Float], width: Int, instructions: Instructions? = Instructions.best) {
        // Up to `maximumWidth` values a row, the kernels' 32-bit sums of byte products cannot overflow.
        guard let instructions, instructions.rawValue <= Int(nabla_int8_rank_bounds_variant()),
              (1...Self.maximumWidth).contains(width), table.count % width == 0, bias.count == table.count / width
        else { return nil }
        let items = table.count / width, chunks = (width + 3) / 4, padded = (items + 31) / 32 * 32
        // Rounding allowance: several times that of a `width`-term Float dot product and of the estimate.
        let epsilon = Float(width + 8) * 0x1p-22
        var rows: [Quantized8] = []
        rows.reserveCapacity(items)
        for item in 0..<items {
            guard let row = Quantized8(table[(item * width)..<((item + 1) * width)], levels: 127),
                  bias[item].isFinite, abs(bias[item]) < 1e30 else { return nil }
            rows.append(row)
        }
        self.instructions = instructions
        self.items = items
        self.width = width
        self.table = table
        self.bias = bias
        bytes = .allocate(capacity: padded * chunks * 4)
        bytes.initialize(repeating: 0)
        sums = .allocate(capacity: padded)
        sums.initialize(repeating: 0)
        perItem = .allocate(capacity: 6 * padded)
        perItem.initialize(repeating: 0)
        // Six vectors of one value per item: scales, biases, norms, error norms, and the two rounding allowances.
        let (scales, biases, norms, errorNorms, rounding, biasRounding) =
            (0, padded, 2 * padded, 3 * padded, 4 * padded, 5 * padded)
        for (item, row) in rows.enumerated() {
            // 32 items at a time, 4 values of each item per 64-byte vector.
            let group = item / 32, lane = item % 32
            for (k, value) in row.values.enumerated() {
                bytes[group * chunks * 128 + (k / 4) * 128 + lane * 4 + k % 4] = Int8(value)
            }
            sums[item] = row.values.reduce(0, +)
            perItem[scales + item] = row.scale
            perItem[biases + item] = bias[item]
            perItem[norms + item] = row.norm
            perItem[errorNorms + item] = row.errorNorm
            perItem[rounding + item] = epsilon * (row.norm + row.errorNorm)
            perItem[biasRounding + item] = epsilon * abs(bias[item])
        }
        largestNorm = rows.map { $0.norm + $0.errorNorm }.max() ?? 0
        let base = UnsafePointer(perItem.baseAddress!)
        quantized = nabla_int8_item_table(
            weights: UnsafePointer(bytes.baseAddress), sums: UnsafePointer(sums.baseAddress),
            scales: base + scales, biases: base + biases, norms: base + norms, error_norms: base + errorNorms,
            rounding: base + rounding, bias_rounding: base + biasRounding, items: Int64(items), chunks: Int64(chunks))
    }

    deinit {
        bytes.deallocate()
        sums.deallocate()
        perItem.deallocate()
    }

    /// The `Float` score of `item` for the query row `h`: `h · W[item]`, summed left to right,
    /// plus the item's bias.
    public func score(_ h: ArraySlice<Float>, item: Int) -> Float {
        if h.count != width || !(0..<items).contains(item) {
            kernelMisuse("ItemTableRanker.score", "a row of \(h.count) values and item \(item) do not fit \(items) items of \(width)")
        }
        var sum: Float = 0
        for (k, value) in h.enumerated() { sum += value * table[item * width + k] }
        return sum + bias[item]
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
        guard let queries = Queries(hidden: hidden, targets: targets, ranker: self) else { return nil }
        let sorted = queries.sort(blocks: 0..<(queries.rows / 8), capacity: capacity)
        var sortedAgain: [Int: (higher: [Int32], undecidedCounts: [Int32], undecided: [Int32])] = [:]
        return (0..<rows).map { row in
            let certainlyAbove = Int(sorted.higher[row]), undecided = Int(sorted.undecidedCounts[row])
            if certainlyAbove >= stopAbove { return (certainlyAbove, 1) }
            var candidates = sorted.undecided[(row * capacity)..<(row * capacity + min(capacity, undecided))]
            if undecided > capacity {
                // More undecided items than remembered: sort this row's block again, once, with room for every item.
                let block = row / 8
                if sortedAgain[block] == nil { sortedAgain[block] = queries.sort(blocks: block..<(block + 1), capacity: items) }
                candidates = sortedAgain[block]!.undecided[((row % 8) * items)..<((row % 8) * items + undecided)]
            }
            let h = hidden[(row * width)..<((row + 1) * width)], target = queries.targetScore(row)
            var above = certainlyAbove, equal = 0
            for item in candidates {
                let itemScore = score(h, item: Int(item))
                if itemScore > target { above += 1 } else if itemScore == target { equal += 1 }
            }
            return (above, equal)
        }
    }

    /// Query rows quantized for the kernel, padded to a multiple of 8 rows.
    private struct Queries {
        let ranker: ItemTableRanker, rows: Int
        /// `q + levels + 1` per value, `[rows][chunks · 4]`.
        var values: [UInt8]
        /// Five vectors of one value per row: scales, error norms, quantized norms, norm bounds, target scores.
        var perRow: [Float]

        init?(hidden: [Float], targets: [Int], ranker: ItemTableRanker) {
            let width = ranker.width, stride = Int(ranker.quantized.chunks) * 4, levels = ranker.instructions.queryLevels
            self.ranker = ranker
            rows = (targets.count + 7) / 8 * 8
            values = [UInt8](repeating: UInt8(levels + 1), count: rows * stride)
            perRow = [Float](repeating: 0, count: 5 * rows)
            for row in targets.indices {
                let h = hidden[(row * width)..<((row + 1) * width)]
                guard let quantized = Quantized8(h, levels: levels), quantized.norm * ranker.largestNorm < 1e30 else { return nil }
                for (k, value) in quantized.values.enumerated() { values[row * stride + k] = UInt8(value + levels + 1) }
                perRow[row] = quantized.scale
                perRow[rows + row] = quantized.errorNorm
                perRow[2 * rows + row] = quantized.quantizedNorm
                perRow[3 * rows + row] = quantized.norm + quantized.errorNorm
                perRow[4 * rows + row] = ranker.score(h, item: targets[row])
            }
        }

        func targetScore(_ row: Int) -> Float { perRow[4 * rows + row] }

        /// Runs the kernel over the given blocks of 8 rows, split between the compute threads:
        /// each row's count of items certainly above, its count of undecided items, and the first
        /// `capacity` of those, all starting at the first block's first row.
        func sort(blocks: Range<Int>, capacity: Int) -> (higher: [Int32], undecidedCounts: [Int32], undecided: [Int32]) {
            let rowCount = blocks.count * 8
            var higher = [Int32](repeating: 0, count: rowCount), undecidedCounts = higher
            var undecided = [Int32](repeating: 0, count: rowCount * capacity)
            values.withUnsafeBufferPointer { values in
                perRow.withUnsafeBufferPointer { perRow in
                    higher.withUnsafeMutableBufferPointer { higher in
                        undecidedCounts.withUnsafeMutableBufferPointer { counts in
                            undecided.withUnsafeMutableBufferPointer { undecided in
                                let base = perRow.baseAddress!
                                let queries = nabla_int8_queries(
                                    values: values.baseAddress, scales: base, error_norms: base + rows,
                                    quantized_norms: base + 2 * rows, norm_bounds: base + 3 * rows, targets: base + 4 * rows)
                                let (higher, counts, undecided) = (higher.baseAddress!, counts.baseAddress!, undecided.baseAddress!)
                                let variant = Int32(ranker.instructions.rawValue)
                                withUnsafePointer(to: ranker.quantized) { table in
                                    withUnsafePointer(to: queries) { queries in
                                        ComputeThreads.forEachRange(blocks.count) { part in
                                            let first = part.lowerBound * 8
                                            nabla_int8_rank_bounds(
                                                variant, table, queries, Int64((blocks.lowerBound + part.lowerBound) * 8),
                                                Int64(part.count * 8), higher + first, counts + first, undecided + first * capacity,
                                                Int64(capacity))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (higher, undecidedCounts, undecided)
        }
    }
}

/// A row as small integers times a scale, with the norms the error bounds need, each rounded up.
private struct Quantized8 {
    /// The integers, in `−levels...levels`, and the scale: the row is close to `scale · values`.
    let values: [Int32], scale: Float
    /// Upper bounds on `‖row‖`, `‖row − scale · values‖` and `‖scale · values‖`.
    let norm: Float, errorNorm: Float, quantizedNorm: Float

    /// The row quantized, or `nil` when a value is not finite or the row's scale is outside the
    /// range where the products stay normal `Float` values.
    init?(_ row: ArraySlice<Float>, levels: Int32) {
        var largest: Float = 0
        for value in row {
            guard value.isFinite else { return nil }
            largest = max(largest, abs(value))
        }
        guard largest == 0 || (largest > 1e-12 && largest < 1e12) else { return nil }
        let scale = largest == 0 ? 1 : largest / Float(levels)
        var values = [Int32](), error = 0.0, norm = 0.0, quantizedNorm = 0.0
        values.reserveCapacity(row.count)
        for value in row {
            let q = max(-levels, min(levels, Int32((value / scale).rounded())))
            values.append(q)
            let approximation = Double(scale) * Double(q)
            error += (Double(value) - approximation) * (Double(value) - approximation)
            norm += Double(value) * Double(value)
            quantizedNorm += approximation * approximation
        }
        // Rounded up past the double sums' rounding and the conversion to Float.
        let up = 1 + 1e-6
        self.values = values
        self.scale = scale
        self.norm = Float(norm.squareRoot() * up)
        self.errorNorm = Float(error.squareRoot() * up)
        self.quantizedNorm = Float(quantizedNorm.squareRoot() * up)
    }
}

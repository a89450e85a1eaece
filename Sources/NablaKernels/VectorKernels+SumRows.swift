import Synchronization

extension VectorKernels {
    /// Sums rows that share an index: given parts of rows, each row with its index in
    /// `0..<rowCount`, returns the distinct indices in increasing order, one sum per index, and
    /// whether every sum is finite. This is what coalescing a row-sparse gradient computes.
    ///
    /// Each sum adds its rows onto zero in the order the parts list them, the parts in order:
    /// the same bits as adding them one by one into a zeroed row, with any number of threads
    /// (a large sum's rows are split between the compute threads, each row summed by one).
    @inlinable
    public static func coalesceRows<Scalar: KernelScalar>(
        parts: [(rows: [Int], values: [Scalar])], width: Int, rowCount: Int
    ) -> (rows: [Int], sums: [Scalar], allFinite: Bool) {
        for part in parts where part.rows.count * width != part.values.count
            || part.rows.contains(where: { $0 < 0 || $0 >= rowCount }) {
            kernelMisuse("coalesceRows", "a part of \(part.values.count) values at \(part.rows.count) rows of \(width) "
                + "does not fit \(rowCount) rows")
        }
        let (distinct, places) = distinctRows(parts.map(\.rows), rowCount: rowCount)
        let (sums, allFinite) = sumRows(
            parts: zip(parts, places).map { part, places in (part.values, places) }, width: width, rowCount: distinct.count)
        return (distinct, sums, allFinite)
    }

    /// The distinct rows among `rowLists` in increasing order, and each listed row's place
    /// among them, written `~place` (negative) where that place is met for the first time.
    ///
    /// From a table over all rows when that is cheap (the usual case: a mini-batch touches
    /// thousands of an item matrix's rows), else sorted.
    @usableFromInline
    static func distinctRows(_ rowLists: [[Int]], rowCount: Int) -> (rows: [Int], places: [[Int32]]) {
        let entryCount = rowLists.reduce(0) { $0 + $1.count }
        guard rowCount <= 8 * entryCount + 4096 else {
            let distinct = Array(Set(rowLists.joined())).sorted()
            var placeOf: [Int: Int32] = [:]
            for (position, row) in distinct.enumerated() { placeOf[row] = ~Int32(position) }
            let places = rowLists.map { rows in
                rows.map { row -> Int32 in
                    let place = placeOf[row]!
                    if place < 0 { placeOf[row] = ~place }
                    return place
                }
            }
            return (distinct, places)
        }
        // One bit per row marks the rows used; reading the marks 64 rows at a time lists them in
        // increasing order. Each row's place is stored as `~place` until its first use.
        var used = [UInt64](repeating: 0, count: (rowCount + 63) / 64)
        var placeOf = [Int32](repeating: 0, count: rowCount)
        var distinct: [Int] = []
        distinct.reserveCapacity(entryCount)
        used.withUnsafeMutableBufferPointer { used in
            placeOf.withUnsafeMutableBufferPointer { placeOf in
                for rows in rowLists {
                    for row in rows { used[row >> 6] |= 1 &<< UInt64(row & 63) }
                }
                for word in used.indices {
                    var remaining = used[word]
                    while remaining != 0 {
                        let row = word << 6 + remaining.trailingZeroBitCount
                        placeOf[row] = ~Int32(truncatingIfNeeded: distinct.count)
                        distinct.append(row)
                        remaining &= remaining &- 1
                    }
                }
            }
        }
        let places = placeOf.withUnsafeMutableBufferPointer { placeOf in
            rowLists.map { rows in
                [Int32](unsafeUninitializedCapacity: rows.count) { marked, initialized in
                    for (position, row) in rows.enumerated() {
                        let place = placeOf[row]
                        if place < 0 { placeOf[row] = ~place }
                        marked[position] = place
                    }
                    initialized = rows.count
                }
            }
        }
        return (distinct, places)
    }

    /// Sums rows into a new table of `rowCount` rows of `width`: row `p` is the sum, onto zero,
    /// of every source row placed at `p`, the parts taken in order and each part's rows in
    /// increasing order; returns the sums and whether all of them are finite.
    ///
    /// Each place is written `~p` (negative) at the first row to land on `p`, as
    /// ``distinctRows(_:rowCount:)`` gives them: that row is stored as `0 + row`, the same bits as
    /// adding it to a zero, so no row is zeroed first. The rows of the result are cut into pieces
    /// shared out between the compute threads, each adding the source rows that land in its
    /// piece in the same order, so the sums do not depend on the number of threads.
    @inlinable
    static func sumRows<Scalar: KernelScalar>(
        parts: [(values: [Scalar], places: [Int32])], width: Int, rowCount: Int
    ) -> (sums: [Scalar], allFinite: Bool) {
        guard rowCount > 0, width > 0 else { return ([Scalar](repeating: 0, count: rowCount * width), true) }
        // Every row is written before it is read, so the sums start uninitialised.
        var sums = [Scalar](unsafeUninitializedCapacity: rowCount * width) { _, initialized in initialized = rowCount * width }
        // Every thread reads all the places, and the sums are read next by whichever thread
        // updates those rows, so a split pays only when there are many rows to add: a training
        // step's 2,000 rows of 100 are summed faster on one thread (measured). Rows are not used
        // evenly (popular items recur), so with several threads the rows are cut into more pieces
        // than threads, taken as threads become free.
        let entries = parts.reduce(0) { $0 + $1.places.count }
        let pieces = ComputeThreads.count > 1 && entries * width >= 1 << 20 ? Swift.max(1, Swift.min(4 * ComputeThreads.count, rowCount / 64)) : 1
        let allFinite = Atomic<Bool>(true)
        sums.withUnsafeMutableBufferPointer { sums in
            let target = sums.baseAddress!
            ComputeThreads.forEachPart(pieces) { piece in
                let first = piece * rowCount / pieces, end = (piece + 1) * rowCount / pieces
                let targetRows = Int32(clamping: first) ..< Int32(clamping: end)
                for part in parts where !part.places.isEmpty {
                    let finite = part.values.withUnsafeBufferPointer { source in
                        part.places.withUnsafeBufferPointer { places in
                            scatterAddRows(from: source.baseAddress!, places: places.baseAddress!, count: places.count,
                                           width: width, into: target, targetRows: targetRows)
                        }
                    }
                    if !finite { allFinite.store(false, ordering: .relaxed) }
                }
            }
        }
        return (sums, allFinite.load(ordering: .relaxed))
    }
}

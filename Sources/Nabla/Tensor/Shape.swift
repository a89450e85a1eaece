/// Shape arithmetic shared by the ops: element counts, strides and NumPy broadcasting.
enum Shape {
    /// The number of elements of a tensor of `shape` (1 for a scalar, whose shape is `[]`).
    static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// Row-major strides: the step in the flat storage for one step along each axis.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The shape two operands broadcast to under NumPy rules, or a misuse stop naming `op`.
    ///
    /// Shapes are aligned on their last axis; each pair of sizes must be equal or contain a 1.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let sizeA = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let sizeB = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if sizeA == sizeB || sizeB == 1 {
                result[i] = sizeA
            } else if sizeA == 1 {
                result[i] = sizeB
            } else {
                misuse(op, "\(describeShape(a)) and \(describeShape(b)) do not broadcast: "
                    + "sizes \(sizeA) and \(sizeB) differ on axis \(i) of the result")
            }
        }
        return result
    }

    /// Strides that read a tensor of `shape` as if it had the larger shape `target`:
    /// broadcast axes (missing or of size 1) get stride 0.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return target.indices.map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// For every element of `shape` in row-major order, its offset in storage laid out with `strides`.
    ///
    /// This one helper drives broadcasting (stride 0 repeats an element), reductions (stride 0 sums
    /// into one element) and permutations (strides reordered).
    static func offsets(shape: [Int], strides: [Int]) -> [Int] {
        let count = elementCount(shape)
        var result = [Int](repeating: 0, count: count)
        if count == 0 { return result }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for position in 0..<count {
            result[position] = offset
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Resolves a possibly negative axis (`-1` is the last) against `rank`, or stops naming `op`.
    static func normalizedAxis(_ axis: Int, rank: Int, op: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            misuse(op, "axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return resolved
    }

    /// Splits `shape` around `axis` into (elements before, size of axis, elements after).
    static func aroundAxis(_ shape: [Int], _ axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (elementCount(Array(shape[..<axis])), shape[axis], elementCount(Array(shape[(axis + 1)...])))
    }
}

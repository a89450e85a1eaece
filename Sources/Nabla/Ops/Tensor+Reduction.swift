// Reductions over axes: sum, mean, max and log-sum-exp.

import NablaKernels

extension Tensor {
    /// Sums over `axes` (negative axes count from the end); the reduced axes are dropped, or kept
    /// with size 1 when `keepDims` is set.
    ///
    /// Derivative: every element contributed once to its sum, so each receives the upstream
    /// gradient unchanged: the gradient is broadcast back over the reduced axes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let reduction = Reduction(shape: shape, axes: axes, op: "sum")
        var values = [Scalar](repeating: 0, count: Shape.elementCount(reduction.keptShape))
        switch reduction.layout {
        case .leading(let width):                     // sum rows: [n, width] → [width]
            // Every row added onto the zeros in order, by the row-adding vector kernel.
            let rows = width > 0 ? count / width : 0
            VectorKernels.scatterAddRows(from: storage, places: [Int32](repeating: 0, count: rows), width: width, into: &values)
        case .trailing(let run):                      // sum runs: [m, run] → [m]
            for i in values.indices {
                var total: Scalar = 0
                for j in (i * run)..<((i + 1) * run) { total += storage[j] }
                values[i] = total
            }
        case .general(let targets):
            for (position, target) in targets.enumerated() { values[target] += storage[position] }
        }
        return .result(of: "sum", details: "axes: \(describeShape(reduction.axes))", inputs: [self],
                       shape: reduction.resultShape(keepDims: keepDims), storage: values) { g in
            [.dense(g.reshaped(reduction.keptShape).expanded(to: self.shape))]
        }
    }

    /// The sum of all elements, as a scalar tensor.
    public func sum() -> Tensor {
        sum(axes: Array(0..<rank))
    }

    /// The mean over `axes`: the sum divided by the number of elements summed.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let reduction = Reduction(shape: shape, axes: axes, op: "mean")
        let countPerResult = Shape.elementCount(reduction.axes.map { shape[$0] })
        return sum(axes: axes, keepDims: keepDims) / Scalar(countPerResult)
    }

    /// The mean of all elements, as a scalar tensor.
    public func mean() -> Tensor {
        mean(axes: Array(0..<rank))
    }

    /// The maximum over `axes`. A NaN wins over every number, as in PyTorch: the maximum of a
    /// slice holding NaN is NaN. Reducing over an axis of size 0 is a misuse (there is no maximum).
    ///
    /// Derivative: the upstream gradient goes to the element that was the maximum (the first one,
    /// in row-major order, when several tie), as in PyTorch's `max(dim)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        let reduction = Reduction(shape: shape, axes: axes, op: "max")
        if let empty = reduction.axes.first(where: { shape[$0] == 0 }) {
            misuse("max", "axis \(empty) of \(describeShape(shape)) has size 0: an empty slice has no maximum")
        }
        let resultCount = Shape.elementCount(reduction.keptShape)
        var values = [Scalar](repeating: -.infinity, count: resultCount)
        var winners = [Int](repeating: -1, count: resultCount)
        for (position, target) in reduction.targets().enumerated()
        where winners[target] < 0 || storage[position] > values[target] || (storage[position].isNaN && !values[target].isNaN) {
            values[target] = storage[position]
            winners[target] = position
        }
        return .result(of: "max", details: "axes: \(describeShape(reduction.axes))", inputs: [self],
                       shape: reduction.resultShape(keepDims: keepDims), storage: values) { g in
            var gradient = [Scalar](repeating: 0, count: self.count)
            for (target, position) in winners.enumerated() { gradient[position] += g.storage[target] }
            return [.dense(Tensor(gradient, shape: self.shape))]
        }
    }

    /// `log Σ exp(x)` over `axes`, computed stably as `m + log Σ exp(x − m)` with `m` the maximum.
    ///
    /// Built from primitive ops. `m` is a constant (taken without gradient), which is exact: the
    /// result does not depend on the choice of `m`, so its derivative with respect to `m` is zero.
    /// The derivative with respect to `x` is `softmax(x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSumExp(axes: [Int], keepDims: Bool = false) -> Tensor {
        let reduction = Reduction(shape: shape, axes: axes, op: "logSumExp")
        if reduction.axes.contains(where: { shape[$0] == 0 }) {
            // An empty sum is 0, and its logarithm −∞, as in PyTorch.
            let result = exp().sum(axes: axes, keepDims: true).log()
            return keepDims ? result : result.reshaped(reduction.resultShape(keepDims: false))
        }
        let shift = withNoGrad {
            let maximum = max(axes: axes, keepDims: true)
            return Tensor(maximum.storage.map { $0.isFinite ? $0 : 0 }, shape: maximum.shape)
        }
        let result = (self - shift).exp().sum(axes: axes, keepDims: true).log() + shift
        return keepDims ? result : result.reshaped(reduction.resultShape(keepDims: false))
    }
}

/// Where each element of a tensor goes when some of its axes are reduced.
struct Reduction {
    /// The reduced axes, normalised and sorted.
    let axes: [Int]
    /// The input shape with reduced axes set to 1.
    let keptShape: [Int]
    /// The input's shape.
    let shape: [Int]

    /// How the reduced elements lie in memory.
    enum Layout {
        /// The reduced axes lead: the input is `[n, width]` summed over rows.
        case leading(width: Int)
        /// The reduced axes trail: each result sums a contiguous run.
        case trailing(run: Int)
        /// Anything else: the result index of every input element.
        case general([Int])
    }

    /// The layout, with the fast cases recognised.
    var layout: Layout {
        let reduced = Set(axes)
        let kept = shape.indices.filter { !reduced.contains($0) && shape[$0] != 1 }
        let summed = shape.indices.filter { reduced.contains($0) && shape[$0] != 1 }
        if let lastSummed = summed.last, let firstKept = kept.first, lastSummed < firstKept {
            return .leading(width: Shape.elementCount(kept.map { shape[$0] }))
        }
        if let lastKept = kept.last, let firstSummed = summed.first, lastKept < firstSummed {
            return .trailing(run: Shape.elementCount(summed.map { shape[$0] }))
        }
        if kept.isEmpty { return .trailing(run: Shape.elementCount(shape)) }
        if summed.isEmpty { return .trailing(run: 1) }
        return .general(targets())
    }

    /// For each input element in row-major order, the index of the result element it folds into.
    func targets() -> [Int] {
        let keptStrides = Shape.strides(keptShape)
        let strides = shape.indices.map { axes.contains($0) ? 0 : keptStrides[$0] }
        return Shape.offsets(shape: shape, strides: strides)
    }

    init(shape: [Int], axes: [Int], op: String) {
        let normalized = Set(axes.map { Shape.normalizedAxis($0, rank: shape.count, op: op) }).sorted()
        if normalized.count != axes.count {
            misuse(op, "axes \(describeShape(axes)) name an axis twice")
        }
        self.axes = normalized
        self.shape = shape
        keptShape = shape.indices.map { normalized.contains($0) ? 1 : shape[$0] }
    }

    /// The result's shape: `keptShape`, or with the reduced axes removed.
    func resultShape(keepDims: Bool) -> [Int] {
        keepDims ? keptShape : keptShape.indices.filter { !axes.contains($0) }.map { keptShape[$0] }
    }
}

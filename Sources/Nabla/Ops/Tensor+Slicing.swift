// Cutting tensors along an axis and joining them back: slice, split, chunk, concat.

extension Tensor {
    /// The elements whose index along `axis` lies in `range`.
    ///
    /// Derivative: the gradient placed back into the sliced positions of a zero tensor.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sliced(_ range: Range<Int>, axis: Int = 0) -> Tensor {
        let axis = Shape.normalizedAxis(axis, rank: rank, op: "slice")
        if range.lowerBound < 0 || range.upperBound > shape[axis] {
            misuse("slice", "range \(range.lowerBound)..<\(range.upperBound) is out of bounds for axis \(axis) of \(describeShape(shape))")
        }
        let (outer, size, inner) = Shape.aroundAxis(shape, axis)
        var values: [Scalar] = []
        values.reserveCapacity(outer * range.count * inner)
        for block in 0..<outer {
            let start = (block * size + range.lowerBound) * inner
            values.append(contentsOf: storage[start..<(start + range.count * inner)])
        }
        var newShape = shape
        newShape[axis] = range.count
        return .result(of: "slice", details: "axis \(axis): \(range.lowerBound)..<\(range.upperBound)",
                       inputs: [self], shape: newShape, storage: values) { g in
            var gradient = [Scalar](repeating: 0, count: self.count)
            for block in 0..<outer {
                let start = (block * size + range.lowerBound) * inner
                let source = block * range.count * inner
                for j in 0..<(range.count * inner) { gradient[start + j] = g.storage[source + j] }
            }
            return [.dense(Tensor(gradient, shape: self.shape))]
        }
    }

    /// Consecutive pieces along `axis` with the given sizes, which must add up to the axis size.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let resolvedAxis = Shape.normalizedAxis(axis, rank: rank, op: "split")
        if sizes.reduce(0, +) != shape[resolvedAxis] || sizes.contains(where: { $0 < 0 }) {
            misuse("split", "sizes \(describeShape(sizes)) do not add up to \(shape[resolvedAxis]), the size of axis \(resolvedAxis) of \(describeShape(shape))")
        }
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(start..<(start + size), axis: resolvedAxis)
        }
    }

    /// `count` pieces along `axis` of equal size (the last may be smaller), as PyTorch's `chunk`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func chunked(into count: Int, axis: Int = 0) -> [Tensor] {
        let resolvedAxis = Shape.normalizedAxis(axis, rank: rank, op: "chunk")
        if count <= 0 { misuse("chunk", "needs a positive number of chunks, got \(count)") }
        let total = shape[resolvedAxis]
        let step = Swift.max(1, (total + count - 1) / count)
        let sizes = stride(from: 0, to: total, by: step).map { Swift.min(step, total - $0) }
        return split(sizes: sizes, axis: resolvedAxis)
    }
}

/// Joins tensors along `axis`; all other sizes must match.
///
/// Derivative: each input receives its own slice of the gradient.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func concat<Scalar>(_ tensors: [Tensor<Scalar>], axis: Int = 0) -> Tensor<Scalar> {
    guard let first = tensors.first else { misuse("concat", "needs at least one tensor") }
    let axis = Shape.normalizedAxis(axis, rank: first.rank, op: "concat")
    for tensor in tensors where tensor.rank != first.rank
        || tensor.shape.indices.contains(where: { $0 != axis && tensor.shape[$0] != first.shape[$0] }) {
        misuse("concat", "\(describeShape(first.shape)) and \(describeShape(tensor.shape)) differ outside axis \(axis)")
    }
    let sizes = tensors.map { $0.shape[axis] }
    let (outer, _, inner) = Shape.aroundAxis(first.shape, axis)
    var values: [Scalar] = []
    values.reserveCapacity(tensors.reduce(0) { $0 + $1.count })
    for block in 0..<outer {
        for (tensor, size) in zip(tensors, sizes) {
            values.append(contentsOf: tensor.storage[(block * size * inner)..<((block + 1) * size * inner)])
        }
    }
    var shape = first.shape
    shape[axis] = sizes.reduce(0, +)
    return .result(of: "concat", details: "axis \(axis)", inputs: tensors, shape: shape, storage: values) { g in
        g.split(sizes: sizes, axis: axis).map { .dense($0) }
    }
}

extension Tensor {
    /// The rows (slices along axis 0) at `indices`, stacked: an embedding lookup.
    ///
    /// Indices may repeat. The result has shape `[indices.count] + shape.dropFirst()`.
    ///
    /// Derivative: **row-sparse**. Row `indices[i]` of the input receives row `i` of the upstream
    /// gradient; rows not looked up receive nothing, so the gradient is kept as
    /// ``RowSparseGradient`` (indices plus rows) instead of a mostly-zero matrix. Repeated indices
    /// add up when the gradient is applied.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func gather(rows indices: [Int]) -> Tensor {
        guard let rowCount = shape.first else { misuse("gather", "needs a tensor with at least one axis") }
        if let bad = indices.first(where: { $0 < 0 || $0 >= rowCount }) {
            misuse("gather", "row index \(bad) is out of range for shape \(describeShape(shape))")
        }
        let width = count / Swift.max(rowCount, 1)
        var values: [Scalar] = []
        values.reserveCapacity(indices.count * width)
        for row in indices {
            values.append(contentsOf: storage[(row * width)..<((row + 1) * width)])
        }
        let shape = [indices.count] + self.shape.dropFirst()
        return .result(of: "gather", details: "\(indices.count) rows", inputs: [self], shape: shape,
                       storage: values) { g in
            [.rowSparse(RowSparseGradient(shape: self.shape, rowIndices: indices, values: g.storage))]
        }
    }

    /// The main diagonal of a matrix: element `i` is `self[i, i]`, for `i < min(rows, columns)`.
    ///
    /// Derivative: the gradient placed on the diagonal of a zero matrix.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func diagonal() -> Tensor {
        guard rank == 2 else { misuse("diagonal", "needs a 2-D matrix, got shape \(describeShape(shape))") }
        let length = Swift.min(shape[0], shape[1])
        let columns = shape[1]
        let values = (0..<length).map { storage[$0 * columns + $0] }
        return .result(of: "diagonal", inputs: [self], shape: [length], storage: values) { g in
            var gradient = [Scalar](repeating: 0, count: self.count)
            for i in 0..<length { gradient[i * columns + i] = g.storage[i] }
            return [.dense(Tensor(gradient, shape: self.shape))]
        }
    }
}

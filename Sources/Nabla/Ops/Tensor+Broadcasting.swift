extension Tensor {
    /// Combines two tensors element by element after broadcasting them to a common shape.
    ///
    /// NumPy rules: shapes are aligned on the last axis and a size of 1 (or a missing axis)
    /// stretches to match the other operand. Returns the result's shape and elements.
    static func broadcastElementwise(
        _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, op: String, _ combine: (Scalar, Scalar) -> Scalar
    ) -> (shape: [Int], storage: [Scalar]) {
        if a.shape == b.shape {
            return (a.shape, zip(a.storage, b.storage).map(combine))
        }
        if b.count == 1 && b.rank <= a.rank {
            let value = b.storage[0]
            return (a.shape, a.storage.map { combine($0, value) })
        }
        if a.count == 1 && a.rank <= b.rank {
            let value = a.storage[0]
            return (b.shape, b.storage.map { combine(value, $0) })
        }
        let shape = Shape.broadcast(a.shape, b.shape, op: op)
        let offsetsA = Shape.offsets(shape: shape, strides: Shape.broadcastStrides(a.shape, to: shape))
        let offsetsB = Shape.offsets(shape: shape, strides: Shape.broadcastStrides(b.shape, to: shape))
        let storage = (0..<offsetsA.count).map { combine(a.storage[offsetsA[$0]], b.storage[offsetsB[$0]]) }
        return (shape, storage)
    }

    /// Sums this tensor down to `targetShape`, the shape it was broadcast from.
    ///
    /// This is the backward of broadcasting: an input stretched along an axis received the same
    /// value many times, so its gradient is the sum over that axis.
    public func sum(toShape targetShape: [Int]) -> Tensor<Scalar> {
        if targetShape == shape { return self }
        if Shape.broadcast(targetShape, shape, op: "sum(toShape:)") != shape {
            misuse("sum(toShape:)", "\(describeShape(shape)) cannot be summed to \(describeShape(targetShape)): "
                + "the target does not broadcast to the tensor's shape")
        }
        let leading = rank - targetShape.count
        let axes = (0..<rank).filter { axis in
            axis < leading || (targetShape[axis - leading] == 1 && shape[axis] != 1)
        }
        return sum(axes: axes, keepDims: true).reshaped(targetShape)
    }
}

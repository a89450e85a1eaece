// Ops that change how elements are arranged, not their values: reshape, expand, permute.

extension Tensor {
    /// The same elements in a new shape with the same count; one size may be `-1` (inferred).
    ///
    /// Derivative: the gradient reshaped back to the input's shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let resolved = resolve(newShape)
        return .result(of: "reshape", details: describeShape(resolved), inputs: [self], shape: resolved,
                       storage: storage) { g in
            [.dense(g.reshaped(self.shape))]
        }
    }

    /// This tensor broadcast to a larger `shape` (PyTorch's `expand`), materialised.
    ///
    /// Derivative: the gradient summed back over the broadcast axes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func expanded(to targetShape: [Int]) -> Tensor {
        if targetShape == shape { return self }
        if Shape.broadcast(shape, targetShape, op: "expand") != targetShape {
            misuse("expand", "\(describeShape(shape)) cannot be broadcast to \(describeShape(targetShape))")
        }
        let offsets = Shape.offsets(shape: targetShape, strides: Shape.broadcastStrides(shape, to: targetShape))
        return .result(of: "expand", details: describeShape(targetShape), inputs: [self], shape: targetShape,
                       storage: offsets.map { storage[$0] }) { g in
            [.dense(g.sum(toShape: self.shape))]
        }
    }

    /// The axes reordered: axis `i` of the result is axis `order[i]` of this tensor.
    ///
    /// Derivative: the gradient permuted by the inverse order.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func permuted(_ order: [Int]) -> Tensor {
        let axes = order.map { Shape.normalizedAxis($0, rank: rank, op: "permute") }
        if axes.sorted() != Array(0..<rank) {
            misuse("permute", "\(describeShape(order)) is not a permutation of the axes of \(describeShape(shape))")
        }
        let ownStrides = Shape.strides(shape)
        let newShape = axes.map { shape[$0] }
        let offsets = Shape.offsets(shape: newShape, strides: axes.map { ownStrides[$0] })
        var inverse = [Int](repeating: 0, count: rank)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        return .result(of: "permute", details: describeShape(axes), inputs: [self], shape: newShape,
                       storage: offsets.map { storage[$0] }) { g in
            [.dense(g.permuted(inverse))]
        }
    }

    /// Two axes swapped; by default the last two (a matrix transpose).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        if rank < 2 { misuse("transpose", "needs at least 2 axes, got shape \(describeShape(shape))") }
        var order = Array(0..<rank)
        order.swapAt(Shape.normalizedAxis(first, rank: rank, op: "transpose"),
                     Shape.normalizedAxis(second, rank: rank, op: "transpose"))
        return permuted(order)
    }

    /// `newShape` with a `-1` replaced by the size that keeps the element count, or a stop.
    private func resolve(_ newShape: [Int]) -> [Int] {
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        let known = newShape.filter { $0 != -1 }
        if unknown.count > 1 || known.contains(where: { $0 < 0 }) {
            misuse("reshape", "\(describeShape(shape)) → \(describeShape(newShape)): at most one size may be -1 and none negative")
        }
        var resolved = newShape
        let knownCount = Shape.elementCount(known)
        if let slot = unknown.first {
            if knownCount == 0 || count % knownCount != 0 {
                misuse("reshape", "\(describeShape(shape)) → \(describeShape(newShape)): \(count) elements cannot be split that way")
            }
            resolved[slot] = count / knownCount
        }
        if Shape.elementCount(resolved) != count {
            misuse("reshape", "\(describeShape(shape)) → \(describeShape(newShape)): element counts \(count) and \(Shape.elementCount(resolved)) differ")
        }
        return resolved
    }
}

import NablaKernels

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
        if let values = repeatingBlocks(a, b, shape: shape, combine) { return (shape, values) }
        let offsetsA = Shape.offsets(shape: shape, strides: Shape.broadcastStrides(a.shape, to: shape))
        let offsetsB = Shape.offsets(shape: shape, strides: Shape.broadcastStrides(b.shape, to: shape))
        let storage = (0..<offsetsA.count).map { combine(a.storage[offsetsA[$0]], b.storage[offsetsB[$0]]) }
        return (shape, storage)
    }

    /// The common cases of broadcasting without index arithmetic: one operand repeats along
    /// leading axes (a row added to every row) or trailing axes (a column added to every
    /// column). Returns `nil` for other patterns.
    private static func repeatingBlocks(
        _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, shape: [Int], _ combine: (Scalar, Scalar) -> Scalar
    ) -> [Scalar]? {
        let count = Shape.elementCount(shape)
        guard count > 0 else { return [] }
        let left = a.storage, right = b.storage
        var result = [Scalar](repeating: 0, count: count)
        let pattern = (repetition(of: a.shape, in: shape), repetition(of: b.shape, in: shape))
        switch pattern {
        case (.whole, .leading), (.leading, .whole), (.whole, .trailing), (.trailing, .whole): break
        default: return nil
        }
        switch pattern {
        case (.whole, .leading(let width)):            // a row repeated under every row
            combineRepeating(left, right, into: &result, repeating: .rightRow(width: width), combine)
        case (.leading(let width), .whole):
            combineRepeating(left, right, into: &result, repeating: .leftRow(width: width), combine)
        case (.whole, .trailing(let run)):             // each element repeated along a run
            combineRepeating(left, right, into: &result, repeating: .rightElement(run: run), combine)
        case (.trailing(let run), .whole):
            combineRepeating(left, right, into: &result, repeating: .leftElement(run: run), combine)
        default:
            break
        }
        return result
    }

    /// How an operand of `own` shape fills the broadcast `shape`.
    private enum Repetition {
        case whole, leading(Int), trailing(Int), other
    }

    private static func repetition(of own: [Int], in shape: [Int]) -> Repetition {
        let padded = [Int](repeating: 1, count: shape.count - own.count) + own
        if padded == shape { return .whole }
        // Ones, then the result's own trailing sizes: the operand repeats as a block.
        if let split = padded.firstIndex(where: { $0 != 1 }), padded[split...] == shape[split...],
           padded[..<split].allSatisfy({ $0 == 1 }) {
            return .leading(Shape.elementCount(Array(shape[split...])))
        }
        // The result's leading sizes, then ones: each element repeats over a run.
        if let end = padded.lastIndex(where: { $0 != 1 }), padded[...end] == shape[...end] {
            return .trailing(Shape.elementCount(Array(shape[(end + 1)...])))
        }
        return .other
    }

    /// Sums this tensor down to `targetShape`, the shape it was broadcast from.
    ///
    /// This is the backward of broadcasting: an input stretched along an axis received the same
    /// value many times, so its gradient is the sum over that axis.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
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

import NablaKernels

/// The gradient of a tensor: either a dense tensor of the same shape, or a row-sparse one.
///
/// Row-sparse gradients come from ``Tensor/gather(rows:)`` (embedding lookups): of a 100,000-row
/// item matrix only the rows a mini-batch touched get a gradient, and optimizers can update just
/// those rows.
///
/// ```swift
/// let table = Tensor<Double>([1, 2, 3, 4, 5, 6], shape: [3, 2], requiresGrad: true)
/// table.gather(rows: [2, 0, 2]).sum().backward()
/// if case .rowSparse(let sparse)? = table.gradient {
///     print(sparse.coalesced().rowIndices)     // [0, 2]: row 2 was used twice, its rows summed
/// }
/// print(table.grad!.scalars)                   // dense: [1.0, 1.0, 0.0, 0.0, 2.0, 2.0]
/// ```
public enum Gradient<Scalar: TensorScalar> {
    /// A gradient with one value per element.
    case dense(Tensor<Scalar>)
    /// A gradient with values for some rows only (axis 0), others implicitly zero.
    case rowSparse(RowSparseGradient<Scalar>)

    /// This gradient as a dense tensor (row-sparse rows are scattered and summed into zeros).
    public var dense: Tensor<Scalar> {
        switch self {
        case .dense(let tensor): return tensor
        case .rowSparse(let sparse): return sparse.densified()
        }
    }

    /// The sum of two gradients of the same tensor; sparse plus sparse stays sparse.
    func adding(_ other: Gradient<Scalar>) -> Gradient<Scalar> {
        switch (self, other) {
        case let (.rowSparse(a), .rowSparse(b)):
            return .rowSparse(a.appending(b))
        case let (.dense(a), .rowSparse(b)), let (.rowSparse(b), .dense(a)):
            return .dense(b.added(to: a))
        case let (.dense(a), .dense(b)):
            return .dense(withNoGrad { a + b })
        }
    }
}

/// A gradient that is zero except in some rows: the row indices and those rows' values.
///
/// Indices may repeat (an item clicked twice in a batch); repeated rows add up, which
/// ``coalesced()`` makes explicit. The sum of two row-sparse gradients keeps each one's rows
/// as they are, as parts, so that adding the gradient of an embedding lookup to that of an
/// output layer sharing its matrix copies no rows; ``rowIndices`` and ``values`` show the parts
/// one after the other.
public struct RowSparseGradient<Scalar: TensorScalar> {
    /// The shape of the full tensor this is the gradient of.
    public let shape: [Int]
    /// The rows of each gradient added into this one, in the order they were added.
    private var parts: [(rowIndices: [Int], values: [Scalar])]
    /// Whether this is the result of ``coalesced()``: each row once, in increasing order.
    private var isCoalesced = false
    /// Whether every value is finite, when coalescing found it out while summing.
    private var knownToBeFinite: Bool?

    /// The row (index along axis 0) each stored row belongs to; duplicates allowed.
    public var rowIndices: [Int] { parts.count == 1 ? parts[0].rowIndices : parts.flatMap(\.rowIndices) }
    /// The stored rows, `rowIndices.count × rowWidth` values in row-major order.
    public var values: [Scalar] { parts.count == 1 ? parts[0].values : parts.flatMap(\.values) }

    /// The number of elements in one row: the product of `shape` without its first axis.
    public var rowWidth: Int { Shape.elementCount(Array(shape.dropFirst())) }

    /// Whether every stored value is finite (no NaN, no ±∞). For a coalesced gradient this was
    /// found while summing, at no further cost.
    public var valuesAreFinite: Bool {
        knownToBeFinite ?? parts.allSatisfy { VectorKernels.allFinite($0.values) }
    }

    /// Creates a row-sparse gradient; `values` holds one row per index.
    public init(shape: [Int], rowIndices: [Int], values: [Scalar]) {
        guard let rows = shape.first else { misuse("RowSparseGradient", "needs a shape with at least one axis") }
        let width = Shape.elementCount(Array(shape.dropFirst()))
        if values.count != rowIndices.count * width {
            misuse("RowSparseGradient", "\(rowIndices.count) rows of width \(width) need \(rowIndices.count * width) values, got \(values.count)")
        }
        if let bad = rowIndices.first(where: { $0 < 0 || $0 >= rows }) {
            misuse("RowSparseGradient", "row index \(bad) is out of range for shape \(describeShape(shape))")
        }
        self.shape = shape
        parts = [(rowIndices, values)]
    }

    /// The same gradient with each row index once, in increasing order, duplicates summed.
    ///
    /// Each distinct row gets its stored rows added onto zero in the order ``rowIndices`` lists
    /// them, split between the compute threads by distinct row, so the sums are the same with
    /// any number of threads. A gradient that is already coalesced is returned as it is.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func coalesced() -> RowSparseGradient<Scalar> {
        if isCoalesced { return self }
        let (distinct, summed, finite) = VectorKernels.coalesceRows(
            parts: parts.map { ($0.rowIndices, $0.values) }, width: rowWidth, rowCount: shape[0])
        var result = RowSparseGradient(shape: shape, rowIndices: distinct, values: summed)
        result.isCoalesced = true
        result.knownToBeFinite = finite
        return result
    }

    /// The dense tensor this gradient stands for.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func densified() -> Tensor<Scalar> {
        added(to: Tensor(zeros: shape))
    }

    /// `dense` plus this gradient, as a new tensor.
    func added(to dense: Tensor<Scalar>) -> Tensor<Scalar> {
        var result = dense.storage
        let width = rowWidth
        for part in parts {
            for (position, row) in part.rowIndices.enumerated() {
                for j in 0..<width {
                    result[row * width + j] += part.values[position * width + j]
                }
            }
        }
        return Tensor(result, shape: shape)
    }

    /// Both gradients' rows together (still uncoalesced), each kept as it is.
    func appending(_ other: RowSparseGradient<Scalar>) -> RowSparseGradient<Scalar> {
        var sum = self
        sum.parts += other.parts
        sum.isCoalesced = false
        sum.knownToBeFinite = nil
        return sum
    }
}

/// An n-dimensional array of `Float` or `Double` that records the ops it takes part in,
/// so that `backward()` can compute gradients.
///
/// A tensor is row-major and contiguous. It is a class: a node in the computation graph has
/// identity, just as in PyTorch or micrograd. A tensor produced by an op while gradients are
/// enabled carries an ``OpRecord``: the op's name, its inputs and the rule that turns the
/// gradient of the output into gradients of the inputs.
///
/// ```swift
/// let x = Tensor<Double>([1, 2, 3], shape: [3], requiresGrad: true)
/// let y = (x * x).sum()      // y = Σ x²
/// y.backward()
/// print(x.grad!)             // [2.0, 4.0, 6.0]
/// ```
public final class Tensor<Scalar: TensorScalar> {
    /// The size of each axis; `[]` for a scalar.
    public let shape: [Int]

    /// The elements in row-major order.
    @usableFromInline
    var storage: [Scalar]

    /// How this tensor was computed, or `nil` for a leaf (a tensor made directly, not by an op).
    public internal(set) var record: OpRecord<Scalar>?

    /// The accumulated gradient, dense or row-sparse, after `backward()`.
    ///
    /// Leaves that require a gradient receive one; intermediate tensors only after ``retainGrad()``.
    public internal(set) var gradient: Gradient<Scalar>? {
        get { denseGradient.map { .dense($0) } ?? sparseGradient.map { .rowSparse($0) } }
        set {
            switch newValue {
            case .dense(let tensor)?: (denseGradient, sparseGradient) = (tensor, nil)
            case .rowSparse(let sparse)?: (denseGradient, sparseGradient) = (nil, sparse)
            case nil: (denseGradient, sparseGradient) = (nil, nil)
            }
        }
    }

    // The gradient is stored as two optionals rather than as a `Gradient?`: Swift keeps the case of
    // a multi-payload enum in spare high bits of a payload pointer, which hides the pointer from
    // leak checkers that scan memory (LeakSanitizer reported the arrays as leaked).
    private var denseGradient: Tensor<Scalar>?
    private var sparseGradient: RowSparseGradient<Scalar>?

    /// A human-readable name, such as a parameter's `"gru.layer0.weightIH"`; drawn in graphs.
    public var name: String?

    /// The graph scope (see ``withScope(_:_:)``) that was active when an op produced this tensor.
    public let scope: String?

    /// How many `backward()` passes have added into ``gradient`` since it was last empty.
    public internal(set) var backwardPasses = 0

    /// Whether `backward()` keeps this intermediate tensor's gradient.
    var retainsGrad = false

    private var leafRequiresGrad: Bool

    /// Whether gradients flow to this tensor.
    ///
    /// Set it on leaves (parameters, inputs you want gradients for). An op's output requires a
    /// gradient when any of its inputs does and gradients are enabled.
    public var requiresGrad: Bool {
        get { leafRequiresGrad }
        set {
            if record != nil {
                misuse("requiresGrad", "can only be set on a leaf tensor; this one was produced by '\(record!.op)'")
            }
            leafRequiresGrad = newValue
        }
    }

    /// Whether this tensor was made directly rather than computed by a recorded op.
    public var isLeaf: Bool { record == nil }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { storage.count }

    /// Creates a tensor from scalars in row-major order and a shape.
    ///
    /// - Parameters:
    ///   - scalars: the elements, `shape.reduce(1, *)` of them.
    ///   - shape: the size of each axis; `[]` makes a scalar.
    ///   - requiresGrad: whether `backward()` should compute a gradient for this tensor.
    public init(_ scalars: [Scalar], shape: [Int], requiresGrad: Bool = false) {
        if shape.contains(where: { $0 < 0 }) {
            misuse("Tensor.init", "shape \(describeShape(shape)) has a negative size")
        }
        if scalars.count != Shape.elementCount(shape) {
            misuse("Tensor.init", "\(scalars.count) scalars do not fill shape \(describeShape(shape)) "
                + "(\(Shape.elementCount(shape)) elements)")
        }
        self.shape = shape
        self.storage = scalars
        self.record = nil
        self.scope = nil
        self.leafRequiresGrad = requiresGrad
    }

    /// Creates the output of an op. `record` is `nil` when no gradient needs to flow.
    init(shape: [Int], storage: [Scalar], record: OpRecord<Scalar>?) {
        self.shape = shape
        self.storage = storage
        self.record = record
        self.scope = record == nil ? nil : GraphScope.current
        self.leafRequiresGrad = record != nil
    }
}

// MARK: - Elements

extension Tensor {
    /// The elements in row-major order.
    ///
    /// Setting replaces every element in place (for optimizers and initialisers); the count must
    /// stay the same. Changing a tensor that a recorded op saved for its backward pass changes
    /// the gradients that pass computes, so only update parameters between steps.
    public var scalars: [Scalar] {
        get { storage }
        set {
            if newValue.count != storage.count {
                misuse("scalars", "\(newValue.count) scalars do not fill shape \(describeShape(shape))")
            }
            storage = newValue
        }
    }

    /// Changes the elements in place: `body` gets them as an `inout` array, without a copy.
    ///
    /// For optimizers, whose updates would otherwise copy every parameter on each step. The same
    /// caution as for setting ``scalars`` applies, and `body` must keep the count.
    public func updateScalars<Result>(_ body: (inout [Scalar]) throws -> Result) rethrows -> Result {
        let count = storage.count
        defer {
            if storage.count != count { misuse("updateScalars", "the count changed from \(count) to \(storage.count)") }
        }
        return try body(&storage)
    }

    /// The element at a multi-dimensional index, e.g. `t[1, 2]`.
    public subscript(_ index: Int...) -> Scalar {
        storage[flatIndex(index)]
    }

    /// The only element of a tensor with exactly one element (a loss, say).
    public var item: Scalar {
        if storage.count != 1 {
            misuse("item", "needs a tensor with one element, got shape \(describeShape(shape))")
        }
        return storage[0]
    }

    func flatIndex(_ index: [Int]) -> Int {
        if index.count != shape.count {
            misuse("subscript", "\(index.count) indices for a tensor of shape \(describeShape(shape))")
        }
        var flat = 0
        for (axis, i) in index.enumerated() {
            if i < 0 || i >= shape[axis] {
                misuse("subscript", "index \(describeShape(index)) is out of bounds for shape \(describeShape(shape))")
            }
            flat = flat * shape[axis] + i
        }
        return flat
    }
}

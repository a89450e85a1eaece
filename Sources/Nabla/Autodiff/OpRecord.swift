/// What an op left behind in the graph: its name, its inputs and how to push a gradient back.
///
/// The backward rule receives the gradient of the op's output (same shape as the output) and
/// returns one gradient per input, in the order of ``inputs``; `nil` for an input that needs none.
/// After a `backward()` that does not retain the graph, the rule (and the tensors it saved) is
/// released: the record keeps its name and inputs so the graph can still be drawn.
public final class OpRecord<Scalar: TensorScalar> {
    /// The op's name, e.g. `"matmul"` or `"sigmoid"`.
    public let op: String

    /// Arguments worth showing beside the name, e.g. `"axes: [1]"`; empty when there are none.
    public let details: String

    /// The tensors the op read.
    public private(set) var inputs: [Tensor<Scalar>]

    /// Maps the output's gradient to the inputs' gradients; `nil` once the graph has been freed.
    var backward: ((Tensor<Scalar>) -> [Gradient<Scalar>?])?

    /// Whether `backward()` has already run through this op and released its saved tensors.
    public var isFreed: Bool { backward == nil }

    init(op: String, details: String, inputs: [Tensor<Scalar>],
         backward: @escaping (Tensor<Scalar>) -> [Gradient<Scalar>?]) {
        self.op = op
        self.details = details
        self.inputs = inputs
        self.backward = backward
    }

    /// Releases the graph behind this record without recursion.
    ///
    /// Freeing a tensor frees its record, which frees its inputs, which free their records...: on
    /// a 10,000-step chain the natural recursive teardown overflows the stack. Instead, records
    /// that only this graph holds are emptied here one at a time, so each one dies with nothing
    /// left to free.
    deinit {
        backward = nil
        var pending = inputs
        inputs = []
        while var tensor = pending.popLast() {
            guard isKnownUniquelyReferenced(&tensor), var record = tensor.record else { continue }
            tensor.record = nil
            guard isKnownUniquelyReferenced(&record) else { continue }
            record.backward = nil
            pending.append(contentsOf: record.inputs)
            record.inputs = []
        }
    }
}

extension Tensor {
    /// Creates the output of a custom op with a hand-written backward rule.
    ///
    /// This is how code outside the core adds an op (a fused GRU cell, say): compute the output's
    /// elements, and give the rule that maps the output's gradient to one gradient per input.
    /// The op is recorded only when an input requires a gradient and gradients are enabled.
    /// Check the rule with ``gradcheck(_:tolerance:step:_:)``.
    ///
    /// ```swift
    /// let y = Tensor(op: "square", inputs: [x], shape: x.shape, scalars: x.scalars.map { $0 * $0 }) { g in
    ///     [.dense(g * 2 * x)]
    /// }
    /// ```
    public convenience init(
        op: String, details: String = "", inputs: [Tensor<Scalar>], shape: [Int], scalars: [Scalar],
        backward: @escaping (Tensor<Scalar>) -> [Gradient<Scalar>?]
    ) {
        if scalars.count != Shape.elementCount(shape) {
            misuse(op, "\(scalars.count) scalars do not fill shape \(describeShape(shape))")
        }
        Tensor.checkAnomaly(scalars, op: op, stage: "the forward pass")
        let needsGraph = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
        let rule = AnomalyDetection.isEnabled ? { (g: Tensor<Scalar>) -> [Gradient<Scalar>?] in
            // The rule's own arithmetic is not checked as forward ops: its result is, as this op's.
            let gradients = AnomalyDetection.$isEnabled.withValue(false) { backward(g) }
            for case let gradient? in gradients {
                switch gradient {
                case .dense(let tensor): Tensor.checkAnomaly(tensor.storage, op: op, stage: "the backward pass")
                case .rowSparse(let sparse): Tensor.checkAnomaly(sparse.values, op: op, stage: "the backward pass")
                }
            }
            return gradients
        } : backward
        let record = needsGraph ? OpRecord(op: op, details: details, inputs: inputs, backward: rule) : nil
        self.init(shape: shape, storage: scalars, record: record)
    }

    /// Makes an op's output, recording `backward` only when some input requires a gradient and
    /// gradients are enabled (see ``withNoGrad(_:)-55f0s``).
    ///
    /// Every op in Nabla ends with this call, its derivative rule written right here beside it.
    static func result(
        of op: String, details: String = "", inputs: [Tensor<Scalar>], shape: [Int], storage: [Scalar],
        backward: @escaping (Tensor<Scalar>) -> [Gradient<Scalar>?]
    ) -> Tensor<Scalar> {
        Tensor(op: op, details: details, inputs: inputs, shape: shape, scalars: storage, backward: backward)
    }
}

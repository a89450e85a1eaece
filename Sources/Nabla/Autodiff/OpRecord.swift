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
    public let inputs: [Tensor<Scalar>]

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
}

extension Tensor {
    /// Makes an op's output, recording `backward` only when some input requires a gradient and
    /// gradients are enabled (see ``withNoGrad(_:)``).
    ///
    /// Every op in Nabla ends with this call, its derivative rule written right here beside it.
    static func result(
        of op: String, details: String = "", inputs: [Tensor<Scalar>], shape: [Int], storage: [Scalar],
        backward: @escaping (Tensor<Scalar>) -> [Gradient<Scalar>?]
    ) -> Tensor<Scalar> {
        let needsGraph = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
        let record = needsGraph ? OpRecord(op: op, details: details, inputs: inputs, backward: backward) : nil
        return Tensor(shape: shape, storage: storage, record: record)
    }
}

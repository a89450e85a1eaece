import Nabla

/// A lookup table of vectors: row `i` of `weight` is the embedding of index `i`.
///
/// Its gradient is row-sparse: a mini-batch touches only the rows it looked up, and sparse
/// optimizers (``Adagrad``) update only those.
public final class Embedding<Scalar: TensorScalar>: Module {
    /// The table, `[count, dimension]`.
    public let weight: Tensor<Scalar>
    /// Whether in training mode (no effect on an embedding).
    public var isTraining = true

    /// An embedding table with `count` rows of size `dimension`, initialised uniformly in
    /// `±√(6 / (count + dimension))`.
    public init(count: Int, dimension: Int, using generator: inout SeededRandomGenerator) {
        weight = Initializer.uniformGlorot([count, dimension], using: &generator)
        labelParameters()
    }

    /// `weight`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight)] }

    /// The rows at `indices`, shape `[indices.count, dimension]`.
    public func callAsFunction(_ indices: [Int]) -> Tensor<Scalar> {
        weight.gather(rows: indices)
    }
}

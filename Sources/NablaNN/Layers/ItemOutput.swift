import Nabla
import NablaKernels

/// The output layer of a next-item model: one row of weights and a bias per item, and scores
/// `h · W[i]ᵀ + b[i]` for the items asked for.
///
/// Training scores only a few rows (the mini-batch's targets and shared negative samples) with
/// ``scores(_:items:)``: one fused op, or, with the composed implementation or inside
/// `withComposedOps`, the same gather, product and sum spelled out (for drawing). Evaluation scores every item with
/// ``allScores(_:)``. The weight matrix can double as the input embedding (GRU4Rec's
/// constrained embedding).
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 1)
/// let output = ItemOutput<Float>(itemCount: 1_000, inputSize: 64, using: &generator)
/// let scores = output.scores(hidden, items: targets + samples)   // [batch, targets + samples]
/// ```
public final class ItemOutput<Scalar: TensorScalar>: Module {
    /// The item rows `[items, H]`.
    public let weight: Tensor<Scalar>
    /// The per-item bias `[items, 1]`.
    public let bias: Tensor<Scalar>
    /// Fused into one op, or composed from gather, matmul and add.
    public var implementation: GRUImplementation = .fused
    /// Whether in training mode (no effect on this layer).
    public var isTraining = true

    /// An output layer over `itemCount` items reading `inputSize` vectors: weights uniform in
    /// `±√(6 / (items + H))`, biases zero.
    public init(itemCount: Int, inputSize: Int, using generator: inout SeededRandomGenerator) {
        weight = Initializer.uniformGlorot([itemCount, inputSize], using: &generator)
        bias = Initializer.zeros([itemCount, 1])
        labelParameters()
    }

    /// `weight` and `bias`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight), ("bias", bias)] }

    /// The number of items.
    public var itemCount: Int { weight.shape[0] }

    /// Scores of the item rows `items` for each row of `hidden`: `[batch, items.count]`.
    public func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar> {
        guard implementation == .fused else { return withComposedOps { sampledScores(hidden: hidden, weights: weight, bias: bias, columns: items) } }
        return sampledScores(hidden: hidden, weights: weight, bias: bias, columns: items)
    }

    /// Scores of every item for each row of `hidden`, `[batch, items]`, without recording a graph.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func allScores(_ hidden: Tensor<Scalar>) -> Tensor<Scalar> {
        if hidden.rank != 2 || hidden.shape[1] != weight.shape[1] {
            misuse("ItemOutput.allScores", "hidden \(hidden.shape) does not fit item rows \(weight.shape)")
        }
        // Every row starts as the bias and the product is added onto it: one pass over the result.
        let batch = hidden.shape[0], width = hidden.shape[1], items = itemCount, biasValues = bias.scalars
        var scores = [Scalar]()
        scores.reserveCapacity(batch * items)
        for _ in 0..<batch { scores.append(contentsOf: biasValues) }
        gemm(transposeA: false, transposeB: true, m: batch, n: items, k: width, a: hidden.scalars, b: weight.scalars,
             accumulatingInto: &scores)
        return Tensor(scores, shape: [batch, items])
    }
}

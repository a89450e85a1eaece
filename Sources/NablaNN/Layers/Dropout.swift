import Nabla

/// Inverted dropout: in training, each element is zeroed with probability `p` and the survivors
/// are scaled by `1 / (1 − p)`, so evaluation needs no rescaling; in evaluation it is the identity.
///
/// `p` is the probability to **drop**, as in PyTorch and GRU4Rec's `dropout_p_hidden` (a keep
/// probability here is one of the mistakes that cost third-party GRU4Rec ports accuracy).
public final class Dropout<Scalar: TensorScalar>: Module {
    /// The probability of dropping each element, in `[0, 1)`.
    public let probability: Double
    /// Draws the masks.
    public var generator: SeededRandomGenerator
    /// Whether dropout is active.
    public var isTraining = true

    /// A dropout layer dropping with `probability`, drawing masks from a generator seeded with `seed`.
    public init(probability: Double, seed: UInt64 = 0) {
        if !(probability >= 0 && probability < 1) {
            misuse("Dropout", "the drop probability must be in [0, 1), got \(probability)")
        }
        self.probability = probability
        generator = SeededRandomGenerator(seed: seed)
    }

    /// `x` with dropout applied in training mode; `x` itself otherwise.
    ///
    /// Composed, this is `x * mask`; with fused ops (the default) one `dropout` op computes the
    /// same values and the same gradient for `x`, without computing one for the mask.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        guard isTraining && probability > 0 else { return x }
        let scale = Scalar(1 / (1 - probability))
        // Drawn from a local copy of the stream, put back after: one access to the property, not one per element.
        var stream = generator
        defer { generator = stream }
        // Picked from a pair, not branched on: keeping or dropping is a coin flip a branch predictor cannot learn.
        let keptOrDropped: [Scalar] = [scale, 0]
        var maskValues = [Scalar](repeating: 0, count: x.count)
        for i in maskValues.indices { maskValues[i] = keptOrDropped[stream.nextUnitInterval() < probability ? 1 : 0] }
        let mask = Tensor(maskValues, shape: x.shape)
        mask.name = "dropout mask"           // what a drawing of the graph calls it
        return FusedOps.areEnabled ? Self.masked(x, by: mask) : x * mask
    }

    /// `x ⊙ mask` as one op: `d(x ⊙ m)/dx = m`, and the mask, a constant, gets no gradient.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func masked(_ x: Tensor<Scalar>, by mask: Tensor<Scalar>) -> Tensor<Scalar> {
        let maskValues = mask.scalars
        return Tensor(op: "dropout", inputs: [x, mask], shape: x.shape, scalars: multiplied(x.scalars, by: maskValues)) { upstream in
            [.dense(Tensor(multiplied(upstream.scalars, by: maskValues), shape: x.shape)), nil]
        }
    }

    /// `values ⊙ mask`, elementwise.
    private static func multiplied(_ values: [Scalar], by mask: [Scalar]) -> [Scalar] {
        var product = values
        for i in product.indices { product[i] *= mask[i] }
        return product
    }
}

import Nabla

/// Additive attention (Bahdanau et al.; the local encoder of NARM): a query weighs a set of
/// keys by a small network, and the result is the keys' weighted sum.
///
///     eⱼ = vᵀ σ(A₁ q + A₂ kⱼ)        c = Σⱼ αⱼ kⱼ
///     αⱼ = mⱼ eⱼ                      (``Weighting/scores``, NARM's)
///     αⱼ = masked softmax of e over j (``Weighting/softmax``, Bahdanau's)
///
/// The keys come as a list of `[batch, keySize]` tensors (a window of earlier hidden states, as
/// a recurrent state holds them) with a `[batch, keys]` mask `m` of the ones that are filled.
/// Everything is composed from primitive ops, so the gradient reaches each key tensor, and
/// through it whatever computed it. A masked position's weight is exactly 0, and a row whose
/// mask is all zero gets weights 0 and the context 0 under either weighting (see
/// `Tensor.maskedSoftmax(mask:axis:)`).
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 1)
/// let attention = AdditiveAttention<Float>(querySize: 100, keySize: 100, attentionSize: 100, weighting: .scores, using: &generator)
/// let (context, weights) = attention(query: h, keys: window, mask: filled)   // [batch, 100], [batch, window.count]
/// ```
public final class AdditiveAttention<Scalar: TensorScalar>: Module {
    /// `A₁`: projects the query, `[attentionSize, querySize]`, no bias.
    public let queryProjection: Dense<Scalar>
    /// `A₂`: projects each key, `[attentionSize, keySize]`, no bias.
    public let keyProjection: Dense<Scalar>
    /// `v`: turns a projected pair into a score, `[1, attentionSize]`, no bias.
    public let scoreVector: Dense<Scalar>
    /// How scores become weights.
    public let weighting: Weighting
    /// Whether in training mode (no effect on attention).
    public var isTraining = true

    /// How the scores `eⱼ` of the filled positions become the weights `αⱼ`.
    public enum Weighting: Sendable {
        /// The scores themselves, zero where masked: the context's scale is learned with `v`
        /// (NARM, whose paper and code do not normalise).
        case scores
        /// A softmax over the filled positions: the weights sum to 1.
        case softmax
    }

    /// Attention of `querySize` queries over `keySize` keys through `attentionSize` units, with
    /// Glorot-uniform weights.
    public init(querySize: Int, keySize: Int, attentionSize: Int, weighting: Weighting,
                using generator: inout SeededRandomGenerator) {
        self.weighting = weighting
        queryProjection = Dense(inputSize: querySize, outputSize: attentionSize, hasBias: false, using: &generator)
        keyProjection = Dense(inputSize: keySize, outputSize: attentionSize, hasBias: false, using: &generator)
        scoreVector = Dense(inputSize: attentionSize, outputSize: 1, hasBias: false, using: &generator)
        labelParameters()
    }

    /// `A1`, `A2` and `v`, the paper's names.
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        [("A1", queryProjection), ("A2", keyProjection), ("v", scoreVector)]
    }

    /// The context and the attention weights of `query` (`[batch, querySize]`) over `keys`
    /// (each `[batch, keySize]`), attending only where `mask` (`[batch, keys.count]`, 1 or 0) is 1.
    ///
    /// - Returns: the context `Σⱼ αⱼ kⱼ`, `[batch, keySize]`, and the weights α, `[batch, keys.count]`.
    public func callAsFunction(query: Tensor<Scalar>, keys: [Tensor<Scalar>], mask: Tensor<Scalar>)
        -> (context: Tensor<Scalar>, weights: Tensor<Scalar>) {
        let batch = query.shape[0], count = keys.count, keySize = keyProjection.weight.shape[1]
        let attentionSize = queryProjection.weight.shape[0]
        if keys.isEmpty || keys.contains(where: { $0.shape != [batch, keySize] }) || mask.shape != [batch, count] {
            misuse("AdditiveAttention", "query \(query.shape), keys \(keys.map(\.shape)) and mask \(mask.shape) do not fit: "
                + "expected keys [\(batch), \(keySize)] each and a mask [\(batch), \(keys.count)]")
        }
        // Position-major, [K·B, ·]: the keys stack by appending, the query repeats as a block over
        // the positions, and the weighted sum adds whole blocks: no index arithmetic anywhere.
        let stacked = concat(keys, axis: 0)                                                   // [K·B, D]
        let projectedKeys = keyProjection(stacked).reshaped([count, batch, attentionSize])
        let hiddenUnits = (projectedKeys + queryProjection(query)).sigmoid()                  // [K, B, A]
        let scores = scoreVector(hiddenUnits.reshaped([count * batch, attentionSize])).reshaped([count, batch])
        let filled = mask.transposed()                                                        // [K, B]
        let weights = weighting == .softmax ? scores.maskedSoftmax(mask: filled, axis: 0) : scores * filled
        let context = (weights.reshaped([count, batch, 1]) * stacked.reshaped([count, batch, keySize])).sum(axes: [0])
        return (context, weights.transposed())
    }
}

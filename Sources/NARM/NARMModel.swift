import Nabla
import NablaNN
import NablaSessions

/// NARM, the neural attentive session recommender (Li et al., 2017): a GRU reads the session,
/// a global encoder keeps its last hidden state, a local encoder attends over the session's
/// earlier hidden states, and items are scored bilinearly against their embeddings.
///
///     hₜ = GRU(dropout(e(xₜ)), hₜ₋₁)
///     αₜⱼ = vᵀ σ(A₁ hₜ + A₂ hⱼ)  for the filled positions j of the window     c_local = Σⱼ αₜⱼ hⱼ
///     c = dropout([hₜ; c_local])     scoreᵢ = e(i) · B c + bᵢ
///
/// The weights are not normalised, as in the paper and its code (`attention=softmax` normalises
/// them over the window instead). The embedding rows `e(i)` are both what a step reads and what
/// items are scored against (the item rows of one `ItemOutput`, so evaluation ranks with its
/// single product); the per-item bias `bᵢ` starts at zero (the paper has none; it lets a sampled
/// loss learn popularity).
///
/// Trained session-parallel, one step at a time, the model cannot see a whole session: its state
/// holds the last `window` hidden states of each session (oldest first, the newest is `hₜ₋₁`
/// for the GRU) and a `[batch, window]` mask of which are filled. A new session's state is all
/// zeros: an empty window. A step shifts the window by one, so after K steps it holds exactly the
/// last K states, and the mask keeps attention off the positions a short session has not filled.
/// The window's tensors are the hidden states themselves, so when a graph is kept over several
/// steps the attention's gradient reaches the steps that computed them.
public final class NARMModel<Scalar: TensorScalar>: AttributableSessionModel {
    /// The item embeddings `[items, embedding]` (read and scored against) and per-item biases.
    public let items: ItemOutput<Scalar>
    /// Dropout on the embedding a step reads.
    public let embeddingDropout: Dropout<Scalar>
    /// The session encoder.
    public let gru: GRUCell<Scalar>
    /// The local encoder: `A₁`, `A₂`, `v`.
    public let attention: AdditiveAttention<Scalar>
    /// Dropout on the concatenated representation `[hₜ; c_local]`.
    public let representationDropout: Dropout<Scalar>
    /// `B`, `[embedding, 2 hidden]`: the bilinear decoder's matrix, as a dense layer without bias.
    public let bilinear: Dense<Scalar>
    /// How many of the last hidden states the local encoder attends over.
    public let windowSize: Int
    /// The hyperparameters the model was built with.
    public let configuration: NARMConfiguration
    /// Whether in training mode (dropout active).
    public var isTraining = true

    /// A NARM over `itemCount` items, with the sizes, dropout and seed of `configuration`.
    public init(configuration: NARMConfiguration, itemCount: Int) {
        self.configuration = configuration
        let embedding = configuration.integer("embedding"), hidden = configuration.integer("hidden")
        let seed = UInt64(configuration.text("seed"))!
        var generator = SeededRandomGenerator(seed: seed)
        windowSize = configuration.integer("window")
        items = ItemOutput(itemCount: itemCount, inputSize: embedding, using: &generator)
        gru = GRUCell(inputSize: embedding, hiddenSize: hidden, using: &generator)
        attention = AdditiveAttention(querySize: hidden, keySize: hidden, attentionSize: hidden,
                                      weighting: configuration.text("attention") == "softmax" ? .softmax : .scores, using: &generator)
        bilinear = Dense(inputSize: 2 * hidden, outputSize: embedding, hasBias: false, using: &generator)
        embeddingDropout = Dropout(probability: configuration.real("dropout_p_embed"), seed: seed &+ 1)
        representationDropout = Dropout(probability: configuration.real("dropout_p_hidden"), seed: seed &+ 2)
        labelParameters()
    }

    /// `items`, `gru`, `attention` (`A1`, `A2`, `v`), `B` and the two dropouts.
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        [("items", items), ("gru", gru), ("attention", attention), ("B", bilinear),
         ("dropoutEmbedding", embeddingDropout), ("dropoutHidden", representationDropout)]
    }

    /// The number of items.
    public var itemCount: Int { items.itemCount }

    /// The empty window: `window` zero hidden states `[batch, hidden]`, oldest first, then the
    /// mask `[batch, window]` (1 where a position holds a state of the session).
    public func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        Array(repeating: Tensor(zeros: [batchSize, gru.hiddenSize]), count: windowSize) + [Tensor(zeros: [batchSize, windowSize])]
    }

    /// An item's embedding row.
    public func inputVectors(_ items: [Int]) -> Tensor<Scalar> { self.items.weight.gather(rows: items) }

    /// One step: the GRU reads the embeddings, the window takes the new hidden state, and the
    /// representation `B [hₜ; c_local]` is what items are scored from, `[batch, embedding]`.
    public func step(inputVectors: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        let hidden = stepWindow(inputVectors: inputVectors, states: &states)
        let (local, _) = attention(query: hidden, keys: Array(states[0..<windowSize]), mask: states[windowSize])
        return bilinear(representationDropout(concat([hidden, local], axis: 1)))
    }

    /// The GRU's step, with the window shifted to end at the new hidden state: what
    /// ``step(inputVectors:states:)`` attends over, and what a picture of the weights reads.
    /// - Returns: the new hidden state `hₜ`.
    public func stepWindow(inputVectors: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        let mask = states[windowSize], batch = inputVectors.shape[0]
        let hidden = gru(embeddingDropout(inputVectors), states[windowSize - 1])
        let filled = windowSize == 1 ? Tensor(ones: [batch, 1])
            : concat([mask.sliced(1..<windowSize, axis: 1), Tensor(ones: [batch, 1])], axis: 1)
        states = Array(states[1..<windowSize]) + [hidden, filled]
        return hidden
    }

    /// The attention weights of one step over the window (after ``stepWindow(inputVectors:states:)``),
    /// `[batch, window]`, oldest position first.
    public func attentionWeights(hidden: Tensor<Scalar>, states: [Tensor<Scalar>]) -> Tensor<Scalar> {
        attention(query: hidden, keys: Array(states[0..<windowSize]), mask: states[windowSize]).weights
    }

    /// Scores of the items `items`: `e(i) · B c + bᵢ`.
    public func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar> { self.items.scores(hidden, items: items) }

    /// The embedding rows and biases: every item in one product.
    public var itemOutput: ItemOutput<Scalar>? { items }
}

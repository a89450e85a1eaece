import Nabla
import NablaNN
import NablaSessions

/// GRU4Rec's network, assembled from NablaNN's layers: item input, a stacked `GRU` and an
/// `ItemOutput` scoring items.
///
/// | input mode | how an item enters the first layer | parameters |
/// |---|---|---|
/// | constrained (default) | its row of the output matrix `items.weight` | `items.weight`, `items.bias`, `gru.*` |
/// | embedding | its row of a separate `embedding.weight` | `embedding.weight`, ... |
/// | one-hot | its row of the first layer's input table | `gru.layer0.inputTable`, ... |
///
/// As in the official implementation, dropout (in training mode) is applied to the input
/// embedding (`dropout_p_embed`) and to each layer's output (`dropout_p_hidden`), and the
/// dropped-out output is what the layer carries forward. In one-hot mode the first layer's
/// output takes the embedding dropout, because that layer is the embedding.
///
/// Scores are `h · Wᵀ + b` for the rows of the items asked for: during training only the
/// mini-batch's targets and the shared samples, never all items. The model is a
/// `SessionModel`, so `SessionTrainer`, `Evaluator`, `Recommender` and
/// `SessionCheckpoint` work on it as on any other.
public final class GRU4RecModel<Scalar: TensorScalar>: SessionModel {
    /// The hyperparameters.
    public let configuration: GRU4RecConfiguration
    /// The number of items.
    public let itemCount: Int
    /// The output layer: item matrix `[items, H_last]` (also the input embedding when
    /// constrained) and per-item bias.
    public let output: ItemOutput<Scalar>
    /// The separate input embedding, in embedding mode.
    public let inputEmbedding: Embedding<Scalar>?
    /// Dropout on the input embedding (`dropout_p_embed`); in one-hot mode it is the GRU's first dropout.
    public let embeddingDropout: Dropout<Scalar>
    /// The GRU layers, with dropout after each.
    public let gru: GRU<Scalar>
    /// Whether in training mode (dropout active).
    public var isTraining = true

    /// A freshly initialised model for `itemCount` items, seeded by `configuration.seed`.
    public init(configuration: GRU4RecConfiguration, itemCount: Int) {
        self.configuration = configuration
        self.itemCount = itemCount
        var generator = SeededRandomGenerator(seed: configuration.seed)
        let layers = configuration.layers, seed = configuration.seed
        embeddingDropout = Dropout(probability: configuration.dropoutEmbed, seed: seed &+ 1)
        var dropouts = layers.indices.map { Dropout<Scalar>(probability: configuration.dropoutHidden, seed: seed &+ 2 &+ UInt64($0)) }
        let input: GRUInput
        switch configuration.inputMode {
        case .constrained:
            inputEmbedding = nil
            input = .vectors(size: layers[layers.count - 1])
        case .embedding(let size):
            inputEmbedding = Embedding(count: itemCount, dimension: size, using: &generator)
            input = .vectors(size: size)
        case .oneHot:
            inputEmbedding = nil
            input = .items(count: itemCount)
            dropouts[0] = embeddingDropout
        }
        gru = GRU(input: input, hiddenSizes: layers, formulation: configuration.formulation, dropouts: dropouts, using: &generator)
        output = ItemOutput(itemCount: itemCount, inputSize: layers[layers.count - 1], using: &generator)
        labelParameters()
    }

    /// `items` (the output layer), `embedding` in embedding mode, `gru`, and the embedding dropout.
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        var modules: [(name: String, module: any Module<Scalar>)] = [("items", output)]
        if let inputEmbedding { modules.append(("embedding", inputEmbedding)) }
        modules.append(("gru", gru))
        if configuration.inputMode != .oneHot { modules.append(("dropout.embedding", embeddingDropout)) }
        return modules
    }

    /// The hidden size of each layer.
    public var hiddenSizes: [Int] { configuration.layers }

    /// Switches the GRU layers and the output layer between the composed and the fused implementation.
    public var implementation: GRUImplementation {
        get { gru.implementation }
        set {
            gru.implementation = newValue
            output.implementation = newValue
        }
    }

    /// Zero hidden states for `batchSize` sessions, one per layer, named for drawings.
    public func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        gru.zeroStates(batchSize: batchSize)
    }

    /// One step through the network: reads `items`, updates `states` (one per layer) and returns
    /// the last layer's output `[batch, H_last]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(_ items: [Int], states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        switch configuration.inputMode {
        case .constrained:
            let x = embeddingDropout(output.weight.gather(rows: items))
            return withScope("gru") { gru.step(x, states: &states) }
        case .embedding:
            let x = embeddingDropout(inputEmbedding!(items))
            return withScope("gru") { gru.step(x, states: &states) }
        case .oneHot:
            return withScope("gru") { gru.step(items: items, states: &states) }
        }
    }

    /// Scores of the given item rows for each session: `h · W[items]ᵀ + b[items]`,
    /// `[batch, items.count]`, tagged with the scope `scores`.
    public func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar> {
        withScope("scores") { output.scores(hidden, items: items) }
    }

    /// The output layer: every item's score is `h · W[i]ᵀ + b[i]`, so scoring every item is one
    /// product and evaluation ranks from its rows.
    public var itemOutput: ItemOutput<Scalar>? { output }
}

import Nabla
import NablaNN

/// GRU4Rec's network: item input, a stack of GRU layers, and item scores from an output item
/// matrix and per-item bias.
///
/// | input mode | how an item enters the first layer | parameters |
/// |---|---|---|
/// | constrained (default) | its row of the output matrix `items.weight` | `items.weight`, `items.bias`, `gru.*` |
/// | embedding | its row of a separate `embedding.weight` | `embedding.weight`, ... |
/// | one-hot | its row of the first layer's input table | `gru.layer0.inputTable`, ... |
///
/// Scores are `h · Wᵀ + b` for the rows of the items asked for: during training only the
/// mini-batch's targets and the shared samples, never all items.
public final class GRU4RecModel<Scalar: TensorScalar>: Module {
    /// The hyperparameters.
    public let configuration: GRU4RecConfiguration
    /// The number of items.
    public let itemCount: Int
    /// The output item matrix `[items, H_last]` (also the input embedding when constrained).
    public let itemWeights: Tensor<Scalar>
    /// The per-item output bias `[items, 1]`.
    public let itemBias: Tensor<Scalar>
    /// The separate input embedding `[items, embedding]`, in embedding mode.
    public let inputEmbedding: Tensor<Scalar>?
    /// The first layer in one-hot mode.
    public let oneHotLayer: OneHotGRUCell<Scalar>?
    /// The GRU layers that read dense vectors (all layers, or all but the first in one-hot mode).
    public let cells: [GRUCell<Scalar>]
    /// Dropout on the input embedding (`dropout_p_embed`).
    public let embeddingDropout: Dropout<Scalar>
    /// Dropout after each GRU layer (`dropout_p_hidden`).
    public let hiddenDropouts: [Dropout<Scalar>]
    /// Whether in training mode (dropout active).
    public var isTraining = true

    /// A freshly initialised model for `itemCount` items, seeded by `configuration.seed`.
    public init(configuration: GRU4RecConfiguration, itemCount: Int) {
        self.configuration = configuration
        self.itemCount = itemCount
        var generator = SeededRandomGenerator(seed: configuration.seed)
        let layers = configuration.layers
        var inputSize: Int
        switch configuration.inputMode {
        case .constrained:
            inputEmbedding = nil
            oneHotLayer = nil
            inputSize = layers[layers.count - 1]
        case .embedding(let size):
            inputEmbedding = Initializer.uniformGlorot([itemCount, size], using: &generator)
            oneHotLayer = nil
            inputSize = size
        case .oneHot:
            inputEmbedding = nil
            oneHotLayer = OneHotGRUCell(itemCount: itemCount, hiddenSize: layers[0], formulation: configuration.formulation,
                                        using: &generator)
            inputSize = layers[0]
        }
        var cells: [GRUCell<Scalar>] = []
        for size in layers.dropFirst(oneHotLayer == nil ? 0 : 1) {
            cells.append(GRUCell(inputSize: inputSize, hiddenSize: size, formulation: configuration.formulation, using: &generator))
            inputSize = size
        }
        self.cells = cells
        itemWeights = Initializer.uniformGlorot([itemCount, layers[layers.count - 1]], using: &generator)
        itemBias = Initializer.zeros([itemCount, 1])
        embeddingDropout = Dropout(probability: configuration.dropoutEmbed, seed: configuration.seed &+ 1)
        hiddenDropouts = layers.indices.map { Dropout(probability: configuration.dropoutHidden, seed: configuration.seed &+ 2 &+ UInt64($0)) }
        labelParameters()
    }

    /// `items.weight`, `items.bias` and, in embedding mode, `embedding.weight`.
    public var localParameters: [(name: String, tensor: Tensor<Scalar>)] {
        [("items.weight", itemWeights), ("items.bias", itemBias)] + (inputEmbedding.map { [("embedding.weight", $0)] } ?? [])
    }

    /// The GRU layers as `gru.layer0`, `gru.layer1`, ..., and the dropouts (no parameters).
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        var modules: [(name: String, module: any Module<Scalar>)] = []
        if let oneHotLayer { modules.append(("gru.layer0", oneHotLayer)) }
        let offset = oneHotLayer == nil ? 0 : 1
        for (index, cell) in cells.enumerated() { modules.append(("gru.layer\(index + offset)", cell)) }
        modules.append(("dropout.embedding", embeddingDropout))
        for (index, dropout) in hiddenDropouts.enumerated() { modules.append(("dropout.layer\(index)", dropout)) }
        return modules
    }

    /// The hidden size of each layer.
    public var hiddenSizes: [Int] { configuration.layers }

    /// Switches every GRU layer between the composed and the fused implementation.
    public var implementation: GRUImplementation {
        get { cells.first?.implementation ?? oneHotLayer!.implementation }
        set {
            for cell in cells { cell.implementation = newValue }
            oneHotLayer?.implementation = newValue
        }
    }

    /// Zero hidden states for `batchSize` sessions, one per layer, named for drawings.
    public func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        hiddenSizes.enumerated().map { index, size in
            let state = Tensor<Scalar>(zeros: [batchSize, size])
            state.name = "initial state (layer \(index))"
            return state
        }
    }

    /// One step through the network: reads `items`, updates `states` (one per layer) and returns
    /// the last layer's output `[batch, H_last]`.
    ///
    /// As in the official implementation, dropout (in training mode) is applied to the embedding
    /// and to each layer's output, and the dropped-out output is what the layer carries forward.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(_ items: [Int], states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        var x: Tensor<Scalar>
        var firstCell = 0
        switch configuration.inputMode {
        case .constrained:
            x = embeddingDropout(itemWeights.gather(rows: items))
        case .embedding:
            x = embeddingDropout(inputEmbedding!.gather(rows: items))
        case .oneHot:
            x = withScope("gru.layer0") { embeddingDropout(oneHotLayer!(items, states[0])) }
            states[0] = x
            firstCell = 1
        }
        for (index, cell) in cells.enumerated() {
            let layer = index + firstCell
            x = withScope("gru.layer\(layer)") { hiddenDropouts[layer](cell(x, states[layer])) }
            states[layer] = x
        }
        return x
    }

    /// Scores of the given item rows for each session: `h · W[columns]ᵀ + b[columns]`,
    /// `[batch, columns.count]`: one fused op (NablaNN's `sampledScores(hidden:weights:bias:columns:)`)
    /// with the fused GRU, the same ops spelled out with the composed one (for drawing).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func scores(_ hidden: Tensor<Scalar>, columns: [Int]) -> Tensor<Scalar> {
        withScope("scores") {
            if implementation == .fused {
                return sampledScores(hidden: hidden, weights: itemWeights, bias: itemBias, columns: columns)
            }
            return matmul(hidden, itemWeights.gather(rows: columns), transposeB: true)
                + itemBias.gather(rows: columns).reshaped([1, -1])
        }
    }

    /// Scores of every item for each session, `[batch, items]`: `h · Wᵀ + b`, without recording a
    /// graph.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func allScores(_ hidden: Tensor<Scalar>) -> Tensor<Scalar> {
        // Every row starts as the bias and the product is added onto it: one pass over the result.
        let batch = hidden.shape[0], width = hidden.shape[1], bias = itemBias.scalars
        var scores = [Scalar]()
        scores.reserveCapacity(batch * itemCount)
        for _ in 0..<batch { scores.append(contentsOf: bias) }
        gemm(transposeA: false, transposeB: true, m: batch, n: itemCount, k: width, a: hidden.scalars, b: itemWeights.scalars,
             accumulatingInto: &scores)
        return Tensor(scores, shape: [batch, itemCount])
    }
}

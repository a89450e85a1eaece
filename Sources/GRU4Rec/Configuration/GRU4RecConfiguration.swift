import NablaNN
import NablaSessions

/// Every hyperparameter of GRU4Rec, under the official implementation's names and defaults.
///
/// Parameter strings in the official `run.py -ps` form are read as they are, so published
/// parameter files can be reused:
///
/// ```swift
/// let configuration = try GRU4RecConfiguration(parameters:
///     "loss=bpr-max,layers=224,batch_size=80,dropout_p_embed=0.5,dropout_p_hidden=0.05,learning_rate=0.05,"
///     + "momentum=0.4,n_sample=2048,sample_alpha=0.4,bpreg=1.95,elu_param=0.5,constrained_embedding=True,n_epochs=10")
/// ```
public struct GRU4RecConfiguration: Sendable, Equatable {
    /// The training loss.
    public enum Loss: String, Sendable, CaseIterable {
        /// Sampled softmax cross-entropy (optionally with logQ correction).
        case crossEntropy = "cross-entropy"
        /// BPR-max with ELU final activation and score regularisation.
        case bprMax = "bpr-max"
        /// BPR over the sampled negatives.
        case bpr = "bpr"
        /// TOP1.
        case top1 = "top1"
        /// TOP1-max.
        case top1Max = "top1-max"
    }

    /// `loss`: the training loss. Default `cross-entropy`.
    public var loss: Loss = .crossEntropy
    /// `layers`: hidden sizes of the GRU layers, written `100` or `200/100`. Default `[100]`.
    public var layers: [Int] = [100]
    /// `batch_size`: session slots per mini-batch; each step's loss is divided by it. Default 64.
    public var batchSize = 64
    /// `dropout_p_embed`: dropout (drop probability) on the input embedding. Default 0.
    public var dropoutEmbed = 0.0
    /// `dropout_p_hidden`: dropout (drop probability) on each GRU layer's output. Default 0.
    public var dropoutHidden = 0.0
    /// `learning_rate`: Adagrad's learning rate. Default 0.05.
    public var learningRate = 0.05
    /// `momentum`: Adagrad's momentum. Default 0.
    public var momentum = 0.0
    /// `sample_alpha`: negative samples are drawn ∝ support^α. Default 0.5.
    public var sampleAlpha = 0.5
    /// `n_sample`: shared negative samples per mini-batch, besides the in-batch targets. Default 2048.
    public var sampleCount = 2048
    /// `embedding`: size of a separate input embedding; 0 for none (one-hot input unless
    /// `constrained_embedding`). `layersize` means the first layer's size. Default 0.
    public var embedding = 0
    /// `constrained_embedding`: the output item matrix is also the input embedding. Default `True`.
    public var constrainedEmbedding = true
    /// `n_epochs`: passes over the training data. Default 10.
    public var epochs = 10
    /// `bpreg`: the score regularisation weight of BPR-max. Default 1.
    public var bpreg = 1.0
    /// `elu_param`: α of the ELU applied to scores before BPR-max; 0 means linear. Default 0.5.
    public var eluParameter = 0.5
    /// `logq`: weight of the logQ correction of cross-entropy; 0 for none. Default 0.
    public var logq = 0.0
    /// `gru_formulation` (Nabla): `pytorch` (`torch.nn.GRUCell`, as the official PyTorch code) or
    /// `original` (Cho et al., as the Theano code). Default `pytorch`.
    public var formulation: GRUFormulation = .pytorch
    /// `seed` (Nabla): the seed of initialisation, dropout and sampling. Default 42.
    public var seed: UInt64 = 42
    /// `sample_cache_max_size`: negative samples drawn per cache refill. Default 1,000,000.
    public var sampleCacheSize = 1_000_000
    /// `bptt_steps` (Nabla): session-parallel steps backpropagated together (truncated
    /// backpropagation through time, `SessionTrainingOptions.bpttSteps`); 1 detaches the states
    /// after every step, as the official code does. Default 1, at most 1000.
    public var bpttSteps = 1

    /// The official defaults.
    public init() {}

    /// Overrides parameters from a `name=value,...` string, each value checked alone; the whole
    /// configuration is checked by ``validate()``, once every source of values has been applied.
    ///
    /// `@name` stands for a preset's parameters (see ``presets``), expanded where it stands. Each
    /// name is set once: a value after a preset overrides the preset's value, as the preset is
    /// there to be adjusted (`@rsc15-xe,n_epochs=1`); any other repetition is an error naming
    /// both values, not a silent choice of one: a name given twice, a value that a later preset
    /// would override (`n_epochs=1,@rsc15-xe`), or two presets.
    public mutating func set(_ parameters: String) throws {
        for (name, value) in try ParameterString.assignments(in: parameters, preset: Self.preset(named:)) {
            try set(name, to: value)
        }
    }

    /// Sets one parameter from its text value, checked against the parameter's range.
    ///
    /// - Throws: `ConfigurationError` naming an unknown parameter, or the value and what the
    ///   parameter allows; the configuration is then unchanged.
    public mutating func set(_ name: String, to value: String) throws {
        guard let parameter = Self.parameter(named: name) else {
            throw ConfigurationError(parameter: name, "unknown parameter; known: \(Self.parameterNames.joined(separator: ", "))")
        }
        var changed = self
        guard parameter.read(&changed, value), parameter.allows(changed) else {
            throw ConfigurationError(parameter: name, "'\(value)' is not \(parameter.expected)")
        }
        self = changed
    }

    /// The largest layer or embedding size accepted (65,536).
    public static let maximumSize = 1 << 16
    /// The most GRU layers accepted.
    public static let maximumLayers = 64
    /// The largest batch size, sample count, cache size and epoch count accepted (2³⁰): large
    /// enough for any machine, small enough that no size computed from them overflows. Whether a
    /// setting fits the memory is checked separately (``MemoryEstimate``).
    public static let maximumCount = 1 << 30

    /// The most steps backpropagated together accepted (1000).
    public static let maximumBPTTSteps = 1000

    /// Every parameter name this type reads.
    public static let parameterNames = parameters.map(\.name)

    /// The size of the separate input embedding (resolving `layersize`), or 0.
    public var embeddingSize: Int { embedding < 0 ? layers[0] : embedding }

    /// How items enter the first layer.
    public var inputMode: InputMode {
        constrainedEmbedding ? .constrained : embeddingSize > 0 ? .embedding(embeddingSize) : .oneHot
    }

    /// How items enter the network.
    public enum InputMode: Equatable, Sendable {
        /// The output item matrix doubles as the input embedding (size: the last layer's).
        case constrained
        /// A separate embedding table of the given size.
        case embedding(Int)
        /// One-hot input into the first GRU layer (stored as a row lookup).
        case oneHot
    }

    /// All parameters as a string that `init(parameters:)` reads back to an equal value.
    /// `bptt_steps` appears only when it is not 1, so the official parameters are written as
    /// they always were.
    public var parameterString: String {
        Self.parameters.filter { $0.name != "bptt_steps" || bpttSteps != 1 }
            .map { "\($0.name)=\($0.text(self))" }.joined(separator: ",")
    }
}

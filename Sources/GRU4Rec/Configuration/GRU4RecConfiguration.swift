import NablaNN

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

    /// The official defaults.
    public init() {}

    /// The defaults overridden by a `name=value,name=value` string (the official `-ps` form).
    ///
    /// - Throws: ``ConfigurationError`` naming an unknown parameter or a bad value.
    public init(parameters: String) throws {
        self.init()
        try apply(parameters)
    }

    /// Overrides parameters from a `name=value,...` string; `@name` stands for a preset's
    /// parameters (see ``presets``), applied where it stands, so later values override it. A name
    /// given twice in the string itself is an error, not a silent choice of one of its values.
    public mutating func apply(_ parameters: String) throws {
        var given: [String: String] = [:]
        for pair in parameters.split(separator: ",", omittingEmptySubsequences: true) {
            if pair.hasPrefix("@") {
                try apply(Self.preset(named: String(pair.dropFirst()).trimmingCharacters(in: .whitespaces)))
                continue
            }
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigurationError(parameter: String(pair), "expected name=value")
            }
            if let earlier = given[parts[0]] {
                throw ConfigurationError(parameter: parts[0], "given twice ('\(earlier)' and '\(parts[1])'); give it once")
            }
            given[parts[0]] = parts[1]
            try set(parts[0], to: parts[1])
        }
        try validate()
    }

    /// Sets one parameter from its text value.
    public mutating func set(_ name: String, to value: String) throws {
        func number(_ check: (Double) -> Bool, _ expected: String) throws -> Double {
            guard let parsed = Double(value), parsed.isFinite, check(parsed) else {
                throw ConfigurationError(parameter: name, "'\(value)' is not \(expected)")
            }
            return parsed
        }
        func integer(minimum: Int, maximum: Int) throws -> Int {
            guard let parsed = Int(value), parsed >= minimum, parsed <= maximum else {
                throw ConfigurationError(parameter: name, "'\(value)' is not an integer from \(minimum) to \(maximum)")
            }
            return parsed
        }
        switch name {
        case "loss":
            guard let parsed = Loss(rawValue: value) else {
                throw ConfigurationError(parameter: name, "'\(value)' is not one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            loss = parsed
        case "layers":
            let sizes = value.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard !sizes.isEmpty, sizes.count <= Self.maximumLayers,
                  sizes.allSatisfy({ (1...Self.maximumSize).contains($0 ?? 0) }) else {
                throw ConfigurationError(parameter: name, "'\(value)' is not a list of at most \(Self.maximumLayers) sizes "
                    + "from 1 to \(Self.maximumSize), such as 100 or 200/100")
            }
            layers = sizes.map { $0! }
        case "batch_size": batchSize = try integer(minimum: 1, maximum: Self.maximumCount)
        case "dropout_p_embed": dropoutEmbed = try number({ $0 >= 0 && $0 < 1 }, "a drop probability in [0, 1)")
        case "dropout_p_hidden": dropoutHidden = try number({ $0 >= 0 && $0 < 1 }, "a drop probability in [0, 1)")
        case "learning_rate": learningRate = try number({ $0 > 0 }, "a positive number")
        case "momentum": momentum = try number({ $0 >= 0 && $0 < 1 }, "a momentum in [0, 1)")
        case "sample_alpha": sampleAlpha = try number({ $0 >= 0 }, "a non-negative number")
        case "n_sample": sampleCount = try integer(minimum: 0, maximum: Self.maximumCount)
        case "embedding":
            embedding = value == "layersize" ? -1 : try integer(minimum: 0, maximum: Self.maximumSize)
        case "constrained_embedding":
            switch value {
            case "True", "true", "1": constrainedEmbedding = true
            case "False", "false", "0": constrainedEmbedding = false
            default: throw ConfigurationError(parameter: name, "'\(value)' is not True or False")
            }
        case "n_epochs": epochs = try integer(minimum: 1, maximum: Self.maximumCount)
        case "bpreg": bpreg = try number({ $0 >= 0 }, "a non-negative number")
        case "elu_param": eluParameter = try number({ $0 >= 0 }, "a non-negative number")
        case "logq": logq = try number({ $0 >= 0 }, "a non-negative number")
        case "gru_formulation":
            guard let parsed = GRUFormulation(rawValue: value) else {
                throw ConfigurationError(parameter: name, "'\(value)' is not pytorch or original")
            }
            formulation = parsed
        case "seed":
            guard let parsed = UInt64(value) else { throw ConfigurationError(parameter: name, "'\(value)' is not a non-negative integer") }
            seed = parsed
        case "sample_cache_max_size": sampleCacheSize = try integer(minimum: 1, maximum: Self.maximumCount)
        default:
            throw ConfigurationError(parameter: name, "unknown parameter; known: \(Self.parameterNames.joined(separator: ", "))")
        }
    }

    /// The largest layer or embedding size accepted (65,536).
    public static let maximumSize = 1 << 16
    /// The most GRU layers accepted.
    public static let maximumLayers = 64
    /// The largest batch size, sample count, cache size and epoch count accepted (2³⁰): large
    /// enough for any machine, small enough that no size computed from them overflows. Whether a
    /// setting fits the memory is checked separately (``MemoryEstimate``).
    public static let maximumCount = 1 << 30

    /// Every parameter name this type reads.
    public static let parameterNames = [
        "loss", "layers", "batch_size", "dropout_p_embed", "dropout_p_hidden", "learning_rate", "momentum",
        "sample_alpha", "n_sample", "embedding", "constrained_embedding", "n_epochs", "bpreg", "elu_param", "logq",
        "gru_formulation", "seed", "sample_cache_max_size",
    ]

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

    /// All parameters as a string that ``init(parameters:)`` reads back to an equal value.
    public var parameterString: String {
        [
            "loss=\(loss.rawValue)", "layers=\(layers.map(String.init).joined(separator: "/"))",
            "batch_size=\(batchSize)", "dropout_p_embed=\(dropoutEmbed)", "dropout_p_hidden=\(dropoutHidden)",
            "learning_rate=\(learningRate)", "momentum=\(momentum)", "sample_alpha=\(sampleAlpha)",
            "n_sample=\(sampleCount)", "embedding=\(embedding < 0 ? "layersize" : String(embedding))",
            "constrained_embedding=\(constrainedEmbedding ? "True" : "False")", "n_epochs=\(epochs)",
            "bpreg=\(bpreg)", "elu_param=\(eluParameter)", "logq=\(logq)",
            "gru_formulation=\(formulation.rawValue)", "seed=\(seed)", "sample_cache_max_size=\(sampleCacheSize)",
        ].joined(separator: ",")
    }

    /// Checks combinations that single values cannot.
    func validate() throws {
        if loss == .crossEntropy && sampleCount == 0 && batchSize < 2 {
            throw ConfigurationError(parameter: "batch_size", "with n_sample=0 a batch needs at least 2 slots to have negatives")
        }
    }
}

/// A hyperparameter that is unknown or has a bad value.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The parameter's name (or the malformed text).
    public let parameter: String
    /// What is wrong.
    public let message: String

    /// An error about `parameter`.
    public init(parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// `parameter 'name': message`.
    public var description: String { "parameter '\(parameter)': \(message)" }
}

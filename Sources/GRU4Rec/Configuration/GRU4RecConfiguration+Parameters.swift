import NablaNN

extension GRU4RecConfiguration {
    /// One hyperparameter under its official name: how its text is read, the values it may take
    /// and how it is written back. Parsing a value and validating a whole configuration use the
    /// same ``allows`` and ``expected``, so every source of a configuration meets the same ranges.
    struct Parameter: Sendable {
        /// The official name, such as `batch_size`.
        let name: String
        /// What the value must be, in words: "an integer from 1 to 1073741824".
        let expected: String
        /// Reads `text` into the configuration; `false` when the text is not of the right kind.
        let read: @Sendable (inout GRU4RecConfiguration, String) -> Bool
        /// Whether the configuration's value is in range.
        let allows: @Sendable (GRU4RecConfiguration) -> Bool
        /// The configuration's value as text that ``read`` reads back.
        let text: @Sendable (GRU4RecConfiguration) -> String
    }

    /// Every hyperparameter, in the order of ``parameterString``.
    static let parameters: [Parameter] = [
        Parameter(name: "loss", expected: "one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))",
                  read: { configuration, text in
                      guard let loss = Loss(rawValue: text) else { return false }
                      configuration.loss = loss
                      return true
                  }, allows: { _ in true }, text: { $0.loss.rawValue }),
        Parameter(name: "layers", expected: "a list of 1 to \(maximumLayers) sizes from 1 to \(maximumSize), such as 100 or 200/100",
                  read: { configuration, text in
                      let sizes = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
                      guard sizes.allSatisfy({ $0 != nil }) else { return false }
                      configuration.layers = sizes.map { $0! }
                      return true
                  }, allows: { (1...maximumLayers).contains($0.layers.count) && $0.layers.allSatisfy((1...maximumSize).contains) },
                  text: { $0.layers.map(String.init).joined(separator: "/") }),
        integer("batch_size", 1...maximumCount, \.batchSize),
        real("dropout_p_embed", "a drop probability in [0, 1)", \.dropoutEmbed) { $0 >= 0 && $0 < 1 },
        real("dropout_p_hidden", "a drop probability in [0, 1)", \.dropoutHidden) { $0 >= 0 && $0 < 1 },
        real("learning_rate", "a positive number", \.learningRate) { $0 > 0 },
        real("momentum", "a momentum in [0, 1)", \.momentum) { $0 >= 0 && $0 < 1 },
        real("sample_alpha", "a non-negative number", \.sampleAlpha) { $0 >= 0 },
        integer("n_sample", 0...maximumCount, \.sampleCount),
        Parameter(name: "embedding", expected: "layersize or an integer from 0 to \(maximumSize)",
                  read: { configuration, text in
                      guard let size = text == "layersize" ? -1 : Int(text) else { return false }
                      configuration.embedding = size
                      return true
                  }, allows: { $0.embedding == -1 || (0...maximumSize).contains($0.embedding) },
                  text: { $0.embedding < 0 ? "layersize" : String($0.embedding) }),
        Parameter(name: "constrained_embedding", expected: "True or False",
                  read: { configuration, text in
                      switch text {
                      case "True", "true", "1": configuration.constrainedEmbedding = true
                      case "False", "false", "0": configuration.constrainedEmbedding = false
                      default: return false
                      }
                      return true
                  }, allows: { _ in true }, text: { $0.constrainedEmbedding ? "True" : "False" }),
        integer("n_epochs", 1...maximumCount, \.epochs),
        real("bpreg", "a non-negative number", \.bpreg) { $0 >= 0 },
        real("elu_param", "a non-negative number", \.eluParameter) { $0 >= 0 },
        real("logq", "a non-negative number", \.logq) { $0 >= 0 },
        Parameter(name: "gru_formulation", expected: "pytorch or original",
                  read: { configuration, text in
                      guard let formulation = GRUFormulation(rawValue: text) else { return false }
                      configuration.formulation = formulation
                      return true
                  }, allows: { _ in true }, text: { $0.formulation.rawValue }),
        Parameter(name: "seed", expected: "a non-negative integer",
                  read: { configuration, text in
                      guard let seed = UInt64(text) else { return false }
                      configuration.seed = seed
                      return true
                  }, allows: { _ in true }, text: { String($0.seed) }),
        integer("sample_cache_max_size", 1...maximumCount, \.sampleCacheSize),
        integer("bptt_steps", 1...maximumBPTTSteps, \.bpttSteps),
    ]

    /// The parameter of that official name, if there is one.
    static func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// An integer parameter allowed in `range`.
    private static func integer(_ name: String, _ range: ClosedRange<Int>,
                                _ value: WritableKeyPath<GRU4RecConfiguration, Int> & Sendable) -> Parameter {
        Parameter(name: name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)",
                  read: { configuration, text in
                      guard let parsed = Int(text) else { return false }
                      configuration[keyPath: value] = parsed
                      return true
                  }, allows: { range.contains($0[keyPath: value]) }, text: { String($0[keyPath: value]) })
    }

    /// A real parameter whose finite values `allowed` accepts.
    private static func real(_ name: String, _ expected: String, _ value: WritableKeyPath<GRU4RecConfiguration, Double> & Sendable,
                             _ allowed: @escaping @Sendable (Double) -> Bool) -> Parameter {
        Parameter(name: name, expected: expected,
                  read: { configuration, text in
                      guard let parsed = Double(text) else { return false }
                      configuration[keyPath: value] = parsed
                      return true
                  }, allows: { $0[keyPath: value].isFinite && allowed($0[keyPath: value]) }, text: { String($0[keyPath: value]) })
    }
}

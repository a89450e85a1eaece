import Nabla

/// A model's list of hyperparameters and presets: what ``HyperparameterValues`` reads.
public protocol HyperparameterList {
    /// Every hyperparameter, in the order parameter strings are written.
    static var hyperparameters: [Hyperparameter] { get }
    /// Named settings, used in a parameter string as `@name`.
    static var presets: [(name: String, parameters: String)] { get }
}

extension HyperparameterList {
    /// No presets.
    public static var presets: [(name: String, parameters: String)] { [] }
}

/// Values of the hyperparameters `List` names: set by name from text, each checked against its
/// range as it is set, read back by name and type.
///
/// With ``Hyperparameter/training`` among the list, the values also say how to train
/// (``trainingOptions``, ``epochs``, ``learningRate``, ``momentum``), so a model registered for
/// the command line needs nothing more than its list.
///
/// ```swift
/// enum LSTMHyperparameters: HyperparameterList {
///     static let hyperparameters = Hyperparameter.training + [
///         .integer("hidden", default: 64, in: 1...4096, help: "the LSTM's hidden size"),
///     ]
/// }
/// let values = try HyperparameterValues<LSTMHyperparameters>(parameters: "hidden=128,loss=bpr-max")
/// values.integer("hidden")          // 128
/// values.trainingOptions.loss       // bprMax(elu: 0.5, bpreg: 1.0)
/// ```
public struct HyperparameterValues<List: HyperparameterList>: SessionModelHyperparameters, Equatable {
    /// The canonical text of each value, by name.
    private var values: [String: String]

    /// Every hyperparameter at its default.
    public init() {
        values = Dictionary(List.hyperparameters.map { ($0.name, $0.defaultValue) }, uniquingKeysWith: { first, _ in first })
    }

    /// Overrides values from a `name=value,...` string (see ``ParameterString``).
    public mutating func set(_ parameters: String) throws {
        for (name, value) in try ParameterString.assignments(in: parameters, preset: { try Self.preset(named: $0) }) {
            try set(name, to: value)
        }
    }

    /// Sets one hyperparameter from text.
    ///
    /// - Throws: ``ConfigurationError`` naming an unknown name (with the known ones), or the
    ///   value and what is allowed.
    public mutating func set(_ name: String, to value: String) throws {
        guard let parameter = List.hyperparameters.first(where: { $0.name == name }) else {
            throw ConfigurationError(parameter: name, "unknown parameter; known: \(List.hyperparameters.map(\.name).joined(separator: ", "))")
        }
        guard let text = parameter.canonical(value) else { throw ConfigurationError(parameter: name, "'\(value)' is not \(parameter.expected)") }
        values[name] = text
    }

    /// Checks every value, and that without shared samples a batch has at least two slots
    /// (its other sessions are then a step's only negatives).
    public func validate() throws {
        for parameter in List.hyperparameters where parameter.canonical(values[parameter.name] ?? "") == nil {
            throw ConfigurationError(parameter: parameter.name, "'\(values[parameter.name] ?? "")' is not \(parameter.expected)")
        }
        if values["n_sample"] == "0", let batch = values["batch_size"].flatMap(Int.init), batch < 2 {
            throw ConfigurationError(parameter: "batch_size", "batch_size=\(batch) with n_sample=0 leaves no negatives; give a batch "
                + "of at least 2 slots or n_sample of 1 or more")
        }
    }

    /// Every value, in the list's order.
    public var parameterString: String {
        List.hyperparameters.map { "\($0.name)=\(values[$0.name]!)" }.joined(separator: ",")
    }

    /// The value of an integer hyperparameter.
    public func integer(_ name: String) -> Int { Int(text(name))! }

    /// The value of a real hyperparameter.
    public func real(_ name: String) -> Double { Double(text(name))! }

    /// The text of a hyperparameter's value.
    public func text(_ name: String) -> String {
        guard let value = values[name] else { misuse("HyperparameterValues", "no hyperparameter '\(name)' in \(List.self)") }
        return value
    }

    /// `n_epochs`.
    public var epochs: Int { integer("n_epochs") }
    /// `learning_rate`.
    public var learningRate: Double { real("learning_rate") }
    /// `momentum`.
    public var momentum: Double { real("momentum") }

    /// The trainer's options from ``Hyperparameter/training``'s values; the sampler's seed is
    /// `seed + 100`, as GRU4Rec's.
    public var trainingOptions: SessionTrainingOptions {
        let loss: RankingLoss
        switch text("loss") {
        case "bpr-max": loss = .bprMax(elu: real("elu_param"), bpreg: real("bpreg"))
        case "bpr": loss = .bpr
        case "top1": loss = .top1
        case "top1-max": loss = .top1Max
        default: loss = .crossEntropy(logq: real("logq"))
        }
        return SessionTrainingOptions(batchSize: integer("batch_size"), loss: loss, sampleCount: integer("n_sample"),
                                      sampleAlpha: real("sample_alpha"), samplerSeed: UInt64(text("seed"))! &+ 100,
                                      bpttSteps: integer("bptt_steps"))
    }

    /// The parameters of the preset `name`.
    static func preset(named name: String) throws -> String {
        guard let preset = List.presets.first(where: { $0.name == name }) else {
            throw ConfigurationError(parameter: "@\(name)", List.presets.isEmpty ? "no such preset; there are none"
                : "no such preset; the presets are " + List.presets.map { "@\($0.name)" }.joined(separator: ", "))
        }
        return preset.parameters
    }
}

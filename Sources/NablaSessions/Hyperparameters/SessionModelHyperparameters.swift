/// The hyperparameters of a model the command line trains: read by name from text, checked as a
/// whole, written back as one `name=value,...` string that model files store.
///
/// ``HyperparameterValues`` conforms for any list of ``Hyperparameter``s, so a model's
/// registration usually only lists them; GRU4Rec's configuration conforms with its official
/// names.
public protocol SessionModelHyperparameters: Sendable {
    /// Every hyperparameter at its default.
    init()

    /// Overrides values from a `name=value,...` string (`@name` stands for a preset), each value
    /// checked alone; ``validate()`` checks the whole once every source has been applied.
    mutating func set(_ parameters: String) throws

    /// Sets one hyperparameter from its text value, checked against its range.
    mutating func set(_ name: String, to value: String) throws

    /// Checks every value and the values together.
    func validate() throws

    /// Every value as a `name=value,...` string that ``set(_:)`` reads back to the same values.
    var parameterString: String { get }

    /// Passes over the training data.
    var epochs: Int { get }

    /// How the session trainer walks the data: batch size, loss, samples, sampler seed.
    var trainingOptions: SessionTrainingOptions { get }

    /// The learning rate of the optimizer.
    var learningRate: Double { get }

    /// The momentum of the optimizer (0 for none).
    var momentum: Double { get }
}

extension SessionModelHyperparameters {
    /// The defaults overridden by `parameters`, checked as a whole.
    public init(parameters: String) throws {
        self.init()
        try apply(parameters)
    }

    /// Overrides values from `parameters` (see ``set(_:)``), then checks the whole.
    public mutating func apply(_ parameters: String) throws {
        try set(parameters)
        try validate()
    }
}

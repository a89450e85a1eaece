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

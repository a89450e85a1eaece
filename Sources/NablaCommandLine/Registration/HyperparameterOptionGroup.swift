import ArgumentParser

/// Command-line options that set single hyperparameters, such as GRU4Rec's `--layers 100`:
/// `train` applies them after `-p`, so they win over it.
public protocol HyperparameterOptionGroup: ParsableArguments {
    /// The values given, in order: the option as spelled (`--layers`), the hyperparameter's
    /// name (`layers`) and the value.
    var given: [(option: String, name: String, value: String)] { get }
}

/// No single-hyperparameter options: `-p name=value,...` sets them all.
public struct NoHyperparameterOptions: HyperparameterOptionGroup {
    /// No options.
    public init() {}
    /// Nothing given.
    public var given: [(option: String, name: String, value: String)] { [] }
}

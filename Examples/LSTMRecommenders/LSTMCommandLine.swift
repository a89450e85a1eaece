import NablaCommandLine
import NablaSessions

// snippet: t6-registration
// Examples/LSTMRecommenders/LSTMCommandLine.swift
/// The LSTM recommender on the command line: its name, its hyperparameters (the trainer's, under
/// GRU4Rec's names, and its own) and how to build it.
public enum LSTMCommandLine: CommandLineModel, HyperparameterList {
    public typealias Hyperparameters = HyperparameterValues<Self>
    public static let name = "lstm"
    public static let displayName = "LSTM"
    public static let hyperparameters = Hyperparameter.training + [
        .integer("hidden", default: 64, in: 1...4096, help: "the LSTM's hidden size"),
    ]
    public static let presets = [(name: "demo", parameters: "hidden=64,batch_size=32,n_sample=16,learning_rate=0.1,momentum=0.2,n_epochs=3")]

    public static func makeModel(_ values: Hyperparameters, itemCount: Int) -> LSTMRecommender {
        LSTMRecommender(itemCount: itemCount, hiddenSize: values.integer("hidden"), seed: UInt64(values.text("seed"))!)
    }
}

/// The two-layer LSTM with dropout, registered beside it.
public enum StackedLSTMCommandLine: CommandLineModel, HyperparameterList {
    public typealias Hyperparameters = HyperparameterValues<Self>
    public static let name = "stacked-lstm"
    public static let displayName = "Stacked LSTM"
    public static let hyperparameters = Hyperparameter.training + [
        .integer("hidden", default: 64, in: 1...4096, help: "each layer's hidden size"),
        .integer("layer_count", default: 2, in: 1...8, help: "LSTM layers"),
        .real("dropout", default: 0.1, in: 0...1, excludingUpperBound: true, help: "drop probability after each layer"),
    ]

    public static func makeModel(_ values: Hyperparameters, itemCount: Int) -> StackedLSTMRecommender {
        StackedLSTMRecommender(itemCount: itemCount, hiddenSizes: Array(repeating: values.integer("hidden"), count: values.integer("layer_count")),
                               dropout: values.real("dropout"), seed: UInt64(values.text("seed"))!)
    }
}
// end snippet

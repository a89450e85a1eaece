/// One hyperparameter of a model: its name, the values it may take, its default and what it
/// does, for ``HyperparameterValues`` to read, check and write back.
///
/// ```swift
/// static let hyperparameters = Hyperparameter.training + [
///     .integer("hidden", default: 64, in: 1...4096, help: "the LSTM's hidden size"),
///     .real("dropout", default: 0, in: 0...0.95, help: "drop probability after each layer"),
/// ]
/// ```
public struct Hyperparameter: Sendable {
    /// The name in parameter strings, such as `batch_size`.
    public let name: String
    /// The default value, as text.
    public let defaultValue: String
    /// What it does, for help texts.
    public let help: String
    /// What a value must be, in words: "an integer from 1 to 4096".
    public let expected: String
    /// The value's canonical text, or `nil` when `text` is not allowed.
    let canonical: @Sendable (String) -> String?

    /// A hyperparameter read by `canonical`, which returns the value's canonical text or `nil`.
    public init(name: String, defaultValue: String, help: String, expected: String,
                canonical: @escaping @Sendable (String) -> String?) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.expected = expected
        self.canonical = canonical
    }

    /// An integer in `range`.
    public static func integer(_ name: String, default value: Int, in range: ClosedRange<Int>, help: String) -> Hyperparameter {
        Hyperparameter(name: name, defaultValue: String(value), help: help,
                       expected: "an integer from \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? String($0) : nil }
        }
    }

    /// A finite real number in `range`; `excludingUpperBound` makes it `[lower, upper)`, as for
    /// a drop probability.
    public static func real(_ name: String, default value: Double, in range: ClosedRange<Double>, excludingUpperBound: Bool = false,
                            help: String) -> Hyperparameter {
        let closing = excludingUpperBound ? ")" : "]"
        return Hyperparameter(name: name, defaultValue: String(value), help: help,
                              expected: "a number in [\(range.lowerBound), \(range.upperBound)\(closing)") { text in
            guard let parsed = Double(text), parsed.isFinite, range.contains(parsed),
                  !(excludingUpperBound && parsed == range.upperBound) else { return nil }
            return String(parsed)
        }
    }

    /// One of `choices`.
    public static func choice(_ name: String, default value: String, among choices: [String], help: String) -> Hyperparameter {
        Hyperparameter(name: name, defaultValue: value, help: help, expected: "one of \(choices.joined(separator: ", "))") { text in
            choices.contains(text) ? text : nil
        }
    }

    /// A seed: any non-negative 64-bit integer.
    public static func seed(_ name: String = "seed", default value: UInt64 = 42, help: String = "the seed of initialisation, dropout and sampling")
        -> Hyperparameter {
        Hyperparameter(name: name, defaultValue: String(value), help: help, expected: "a non-negative integer") { text in
            UInt64(text).map(String.init)
        }
    }

    /// The losses a session model can train with, by name (`logq` applies to cross-entropy,
    /// `bpreg` and `elu_param` to BPR-max).
    public static let lossNames = ["cross-entropy", "bpr-max", "bpr", "top1", "top1-max"]

    /// What every model trained by the session trainer takes, under the official GRU4Rec names
    /// and with its defaults: the loss and its parameters, the batch size, the shared negative
    /// samples, Adagrad's learning rate and momentum, the epochs, the steps backpropagated
    /// together and the seed.
    public static let training: [Hyperparameter] = [
        .choice("loss", default: "cross-entropy", among: lossNames, help: "the training loss"),
        .integer("batch_size", default: 64, in: 1...(1 << 30), help: "session slots per mini-batch"),
        .integer("n_sample", default: 2048, in: 0...(1 << 30), help: "shared negative samples per mini-batch"),
        .real("sample_alpha", default: 0.5, in: 0...1_000, help: "samples are drawn ∝ support^sample_alpha"),
        .real("learning_rate", default: 0.05, in: 1e-12...1_000, help: "Adagrad's learning rate"),
        .real("momentum", default: 0, in: 0...1, excludingUpperBound: true, help: "Adagrad's momentum"),
        .integer("n_epochs", default: 10, in: 1...(1 << 30), help: "passes over the training data"),
        .integer("bptt_steps", default: 1, in: 1...1_000, help: "steps backpropagated together (1: detach after every step)"),
        .real("logq", default: 0, in: 0...1_000, help: "weight of cross-entropy's logQ correction"),
        .real("bpreg", default: 1, in: 0...1_000, help: "BPR-max's score regularisation"),
        .real("elu_param", default: 0.5, in: 0...1_000, help: "α of the ELU before BPR-max (0: linear)"),
        .seed(),
    ]
}

import NablaSessions

/// NARM's hyperparameters, under GRU4Rec's official names where they mean the same: the
/// trainer's (`Hyperparameter.training`) and the model's sizes, window and dropout.
public enum NARMHyperparameters: HyperparameterList {
    /// The trainer's and NARM's own, with the paper's sizes and dropout as defaults.
    public static let hyperparameters = Hyperparameter.training + [
        .integer("embedding", default: 50, in: 1...4096, help: "the size of the item embeddings"),
        .integer("hidden", default: 100, in: 1...4096, help: "the GRU's hidden size (also the attention's)"),
        .integer("window", default: 10, in: 1...1000, help: "how many of the last hidden states the local encoder attends over"),
        .choice("attention", default: "scores", among: ["scores", "softmax"],
                help: "attention weights: the scores themselves (the paper) or their softmax over the window"),
        .real("dropout_p_embed", default: 0.25, in: 0...1, excludingUpperBound: true, help: "drop probability on the embeddings read"),
        .real("dropout_p_hidden", default: 0.5, in: 0...1, excludingUpperBound: true,
              help: "drop probability on the representation [h; c_local]"),
    ]

    /// Named settings: `@demo` for the demo shop data.
    public static let presets = [
        (name: "demo", parameters: "embedding=32,hidden=64,batch_size=32,n_sample=16,learning_rate=0.1,momentum=0.2,n_epochs=3"),
    ]
}

/// NARM's hyperparameter values, read by name.
public typealias NARMConfiguration = HyperparameterValues<NARMHyperparameters>

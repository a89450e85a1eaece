import ArgumentParser
import NablaCommandLine

/// GRU4Rec's hyperparameters as single options (`--layers 100`), under the official names with
/// dashes; `train` applies them after `-p`, so they win over it.
struct GRU4RecHyperparameterOptions: HyperparameterOptionGroup {
    @Option(help: "loss: cross-entropy, bpr-max, bpr, top1 or top1-max.") var loss: String?
    @Option(help: "layers: hidden sizes, e.g. 100 or 200/100.") var layers: String?
    @Option(help: "batch_size.") var batchSize: String?
    @Option(help: "dropout_p_embed (drop probability).") var dropoutPEmbed: String?
    @Option(help: "dropout_p_hidden (drop probability).") var dropoutPHidden: String?
    @Option(help: "learning_rate.") var learningRate: String?
    @Option(help: "momentum.") var momentum: String?
    @Option(help: "n_sample: shared negative samples per mini-batch.") var nSample: String?
    @Option(help: "sample_alpha.") var sampleAlpha: String?
    @Option(help: "embedding: 0, a size, or layersize.") var embedding: String?
    @Option(help: "constrained_embedding: True or False.") var constrainedEmbedding: String?
    @Option(help: "n_epochs.") var nEpochs: String?
    @Option(help: "bpreg (BPR-max).") var bpreg: String?
    @Option(help: "elu_param (BPR-max).") var eluParam: String?
    @Option(help: "logq (cross-entropy).") var logq: String?
    @Option(help: "gru_formulation: pytorch or original.") var gruFormulation: String?
    @Option(help: "seed.") var seed: String?
    @Option(help: "bptt_steps: steps backpropagated together (1: detach after every step).") var bpttSteps: String?

    /// The values given, by option and official name.
    var given: [(option: String, name: String, value: String)] {
        let options: [(String, String, String?)] = [
            ("--loss", "loss", loss), ("--layers", "layers", layers), ("--batch-size", "batch_size", batchSize),
            ("--dropout-p-embed", "dropout_p_embed", dropoutPEmbed), ("--dropout-p-hidden", "dropout_p_hidden", dropoutPHidden),
            ("--learning-rate", "learning_rate", learningRate), ("--momentum", "momentum", momentum),
            ("--n-sample", "n_sample", nSample), ("--sample-alpha", "sample_alpha", sampleAlpha), ("--embedding", "embedding", embedding),
            ("--constrained-embedding", "constrained_embedding", constrainedEmbedding), ("--n-epochs", "n_epochs", nEpochs),
            ("--bpreg", "bpreg", bpreg), ("--elu-param", "elu_param", eluParam), ("--logq", "logq", logq),
            ("--gru-formulation", "gru_formulation", gruFormulation), ("--seed", "seed", seed),
            ("--bptt-steps", "bptt_steps", bpttSteps),
        ]
        return options.compactMap { option, name, value in value.map { (option, name, $0) } }
    }
}

import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN

/// GRU4Rec registered for the command line: the model, its official hyperparameters and
/// single options, its own file format and memory estimate. Everything else of `gru4rec train`,
/// `evaluate`, `recommend`, `explain`, `tune`, `benchmark` and `draw` is the library's.
enum GRU4RecCommandLine: CommandLineModel {
    typealias Hyperparameters = GRU4RecConfiguration
    typealias HyperparameterOptions = GRU4RecHyperparameterOptions

    static let name = "gru4rec"
    static let displayName = "GRU4Rec"

    /// The official rsc15 setting.
    static let benchmarkParameters = "loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,"
        + "n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True"

    static let trainingDiscussion = """
        Hyperparameters come as the official parameter string (-ps or -p),
        as individual options, or both (options win). A preset (-p @rsc15-xe)
        goes first in -p; the values after it change it. Example, the official
        rsc15 setting:

          gru4rec train --train train_full.tsv --test test.tsv \\
            -ps loss=cross-entropy,layers=100,batch_size=32,n_epochs=10 \\
            --dropout-p-hidden 0.4 --learning-rate 0.2 --momentum 0.2 \\
            --n-sample 2048 --sample-alpha 0.5 --logq 1.0 \\
            --constrained-embedding True --save model.safetensors
        """

    static func makeModel(_ hyperparameters: GRU4RecConfiguration, itemCount: Int) -> GRU4RecModel<Float> {
        GRU4RecModel(configuration: hyperparameters, itemCount: itemCount)
    }

    /// GRU4Rec's own trainer: Adagrad with the configured learning rate and momentum.
    static func makeTrainer(_ model: GRU4RecModel<Float>, data: SessionData, hyperparameters: GRU4RecConfiguration)
        -> SessionTrainer<GRU4RecModel<Float>> {
        SessionTrainer(model: model, data: data)
    }

    static func checkMemory(_ hyperparameters: GRU4RecConfiguration, itemCount: Int, dataBytes: Int, saving: SavedFile,
                            evaluationBatchSize: Int?, availableMemory: Int?, source: String, purpose: String) throws {
        let peak = MemoryEstimate.peakBytes(hyperparameters, itemCount: itemCount, dataBytes: dataBytes, saving: saving.estimated,
                                            evaluationBatchSize: evaluationBatchSize)
        try MemoryEstimate.check(peak, available: availableMemory,
                                 for: purpose + "training \(itemCount) items with layers \(hyperparameters.layers), "
                                    + "batch size \(hyperparameters.batchSize) and \(hyperparameters.sampleCount) samples",
                                 source: source)
    }

    static func estimatedPeakBytes(_ hyperparameters: GRU4RecConfiguration, data: SessionData, saving: SavedFile,
                                   evaluationBatchSize: Int?) -> Int? {
        MemoryEstimate.peakBytes(hyperparameters, itemCount: data.itemMap.count, dataBytes: MemoryEstimate.sessionDataBytes(of: data),
                                 saving: saving.estimated, evaluationBatchSize: evaluationBatchSize)
    }

    static func trainingBytes(_ hyperparameters: GRU4RecConfiguration, itemCount: Int) -> Int {
        MemoryEstimate.trainingBytes(hyperparameters, itemCount: itemCount)
    }

    /// GRU4Rec's own format (`nabla-gru4rec`), which earlier files have.
    static func save(_ model: GRU4RecModel<Float>, hyperparameters: GRU4RecConfiguration, itemMap: ItemMap, epochsCompleted: Int,
                     to url: URL) throws {
        try Checkpoint.save(model, itemMap: itemMap, epochsCompleted: epochsCompleted, to: url)
    }

    static func saveTraining(_ trainer: SessionTrainer<GRU4RecModel<Float>>, hyperparameters: GRU4RecConfiguration, to url: URL) throws {
        try Checkpoint.saveTraining(trainer, to: url)
    }

    static func load(_ file: SafeTensors, path: String) throws -> LoadedModel<GRU4RecCommandLine> {
        let loaded = try Checkpoint.load(file, path: path, as: Float.self)
        return LoadedModel(model: loaded.model, hyperparameters: loaded.model.configuration, itemMap: loaded.itemMap,
                           epochsCompleted: loaded.epochsCompleted)
    }

    static func microBenchmarks(itemCount: Int, support: [Int]) -> [(name: String, microseconds: Double)] {
        MicroBenchmarks.run(itemCount: itemCount, support: support)
    }
}

extension SavedFile {
    /// The same file, as GRU4Rec's memory estimate counts it.
    var estimated: MemoryEstimate.SavedFile {
        switch self {
        case .none: .none
        case .model: .model
        case .trainingCheckpoint: .trainingCheckpoint
        }
    }
}

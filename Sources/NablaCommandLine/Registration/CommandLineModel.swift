import ArgumentParser
import Foundation
import Nabla
import NablaNN
import NablaSessions

/// A session model registered for the command line: its name, its hyperparameters and how to
/// build it. Registering gives the model `train`, `evaluate`, `recommend`, `explain` (for an
/// `AttributableSessionModel`), `tune`, `benchmark` and `draw`, with the options, progress,
/// checkpoints, signals, validation and messages of `gru4rec` (see ``SessionModelCommands``).
///
/// ```swift
/// enum LSTMCommandLine: CommandLineModel, HyperparameterList {
///     typealias Hyperparameters = HyperparameterValues<Self>
///     static let name = "lstm"
///     static let hyperparameters = Hyperparameter.training + [
///         .integer("hidden", default: 64, in: 1...4096, help: "the LSTM's hidden size"),
///     ]
///     static func makeModel(_ values: Hyperparameters, itemCount: Int) -> LSTMRecommender {
///         LSTMRecommender(itemCount: itemCount, hiddenSize: values.integer("hidden"), seed: UInt64(values.text("seed"))!)
///     }
/// }
/// ```
///
/// Model files record the model's ``name`` and its hyperparameters (``ModelFile``); a file of
/// another model type is refused by name.
public protocol CommandLineModel {
    /// The model type.
    associatedtype Model: SessionModel<Float>
    /// Its hyperparameters.
    associatedtype Hyperparameters: SessionModelHyperparameters
    /// Options that set single hyperparameters (`--layers 100`); none by default, `-p` sets all.
    associatedtype HyperparameterOptions: HyperparameterOptionGroup = NoHyperparameterOptions

    /// The model type's name in files, messages and command lines, such as `lstm`.
    static var name: String { get }

    /// The name results are printed under, such as `LSTM` (default: ``name``).
    static var displayName: String { get }

    /// A new model for `itemCount` items.
    static func makeModel(_ hyperparameters: Hyperparameters, itemCount: Int) -> Model

    /// The trainer of `model` on `data` (default: the hyperparameters' training options and
    /// Adagrad with their learning rate and momentum).
    static func makeTrainer(_ model: Model, data: SessionData, hyperparameters: Hyperparameters) -> SessionTrainer<Model>

    /// The hyperparameters a `benchmark` trains with by default.
    static var benchmarkParameters: String { get }

    /// Throws when training `hyperparameters` on `itemCount` items would not fit in
    /// `availableMemory` bytes beside `dataBytes` of data, while writing `saving` and evaluating
    /// in batches of `evaluationBatchSize` sessions (default: checks the process and the data).
    /// The message names `source` and begins what it is for with `purpose` (such as "every
    /// trial of this search: ").
    static func checkMemory(_ hyperparameters: Hyperparameters, itemCount: Int, dataBytes: Int, saving: SavedFile,
                            evaluationBatchSize: Int?, availableMemory: Int?, source: String, purpose: String) throws

    /// The memory a whole training run is estimated to need at its peak, for `train --json`
    /// (default: `nil`, no estimate).
    static func estimatedPeakBytes(_ hyperparameters: Hyperparameters, data: SessionData, saving: SavedFile,
                                   evaluationBatchSize: Int?) -> Int?

    /// What `train --help` says after its abstract: how to give the hyperparameters, an example.
    static var trainingDiscussion: String { get }

    /// Bytes that training `hyperparameters` on `itemCount` items takes, to find a search
    /// space's smallest setting (default: 0, no estimate).
    static func trainingBytes(_ hyperparameters: Hyperparameters, itemCount: Int) -> Int

    /// Writes a model file (default: ``ModelFile/save(_:hyperparameters:itemMap:epochsCompleted:to:)``).
    static func save(_ model: Model, hyperparameters: Hyperparameters, itemMap: ItemMap, epochsCompleted: Int, to url: URL) throws

    /// Writes a training checkpoint (default: ``ModelFile/saveTraining(_:hyperparameters:to:)``).
    static func saveTraining(_ trainer: SessionTrainer<Model>, hyperparameters: Hyperparameters, to url: URL) throws

    /// Reads and checks a model file or checkpoint (default: ``ModelFile/load(_:path:)``).
    static func load(_ file: SafeTensors, path: String) throws -> LoadedModel<Self>

    /// Timings of parts of a training step, printed by `benchmark` (default: none).
    static func microBenchmarks(itemCount: Int, support: [Int]) -> [(name: String, microseconds: Double)]
}

/// A model read from a file, with what the file says about it.
public struct LoadedModel<Registration: CommandLineModel> {
    /// The model, in evaluation mode.
    public let model: Registration.Model
    /// The hyperparameters it was built with.
    public let hyperparameters: Registration.Hyperparameters
    /// The item ids, by row.
    public let itemMap: ItemMap
    /// Epochs it was trained for.
    public let epochsCompleted: Int

    /// A loaded model.
    public init(model: Registration.Model, hyperparameters: Registration.Hyperparameters, itemMap: ItemMap, epochsCompleted: Int) {
        self.model = model
        self.hyperparameters = hyperparameters
        self.itemMap = itemMap
        self.epochsCompleted = epochsCompleted
    }
}

/// A file a run writes while it holds a model being trained, for memory estimates.
public enum SavedFile: Sendable {
    /// Nothing is written (a tuning trial, a benchmark).
    case none
    /// The trained model (`train --save`).
    case model
    /// A training checkpoint (`train --checkpoint`).
    case trainingCheckpoint
}

extension CommandLineModel {
    /// The ``name``.
    public static var displayName: String { name }

    /// Adagrad with the hyperparameters' learning rate and momentum, and their training options.
    public static func makeTrainer(_ model: Model, data: SessionData, hyperparameters: Hyperparameters) -> SessionTrainer<Model> {
        SessionTrainer(model: model, data: data, options: hyperparameters.trainingOptions,
                       optimizer: Adagrad(parameters: model.parameters, learningRate: hyperparameters.learningRate,
                                          momentum: hyperparameters.momentum))
    }

    /// The defaults with a short epoch count.
    public static var benchmarkParameters: String { "" }

    /// Checks that the process and the data fit; the model's own memory is not estimated.
    public static func checkMemory(_ hyperparameters: Hyperparameters, itemCount: Int, dataBytes: Int, saving: SavedFile,
                                   evaluationBatchSize: Int?, availableMemory: Int?, source: String, purpose: String) throws {
        try MemoryBudget.check(MemoryBudget.processBytes + dataBytes, available: availableMemory,
                               for: purpose + "training \(itemCount) items", source: source)
    }

    /// No estimate.
    public static func estimatedPeakBytes(_ hyperparameters: Hyperparameters, data: SessionData, saving: SavedFile,
                                          evaluationBatchSize: Int?) -> Int? { nil }

    /// How to give the hyperparameters, with their defaults.
    public static var trainingDiscussion: String {
        let defaults = Hyperparameters().parameterString.split(separator: ",").joined(separator: " ")
        return "Hyperparameters come as -p name=value,... (a preset as -p @name first). Defaults: \(defaults)"
    }

    /// No estimate.
    public static func trainingBytes(_ hyperparameters: Hyperparameters, itemCount: Int) -> Int { 0 }

    /// A ``ModelFile``.
    public static func save(_ model: Model, hyperparameters: Hyperparameters, itemMap: ItemMap, epochsCompleted: Int, to url: URL) throws {
        try ModelFile<Self>.save(model, hyperparameters: hyperparameters, itemMap: itemMap, epochsCompleted: epochsCompleted, to: url)
    }

    /// A ``ModelFile`` training checkpoint.
    public static func saveTraining(_ trainer: SessionTrainer<Model>, hyperparameters: Hyperparameters, to url: URL) throws {
        try ModelFile<Self>.saveTraining(trainer, hyperparameters: hyperparameters, to: url)
    }

    /// A ``ModelFile``.
    public static func load(_ file: SafeTensors, path: String) throws -> LoadedModel<Self> {
        try ModelFile<Self>.load(file, path: path)
    }

    /// None.
    public static func microBenchmarks(itemCount: Int, support: [Int]) -> [(name: String, microseconds: Double)] { [] }

    /// Reads and checks the model file at `path`.
    static func load(path: String) throws -> LoadedModel<Self> {
        try load(SafeTensors.read(from: URL(fileURLWithPath: path)), path: path)
    }

    /// Hyperparameters from `parameters`, checked as a whole.
    static func hyperparameters(_ parameters: String) throws -> Hyperparameters {
        var values = Hyperparameters()
        try values.set(parameters)
        try values.validate()
        return values
    }

    /// A trainer that continues the training checkpoint at `url` on `data`, with the
    /// checkpoint's hyperparameters.
    static func resumeTraining(from url: URL, data: SessionData) throws -> (SessionTrainer<Model>, Hyperparameters) {
        let file = try SafeTensors.read(from: url)
        let loaded = try load(file, path: url.path)
        try SessionCheckpoint.checkMadeOnData(data, file: file, path: url.path)
        let trainer = makeTrainer(loaded.model, data: data, hyperparameters: loaded.hyperparameters)
        try SessionCheckpoint.resume(trainer, from: file, path: url.path)
        return (trainer, loaded.hyperparameters)
    }
}

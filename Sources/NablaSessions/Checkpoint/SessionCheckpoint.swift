import Foundation
import Nabla
import NablaKernels
import NablaNN

/// Model files and training checkpoints for any ``SessionModel``, as safetensors.
///
/// A **model file** holds every parameter under its dotted name and, in the metadata, the item
/// ids (`item_ids`, a JSON array by row) with whatever the model adds (GRU4Rec stores its
/// hyperparameters). A **training checkpoint** adds everything needed to continue exactly: the
/// optimizer's buffers (`optimizer.KIND.PARAMETER`), the states of an epoch in progress
/// (`training.state.K`), and in the `training` metadata the epoch, the batch position, the
/// sampler and every random stream of the model (dropout masks) by module name. Files are
/// written atomically (temporary file, flush, rename): an interrupted write leaves the previous
/// file as it was.
///
/// ```swift
/// try SessionCheckpoint.saveTraining(trainer, to: url)           // e.g. on SIGTERM
/// let resumed = SessionTrainer(model: MyModel(...), data: train, options: options, optimizer: ...)
/// try SessionCheckpoint.resume(resumed, from: url)                 // continues bit for bit
/// ```
public enum SessionCheckpoint {
    /// The version of the `training` metadata this build writes and reads.
    public static let trainingStateVersion = 3

    /// Writes `model`'s parameters with the item ids and `metadata`, atomically.
    ///
    /// - Throws: ``CheckpointError`` without writing anything when a parameter holds NaN or
    ///   infinite values (such a model would score every item as NaN).
    public static func save<Model: Module>(_ model: Model, itemMap: ItemMap, metadata: [String: String] = [:], to url: URL) throws {
        try checkFinite(model, path: url.path, doing: "not saved")
        try Checksums.sealed(modelFile(model, itemMap: itemMap, metadata: metadata)).write(to: url)
    }

    /// Throws a ``CheckpointError`` naming the first parameter of `model` that holds NaN or
    /// infinite values; `doing` says what was refused ("not saved", "refused").
    public static func checkFinite<Model: Module>(_ model: Model, path: String, doing: String) throws {
        for (name, tensor) in model.namedParameters() where !VectorKernels.allFinite(tensor.scalars) {
            throw CheckpointError(path: path, "\(doing): '\(name)' holds NaN or infinite values")
        }
    }

    /// Writes a training checkpoint of `trainer`, atomically.
    ///
    /// - Throws: ``CheckpointError`` without writing anything when a parameter holds NaN or
    ///   infinite values, so the last good checkpoint stays.
    public static func saveTraining<Model>(_ trainer: SessionTrainer<Model>, metadata: [String: String] = [:], to url: URL) throws {
        let model = trainer.model
        try checkFinite(model, path: url.path, doing: "not saved")
        var file = try modelFile(model, itemMap: trainer.data.itemMap, metadata: metadata)
        let optimizerState = trainer.optimizer.state
        let parameterNames = names(of: trainer.optimizer.parameters, in: model)
        for (kind, buffers) in optimizerState.buffers {
            for ((name, parameter), values) in zip(zip(parameterNames, trainer.optimizer.parameters), buffers) {
                file.add(Tensor(values, shape: parameter.shape), named: "optimizer.\(kind).\(name)")
            }
        }
        let progress = trainer.epochInProgress
        for (index, state) in (progress?.states ?? []).enumerated() { file.add(state, named: "training.state.\(index)") }
        let sampler = trainer.sampler.position
        var training: [String: Any] = [
            "version": trainingStateVersion,
            "epochs_completed": trainer.completedEpochs,
            "steps": progress?.steps ?? 0, "loss_sum": progress?.lossSum ?? 0, "events": progress?.events ?? 0,
            "seconds": progress?.seconds ?? 0, "state_count": progress?.states.count ?? 0,
            "sampler_state": sampler.generatorState.map(hex), "sampler_cursor": sampler.cursor, "sampler_has_cache": sampler.hasCache,
            "random_streams": Dictionary(uniqueKeysWithValues: model.randomStreamOwners.map { ($0.name, $0.owner.generator.state.map(hex)) }),
            "optimizer_counters": optimizerState.counters, "optimizer": optimizerKind(trainer.optimizer),
            "options": describe(trainer.options),
            "data_events": trainer.data.eventCount, "data_sessions": trainer.data.sessionCount,
        ]
        if let position = progress?.batchPosition {
            training["batch_position"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(position))
        }
        file.metadata["kind"] = "training"
        file.metadata["epochs_completed"] = String(trainer.completedEpochs)
        file.metadata["training"] = String(decoding: try JSONSerialization.data(withJSONObject: training, options: [.sortedKeys]), as: UTF8.self)
        try Checksums.sealed(file).write(to: url)
    }

    /// Checks the checksums of every tensor and of the metadata that Nabla stores in each file it
    /// writes; a file without them (written before they were added) passes when `required` is false.
    ///
    /// - Throws: ``CheckpointError`` naming the tensor, or the metadata, that does not match.
    public static func verifyChecksums(_ file: SafeTensors, path: String, required: Bool = true) throws {
        try Checksums.verify(file, path: path, required: required)
    }

    /// The item ids stored in a model file or checkpoint.
    ///
    /// - Throws: ``CheckpointError`` when they are missing, not a JSON array of strings, or repeat.
    public static func itemMap(in file: SafeTensors, path: String) throws -> ItemMap {
        guard let idsText = file.metadata["item_ids"],
              let ids = try? JSONSerialization.jsonObject(with: Data(idsText.utf8)) as? [String] else {
            throw CheckpointError(path: path, "the item id list is missing or not a JSON array of strings")
        }
        do { return try ItemMap(ids: ids) } catch { throw CheckpointError(path: path, "\(error)") }
    }

    /// Continues training from the checkpoint at `url`: `trainer` must be new, over a model of
    /// the same architecture and the same training data. The model's weights, the optimizer, the
    /// sampler, every random stream and the position in the data are restored, so training goes
    /// on exactly as if it had never stopped.
    public static func resume<Model>(_ trainer: SessionTrainer<Model>, from url: URL) throws {
        try resume(trainer, from: SafeTensors.read(from: url), path: url.path)
    }

    /// Checks that the training checkpoint `file` was made on `data`: the same item ids in the
    /// same order, and the same numbers of events and sessions. Call it before making a trainer
    /// for `data` from the checkpoint's model, since a model of another catalogue cannot train
    /// on it.
    ///
    /// - Throws: ``CheckpointError`` naming both catalogues' sizes when they differ, and the
    ///   data's source when anything else differs.
    public static func checkMadeOnData(_ data: SessionData, file: SafeTensors, path: String) throws {
        guard let text = file.metadata["training"],
              let training = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CheckpointError(path: path, "not a training checkpoint: it holds no training state to continue from")
        }
        let stored = try itemMap(in: file, path: path)
        guard stored.count == data.itemMap.count else {
            throw CheckpointError(path: path, "was made on other training data: its model knows \(stored.count) items, "
                + "\(data.source) has \(data.itemMap.count); resume with the training file the checkpoint was made on")
        }
        guard stored == data.itemMap, training["data_events"] as? Int == data.eventCount,
              training["data_sessions"] as? Int == data.sessionCount else {
            throw CheckpointError(path: path, "was made on other training data than \(data.source) (other item ids, "
                + "events or sessions); resume with the training file the checkpoint was made on")
        }
    }

    /// ``resume(_:from:)`` from a file already read; `path` names it in errors.
    ///
    /// - Throws: ``CheckpointError`` when the file is not a training checkpoint, was made on other
    ///   data or by an earlier version, or its state does not fit the trainer; errors of
    ///   `SafeTensors` for missing or misshapen tensors. Nothing is changed when it throws.
    public static func resume<Model>(_ trainer: SessionTrainer<Model>, from file: SafeTensors, path: String) throws {
        typealias Scalar = Model.Scalar
        guard file.metadata["kind"] == "training", let text = file.metadata["training"],
              let training = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CheckpointError(path: path, "not a training checkpoint: it holds no training state to continue from")
        }
        guard training["version"] as? Int == trainingStateVersion else {
            throw CheckpointError(path: path, "its training state has version \(training["version"].map { "\($0)" } ?? "1"); "
                + "this build continues version \(trainingStateVersion) only (the model in it still loads as a model file)")
        }
        try Checksums.verify(file, path: path, required: true)
        try checkMadeOnData(trainer.data, file: file, path: path)
        func field<T>(_ name: String, as type: T.Type = T.self) throws -> T {
            guard let stored = training[name] else { throw CheckpointError(path: path, "training state lacks '\(name)'") }
            guard let value = stored as? T else {
                throw CheckpointError(path: path, "training state's '\(name)' is \(stored), not a value of type \(T.self)")
            }
            return value
        }
        func words(_ texts: [String]) throws -> [UInt64] {
            let values = texts.compactMap { UInt64($0, radix: 16) }
            guard values.count == 4, values.contains(where: { $0 != 0 }) else {
                throw CheckpointError(path: path, "a random generator state is malformed")
            }
            return values
        }
        let model = trainer.model
        // Read and check everything before changing anything.
        var storedOptions: [String: String] = try field("options")
        var options = describe(trainer.options)
        // A description without steps through time means 1.
        storedOptions["bptt steps"] = storedOptions["bptt steps"] ?? "1"
        options["bptt steps"] = options["bptt steps"] ?? "1"
        if let different = options.keys.sorted().first(where: { storedOptions[$0] != options[$0] }) {
            throw CheckpointError(path: path, "was trained with \(different) \(storedOptions[different] ?? "unknown"), "
                + "this trainer has \(options[different]!); resume with the same options")
        }
        let optimizer = trainer.optimizer
        let storedKind: String = try field("optimizer")
        guard storedKind == optimizerKind(optimizer) else {
            throw CheckpointError(path: path, "was trained with the optimizer \(storedKind), this trainer has \(optimizerKind(optimizer))")
        }
        var weights: [(Tensor<Scalar>, [Scalar])] = []
        for (name, parameter) in model.namedParameters() {
            let stored = try file.tensor(named: name, as: Scalar.self, source: path)
            guard stored.shape == parameter.shape else {
                throw CheckpointError(path: path, "'\(name)' has shape \(stored.shape) in the file, \(parameter.shape) in the model")
            }
            guard VectorKernels.allFinite(stored.scalars) else {
                throw CheckpointError(path: path, "refused: '\(name)' holds NaN or infinite values")
            }
            weights.append((parameter, stored.scalars))
        }
        let parameterNames = names(of: optimizer.parameters, in: model)
        var buffers: [String: [[Scalar]]] = [:]
        for kind in optimizer.state.buffers.keys {
            buffers[kind] = try zip(parameterNames, optimizer.parameters).map { name, parameter in
                let stored = try file.tensor(named: "optimizer.\(kind).\(name)", as: Scalar.self, source: path)
                guard stored.shape == parameter.shape else {
                    throw CheckpointError(path: path, "optimizer state '\(kind)' of '\(name)' has the wrong shape")
                }
                return stored.scalars
            }
        }
        let counters: [String: Int] = try field("optimizer_counters")
        let samplerPosition = NegativeSampler.Position(
            generatorState: try words(try field("sampler_state")), cursor: try field("sampler_cursor"),
            hasCache: try field("sampler_has_cache"))
        guard trainer.sampler.accepts(samplerPosition) else {
            throw CheckpointError(path: path, "the sampler position \(samplerPosition.cursor) does not fit its cache")
        }
        let storedStreams: [String: [String]] = try field("random_streams")
        let owners = model.randomStreamOwners
        guard Set(storedStreams.keys) == Set(owners.map(\.name)) else {
            throw CheckpointError(path: path, "random streams \(storedStreams.keys.sorted()) do not match the model's "
                + "\(owners.map(\.name).sorted())")
        }
        let streams = try owners.map { ($0.owner, SeededRandomGenerator(state: try words(storedStreams[$0.name]!))) }
        let completedEpochs: Int = try field("epochs_completed")
        guard completedEpochs >= 0 else { throw CheckpointError(path: path, "epochs_completed is negative") }
        let steps: Int = try field("steps")
        // A step reads at least one event, so an epoch has at most as many steps as events.
        guard (0...trainer.data.eventCount).contains(steps) else {
            throw CheckpointError(path: path, "steps is \(steps); an epoch of this data has at most \(trainer.data.eventCount)")
        }
        var epochInProgress: EpochInProgress<Scalar>? = nil
        if steps > 0 {
            let count: Int = try field("state_count")
            let expected = model.zeroStates(batchSize: 1).map { $0.shape[1] }
            guard count == expected.count else {
                throw CheckpointError(path: path, "holds \(count) states, the model has \(expected.count)")
            }
            let states = try (0..<count).map { try file.tensor(named: "training.state.\($0)", as: Scalar.self, source: path) }
            guard states.map({ $0.shape.count == 2 ? $0.shape[1] : -1 }) == expected else {
                throw CheckpointError(path: path, "the saved states do not fit the model's")
            }
            if let index = states.firstIndex(where: { !VectorKernels.allFinite($0.scalars) }) {
                throw CheckpointError(path: path, "refused: the saved state 'training.state.\(index)' holds NaN or infinite values")
            }
            let positionObject: Any = try field("batch_position")
            let position: SessionParallelBatches.Position
            do {
                position = try JSONDecoder().decode(SessionParallelBatches.Position.self,
                                                    from: JSONSerialization.data(withJSONObject: positionObject))
                _ = try trainer.batches.makeIterator(resumingAt: position)
            } catch {
                throw CheckpointError(path: path, "\(error)")
            }
            guard states.allSatisfy({ $0.shape[0] == position.sessions.count }) else {
                throw CheckpointError(path: path, "the saved states do not have one row per slot")
            }
            let lossSum: Double = try field("loss_sum"), events: Int = try field("events"), seconds: Double = try field("seconds")
            guard events >= 0, lossSum.isFinite, seconds.isFinite else {
                throw CheckpointError(path: path, "the running totals of the epoch are invalid")
            }
            epochInProgress = EpochInProgress(steps: steps, batchPosition: position, states: states, lossSum: lossSum,
                                              events: events, seconds: seconds)
        }
        // The optimizer checks its buffers itself; it is the last thing that can refuse.
        do { try optimizer.restore(OptimizerState(buffers: buffers, counters: counters)) } catch {
            throw CheckpointError(path: path, "\(error)")
        }
        for (parameter, values) in weights { parameter.scalars = values }
        trainer.sampler.restore(samplerPosition)
        for (owner, generator) in streams { owner.generator = generator }
        trainer.completedEpochs = completedEpochs
        trainer.epochInProgress = epochInProgress
        model.train()
    }

    /// Loads a model file (or training checkpoint) saved by ``save(_:itemMap:metadata:to:)`` into
    /// `model`, which must have the same architecture; returns the item ids stored with it.
    ///
    /// - Throws: ``CheckpointError`` or `SafeTensorsError` for a damaged file, a missing or
    ///   misshapen parameter, or NaN or infinite weights; the model is unchanged then.
    @discardableResult
    public static func load<Model: Module>(into model: Model, from url: URL) throws -> ItemMap {
        let file = try SafeTensors.read(from: url)
        try Checksums.verify(file, path: url.path, required: true)
        let itemMap = try itemMap(in: file, path: url.path)
        var loaded: [(Tensor<Model.Scalar>, [Model.Scalar])] = []
        for (name, parameter) in model.namedParameters() {
            let stored = try file.tensor(named: name, as: Model.Scalar.self, source: url.path)
            guard stored.shape == parameter.shape else {
                throw CheckpointError(path: url.path, "'\(name)' has shape \(stored.shape) in the file, \(parameter.shape) in the model")
            }
            guard VectorKernels.allFinite(stored.scalars) else {
                throw CheckpointError(path: url.path, "refused: '\(name)' holds NaN or infinite values")
            }
            loaded.append((parameter, stored.scalars))
        }
        for (parameter, values) in loaded { parameter.scalars = values }
        return itemMap
    }

    /// The trainer options a checkpoint must be resumed with, as text; the loss by its
    /// description (`crossEntropy(logq: 1.0)`, or what a loss of one's own says).
    static func describe(_ options: SessionTrainingOptions) -> [String: String] {
        ["batch size": String(options.batchSize), "loss": options.loss.description, "sample count": String(options.sampleCount),
         "sample alpha": String(options.sampleAlpha), "sample cache size": String(options.sampleCacheSize),
         "sampler seed": String(options.samplerSeed)]
            // Steps through time appear only when not 1, so checkpoints written before they existed still match.
            .merging(options.bpttSteps == 1 ? [:] : ["bptt steps": String(options.bpttSteps)]) { first, _ in first }
    }

    /// The optimizer's type, e.g. `Adagrad<Float>`.
    static func optimizerKind<Scalar>(_ optimizer: any Optimizer<Scalar>) -> String {
        String(describing: type(of: optimizer))
    }

    /// The model's parameters and the item ids, with `metadata`.
    static func modelFile<Model: Module>(_ model: Model, itemMap: ItemMap, metadata: [String: String]) throws -> SafeTensors {
        var file = model.safeTensors(metadata: metadata)
        file.metadata["item_ids"] = String(decoding: try JSONSerialization.data(withJSONObject: itemMap.ids), as: UTF8.self)
        return file
    }

    /// The dotted names of `parameters` in `model` (optimizers hold tensors, not names).
    static func names<Model: Module>(of parameters: [Tensor<Model.Scalar>], in model: Model) -> [String] {
        let byIdentity = Dictionary(model.namedParameters().map { (ObjectIdentifier($0.tensor), $0.name) }, uniquingKeysWith: { a, _ in a })
        return parameters.enumerated().map { byIdentity[ObjectIdentifier($0.element)] ?? "parameter\($0.offset)" }
    }

    private static func hex(_ word: UInt64) -> String { String(word, radix: 16) }
}

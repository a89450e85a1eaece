import Foundation
import Nabla
import NablaNN

extension Checkpoint {
    /// Writes everything needed to continue training exactly: the model, Adagrad's accumulators
    /// and velocities (`optimizer.accumulator.NAME`, `optimizer.velocity.NAME`), the hidden states
    /// of an epoch in progress (`training.state.layerK`), and in the metadata the position in the
    /// data and every random stream (samples, dropout). Written atomically.
    public static func saveTraining<Scalar>(_ trainer: GRU4RecTrainer<Scalar>, to url: URL) throws {
        let model = trainer.model
        var file = model.safeTensors()
        for (index, (name, tensor)) in model.namedParameters().enumerated() {
            file.add(Tensor(trainer.optimizer.accumulators[index], shape: tensor.shape), named: "optimizer.accumulator.\(name)")
            file.add(Tensor(trainer.optimizer.velocities[index], shape: tensor.shape), named: "optimizer.velocity.\(name)")
        }
        let progress = trainer.epochInProgress
        for (layer, state) in (progress?.states ?? []).enumerated() { file.add(state, named: "training.state.layer\(layer)") }
        let sampler = trainer.sampler.position
        let training: [String: Any] = [
            "epochs_completed": trainer.completedEpochs,
            "steps": progress?.steps ?? 0, "loss_sum": progress?.lossSum ?? 0, "events": progress?.events ?? 0,
            "seconds": progress?.seconds ?? 0, "layers_with_state": progress?.states.count ?? 0,
            "sampler_state": sampler.generatorState.map(hex), "sampler_cursor": sampler.cursor, "sampler_has_cache": sampler.hasCache,
            "dropout_states": ([model.embeddingDropout] + model.hiddenDropouts).map { $0.generator.state.map(hex) },
            "data_events": trainer.data.eventCount, "data_sessions": trainer.data.sessionCount,
        ]
        let ids = try JSONSerialization.data(withJSONObject: trainer.data.itemMap.ids)
        file.metadata = [
            "format": formatName, "format_version": String(formatVersion), "kind": "training",
            "parameters": model.configuration.parameterString,
            "item_ids": String(decoding: ids, as: UTF8.self),
            "epochs_completed": String(trainer.completedEpochs),
            "training": String(decoding: try JSONSerialization.data(withJSONObject: training, options: [.sortedKeys]), as: UTF8.self),
        ]
        try file.write(to: url)
    }

    /// A trainer that continues a training checkpoint on `data`, the same training data.
    ///
    /// - Throws: ``CheckpointError`` when the file is not a training checkpoint or was made on
    ///   other data; errors of ``load(_:as:)`` for a damaged file.
    public static func resumeTraining<Scalar>(from url: URL, data: SessionData, as type: Scalar.Type = Float.self) throws -> GRU4RecTrainer<Scalar> {
        let path = url.path
        let loaded = try load(url, as: Scalar.self)
        let file = try SafeTensors.read(from: url)
        guard file.metadata["kind"] == "training", let text = file.metadata["training"],
              let training = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CheckpointError(path: path, "not a training checkpoint (save one with --checkpoint)")
        }
        guard loaded.itemMap == data.itemMap, training["data_events"] as? Int == data.eventCount,
              training["data_sessions"] as? Int == data.sessionCount else {
            throw CheckpointError(path: path, "was made on other training data than \(data.source)")
        }
        func field<T>(_ name: String, as type: T.Type = T.self) throws -> T {
            guard let value = training[name] as? T else { throw CheckpointError(path: path, "training state lacks '\(name)'") }
            return value
        }
        func words(_ texts: [String]) throws -> [UInt64] {
            let values = texts.compactMap { UInt64($0, radix: 16) }
            guard values.count == 4, values.contains(where: { $0 != 0 }) else {
                throw CheckpointError(path: path, "a random generator state is malformed")
            }
            return values
        }
        let model = loaded.model
        let trainer = GRU4RecTrainer(model: model, data: data)
        var accumulators: [[Scalar]] = [], velocities: [[Scalar]] = []
        for (name, tensor) in model.namedParameters() {
            let accumulator = try file.tensor(named: "optimizer.accumulator.\(name)", as: Scalar.self, source: path)
            let velocity = try file.tensor(named: "optimizer.velocity.\(name)", as: Scalar.self, source: path)
            guard accumulator.shape == tensor.shape, velocity.shape == tensor.shape else {
                throw CheckpointError(path: path, "optimizer state of '\(name)' has the wrong shape")
            }
            accumulators.append(accumulator.scalars)
            velocities.append(velocity.scalars)
        }
        trainer.optimizer.restore(accumulators: accumulators, velocities: velocities)
        trainer.sampler.restore(NegativeSampler.Position(
            generatorState: try words(try field("sampler_state")), cursor: try field("sampler_cursor"),
            hasCache: try field("sampler_has_cache")))
        let dropouts = [model.embeddingDropout] + model.hiddenDropouts
        let dropoutStates: [[String]] = try field("dropout_states")
        guard dropoutStates.count == dropouts.count else { throw CheckpointError(path: path, "dropout states do not match the layers") }
        for (dropout, state) in zip(dropouts, dropoutStates) { dropout.generator = SeededRandomGenerator(state: try words(state)) }
        trainer.completedEpochs = try field("epochs_completed")
        let steps: Int = try field("steps")
        if steps > 0 {
            let layers: Int = try field("layers_with_state")
            let states = try (0..<layers).map { try file.tensor(named: "training.state.layer\($0)", as: Scalar.self, source: path) }
            trainer.epochInProgress = EpochInProgress(steps: steps, states: states, lossSum: try field("loss_sum"),
                                                      events: try field("events"), seconds: try field("seconds"))
        }
        model.train()
        return trainer
    }

    private static func hex(_ word: UInt64) -> String { String(word, radix: 16) }
}

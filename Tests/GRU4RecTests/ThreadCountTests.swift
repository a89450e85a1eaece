import GRU4Rec
import Nabla
import NablaKernels
import NablaTestSupport
import Testing

/// The thread count changes speed only: training gives the same weights to the last bit.
@Suite(.serialized) struct ThreadCountTests {
    /// 400 random sessions over 2,000 items: enough sampled rows that the optimizer, the loss
    /// and the output layer all split their work.
    func manyItemSessions() throws -> SessionData {
        var generator = SeededRandomGenerator(seed: 11)
        let items = (0..<400).map { _ in (0..<Int.random(in: 2...9, using: &generator)).map { _ in Int.random(in: 0..<2000, using: &generator) } }
        return try sessions(items + [Array(0..<2000)])
    }

    func trainedWeights(threads: Int, data: SessionData, tuner: ThreadCountTuner? = nil) throws -> [[Float]] {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        let configuration = try GRU4RecConfiguration(
            parameters: "layers=16,batch_size=32,n_sample=600,dropout_p_hidden=0.3,momentum=0.2,learning_rate=0.2,loss=cross-entropy,logq=1.0")
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        trainer.threadTuner = tuner
        try trainer.trainEpoch()
        return trainer.model.namedParameters().map(\.tensor.scalars)
    }

    @Test func oneAndTwoThreadsTrainTheSameWeights() throws {
        let data = try manyItemSessions()
        let single = try trainedWeights(threads: 1, data: data)
        let double = try trainedWeights(threads: 2, data: data)
        #expect(single == double)
        #expect(try trainedWeights(threads: 3, data: data) == single)
    }

    @Test func switchingThreadsBetweenStepsTrainsTheSameWeights() throws {
        let data = try manyItemSessions()
        let single = try trainedWeights(threads: 1, data: data)
        // A window of one step and a trial after every window: the steps run with 1 and 2 threads
        // mixed, whichever the trials choose.
        let tuner = ThreadCountTuner(maximum: 2, window: 1, trialEvery: 1)
        #expect(try trainedWeights(threads: 2, data: data, tuner: tuner) == single)
    }

    @Test func aCheckpointSavedInsideAWindowStillRunsAndItsErrorStillStopsTraining() throws {
        struct SaveFailed: Error {}
        let data = try manyItemSessions()
        ComputeThreads.set(1)
        let configuration = try GRU4RecConfiguration(parameters: "layers=8,batch_size=32,n_sample=16,loss=cross-entropy")
        let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        trainer.threadTuner = ThreadCountTuner(maximum: 2, window: 4)
        var saves = 0
        #expect(throws: SaveFailed.self) {
            try trainer.trainEpoch(checkpointEvery: 3, checkpoint: { _ in
                saves += 1
                if saves == 2 { throw SaveFailed() }
            })
        }
        #expect(saves == 2)
        // The epoch ended by the error still put the thread count back.
        #expect(ComputeThreads.count == 1)
    }
}

import Foundation
import Nabla
import NablaKernels
import NablaNN
import NablaSessions
import NablaTestSupport
import Testing

/// An optimizer that keeps a copy of every parameter's gradient at each update and changes
/// nothing: what one backward pass of the trainer computed.
final class GradientRecorder<Scalar: TensorScalar>: Optimizer {
    let parameters: [Tensor<Scalar>]
    /// The dense gradient of each parameter (zeros without one), per update.
    var recorded: [[[Scalar]]] = []

    init(parameters: [Tensor<Scalar>]) { self.parameters = parameters }

    func step() {
        recorded.append(parameters.map { $0.grad?.scalars ?? [Scalar](repeating: 0, count: $0.count) })
    }

    func restore(_ state: OptimizerState<Scalar>) throws {}
}

/// Truncated backpropagation through time in the session trainer: windows of k steps keep
/// their graph, average their losses into one update, stop at session boundaries, and pause,
/// checkpoint and resume exactly; k = 1 is the step-by-step training.
@Suite struct TruncatedBPTTTests {
    /// Two slots; in the first three steps slot 0 continues one session and slot 1 switches
    /// from its first session (two steps) to the third.
    static let windowSessions = [[0, 1, 2, 3], [2, 4, 1], [5, 0, 4, 3], [1, 5]]

    func options(batchSize: Int, bpttSteps: Int, sampleCount: Int = 2) -> SessionTrainingOptions {
        SessionTrainingOptions(batchSize: batchSize, loss: .crossEntropy(), sampleCount: sampleCount, sampleCacheSize: 10,
                               bpttSteps: bpttSteps)
    }

    /// The mean loss of the first `count` steps, unrolled by hand: the carry of each state is a
    /// 0/1 selection matrix (a zero row for a slot where a new session starts) times the
    /// previous states, so the graph runs through the whole window.
    func unrolledLoss(_ trainer: SessionTrainer<TinyLSTMRecommender<Double>>, steps count: Int) -> Tensor<Double> {
        var sampler = NegativeSampler(support: trainer.support, alpha: trainer.options.sampleAlpha,
                                      sampleCount: trainer.options.sampleCount, cacheSize: trainer.options.sampleCacheSize,
                                      seed: trainer.options.samplerSeed)
        var states = trainer.model.zeroStates(batchSize: trainer.options.batchSize)
        var total: Tensor<Double>?
        for step in trainer.batches.prefix(count) {
            var selection = [Double](repeating: 0, count: step.previousSlot.count * states[0].shape[0])
            for (slot, source) in step.previousSlot.enumerated() {
                if let source { selection[slot * states[0].shape[0] + source] = 1 }
            }
            let select = Tensor(selection, shape: [step.previousSlot.count, states[0].shape[0]])
            states = states.map { matmul(select, $0) }
            let loss = trainer.loss(inputs: step.inputs, targets: step.targets, samples: sampler.next().map { Int($0) }, states: &states)
            total = total.map { $0 + loss } ?? loss
        }
        return total! / Double(count)
    }

    func windowTrainer(bpttSteps: Int, optimizer: (TinyLSTMRecommender<Double>) -> any Optimizer<Double>) throws
        -> SessionTrainer<TinyLSTMRecommender<Double>> {
        let data = try sessions(Self.windowSessions)
        let model = TinyLSTMRecommender<Double>(itemCount: data.itemMap.count, embeddingSize: 3, hiddenSize: 4, seed: 5)
        return SessionTrainer(model: model, data: data, options: options(batchSize: 2, bpttSteps: bpttSteps), optimizer: optimizer(model))
    }

    @Test func aWindowsGradientIsThatOfItsUnrolledMeanLoss() throws {
        var recorder: GradientRecorder<Double>!
        let trainer = try windowTrainer(bpttSteps: 3) { model in
            recorder = GradientRecorder(parameters: model.parameters)
            return recorder
        }
        #expect(Array(trainer.batches.prefix(3)).map(\.previousSlot) == [[nil, nil], [0, 1], [0, nil]],
                "slot 1 should take a new session in the window's third step")
        try trainer.trainEpoch()
        #expect(recorder.recorded.count == 2, "five steps make a window of three and a last window of two")

        let parameters = trainer.model.parameters
        for parameter in parameters { parameter.zeroGrad() }
        unrolledLoss(trainer, steps: 3).backward()
        for ((name, parameter), window) in zip(trainer.model.namedParameters(), recorder.recorded[0]) {
            let byHand = parameter.grad?.scalars ?? [Double](repeating: 0, count: parameter.count)
            let error = zip(byHand, window).map { abs($0 - $1) / max(abs($0), 1) }.max() ?? 0
            #expect(error < 1e-12, "\(name): the window's gradient differs from the unrolled loss's by \(error)")
        }
        for parameter in parameters { parameter.zeroGrad() }

        let result = gradcheck(parameters) { _ in unrolledLoss(trainer, steps: 3) }
        #expect(result.passed, "\(result)")
    }

    @Test func noGradientCrossesASessionBoundaryInsideAWindow() throws {
        // One slot: session [0, 1] (one step), then [2, 3, 4] (two steps), in one window of three.
        let data = try sessions([[0, 1], [2, 3, 4]], itemCount: 6)
        let model = TinyLSTMRecommender<Double>(itemCount: 6, embeddingSize: 3, hiddenSize: 4, seed: 9)
        let recorder = GradientRecorder(parameters: model.parameters)
        let trainer = SessionTrainer(model: model, data: data, options: options(batchSize: 1, bpttSteps: 3, sampleCount: 3),
                                     optimizer: recorder)
        #expect(Array(trainer.batches).map(\.previousSlot) == [[nil], [nil], [0]])
        try trainer.trainEpoch()
        #expect(recorder.recorded.count == 1)
        let embeddingIndex = try #require(model.namedParameters().firstIndex { $0.name == "embedding.weight" })
        let window = recorder.recorded[0][embeddingIndex]
        let width = 3
        func row(_ item: Int, of gradient: [Double]) -> [Double] { Array(gradient[(item * width)..<((item + 1) * width)]) }

        // Each step's loss alone, from zero states, by hand.
        var sampler = NegativeSampler(support: trainer.support, alpha: 0.5, sampleCount: 3, cacheSize: 10, seed: trainer.options.samplerSeed)
        let samples = (0..<3).map { _ in sampler.next().map { Int($0) } }
        func embeddingGradient(_ loss: () -> Tensor<Double>) -> [Double] {
            model.embedding.weight.zeroGrad()
            loss().backward()
            defer { model.embedding.weight.zeroGrad() }
            return model.embedding.weight.grad!.scalars
        }
        let firstSession = embeddingGradient {
            var states = model.zeroStates(batchSize: 1)
            return trainer.loss(inputs: [0], targets: [1], samples: samples[0], states: &states) / 3
        }
        let secondSessionFirstStep = embeddingGradient {
            var states = model.zeroStates(batchSize: 1)
            return trainer.loss(inputs: [2], targets: [3], samples: samples[1], states: &states) / 3
        }
        // Item 0 is read only by the first session: the later steps, of another session, add nothing to it.
        #expect(row(0, of: window) == row(0, of: firstSession))
        #expect(row(0, of: window).contains { $0 != 0 })
        // Item 2 starts the second session: its gradient also comes from the session's next
        // step, through the carried state (the graph is kept inside the window).
        let difference = zip(row(2, of: window), row(2, of: secondSessionFirstStep)).map { abs($0 - $1) }.max()!
        #expect(difference > 1e-6, "the second step of the session did not reach its first input")
    }

    @Test func oneStepWindowsAreTheStepByStepTraining() throws {
        let data = try sessions(Self.windowSessions + [[3, 2, 1, 0, 5], [4, 4, 2]])
        func trained(byHand: Bool) throws -> [[Float]] {
            let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 3, hiddenSize: 4, seed: 5)
            let optimizer = SGD(parameters: model.parameters, learningRate: 0.3)
            let trainer = SessionTrainer(model: model, data: data, options: options(batchSize: 2, bpttSteps: 1), optimizer: optimizer)
            if !byHand {
                try trainer.trainEpoch()
                return model.parameters.map(\.scalars)
            }
            var sampler = trainer.sampler
            var states = model.zeroStates(batchSize: 2)
            for step in trainer.batches {
                states = carryStates(states, along: step.previousSlot)
                let loss = trainer.loss(inputs: step.inputs, targets: step.targets, samples: sampler.next().map { Int($0) }, states: &states)
                for parameter in model.parameters { parameter.zeroGrad() }
                loss.backward()
                for parameter in model.parameters { parameter.coalesceGradient() }
                optimizer.step()
                states = states.map { $0.detached() }
            }
            return model.parameters.map(\.scalars)
        }
        #expect(try trained(byHand: false) == trained(byHand: true))
    }

    // MARK: Pausing, checkpoints and resuming

    func demoTrainer(_ data: SessionData, bpttSteps: Int = 3) -> SessionTrainer<TinyLSTMRecommender<Float>> {
        let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 8, hiddenSize: 8, seed: 3)
        return SessionTrainer(model: model, data: data,
                              options: SessionTrainingOptions(batchSize: 8, loss: .bprMax(), sampleCount: 6, sampleCacheSize: 30,
                                                              bpttSteps: bpttSteps),
                              optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1, momentum: 0.2))
    }

    func demoData() throws -> SessionData {
        try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 200).utf8), source: "demo.tsv"), source: "demo.tsv")
    }

    func expectSameWeights(_ a: SessionTrainer<TinyLSTMRecommender<Float>>, _ b: SessionTrainer<TinyLSTMRecommender<Float>>) {
        for (x, y) in zip(a.model.namedParameters(), b.model.namedParameters()) {
            #expect(x.tensor.scalars == y.tensor.scalars, "\(x.name) differs after resuming")
        }
    }

    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nabla-bptt-\(UUID()).safetensors")
    }

    @Test func aPausedEpochResumesExactlyAtAWindowsEnd() throws {
        let data = try demoData()
        let straight = demoTrainer(data)
        try straight.trainEpoch()
        try straight.trainEpoch()

        let paused = demoTrainer(data)
        var windows = 0
        #expect(try paused.trainEpoch(shouldStop: { windows += 1; return windows > 5 }).interrupted)
        #expect(paused.epochInProgress?.steps == 15, "five windows of three steps")
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try SessionCheckpoint.saveTraining(paused, to: url)

        let resumed = demoTrainer(data)
        try SessionCheckpoint.resume(resumed, from: url)
        try resumed.trainEpoch()
        try resumed.trainEpoch()
        expectSameWeights(resumed, straight)
    }

    @Test func aCheckpointDueInsideAWindowIsTakenAtItsEndAndResumesExactly() throws {
        let data = try demoData()
        let straight = demoTrainer(data)
        try straight.trainEpoch()

        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var checkpointSteps: [Int] = []
        let checkpointed = demoTrainer(data)
        try checkpointed.trainEpoch(checkpointEvery: 4, checkpoint: { trainer in
            checkpointSteps.append(trainer.epochInProgress!.steps)
            if checkpointSteps.count == 1 { try SessionCheckpoint.saveTraining(trainer, to: url) }
        })
        #expect(Array(checkpointSteps.prefix(4)) == [6, 9, 12, 18], "steps 4, 8, 12 and 16 fall in windows ending at 6, 9, 12 and 18")
        expectSameWeights(checkpointed, straight)

        let resumed = demoTrainer(data)
        try SessionCheckpoint.resume(resumed, from: url)
        #expect(resumed.epochInProgress?.steps == 6)
        try resumed.trainEpoch()
        expectSameWeights(resumed, straight)
    }

    @Test func aCheckpointResumesOnlyWithTheSameWindow() throws {
        let data = try demoData()
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let stepByStep = demoTrainer(data, bpttSteps: 1)
        var steps = 0
        try stepByStep.trainEpoch(shouldStop: { steps += 1; return steps > 4 })
        try SessionCheckpoint.saveTraining(stepByStep, to: url)
        #expect(throws: CheckpointError.self) { try SessionCheckpoint.resume(demoTrainer(data, bpttSteps: 3), from: url) }
        try SessionCheckpoint.resume(demoTrainer(data, bpttSteps: 1), from: url)

        let windowed = demoTrainer(data, bpttSteps: 3)
        try windowed.trainEpoch(shouldStop: { steps += 1; return steps > 8 })
        try SessionCheckpoint.saveTraining(windowed, to: url)
        do {
            try SessionCheckpoint.resume(demoTrainer(data, bpttSteps: 1), from: url)
            Issue.record("a checkpoint trained with windows of three steps was resumed step by step")
        } catch {
            #expect("\(error)".contains("was trained with bptt steps 3, this trainer has 1"), "\(error)")
        }
    }

    @Test func aWindowTrainsAndReportsEveryStepsLoss() throws {
        let data = try demoData()
        let trainer = demoTrainer(data, bpttSteps: 4)
        var reports: [TrainingProgress] = []
        let first = try trainer.trainEpoch(reportEvery: 10, progress: { reports.append($0) })
        let losses = try (2...4).map { _ in try trainer.trainEpoch().meanLoss }
        #expect(first.events == trainer.eventsPerEpoch)
        #expect(losses[2] < first.meanLoss * 0.9, "\(first.meanLoss), \(losses)")
        #expect(!reports.isEmpty && reports.allSatisfy { $0.events <= trainer.eventsPerEpoch })
    }

    @Test func theThreadTunerTimesWindowsAndChangesNoResult() throws {
        let data = try demoData()
        let plain = demoTrainer(data)
        try plain.trainEpoch()
        let tuned = demoTrainer(data)
        // A trial at every window: the windows run on one thread and on two, mixed.
        tuned.threadTuner = ThreadCountTuner(maximum: 2, window: 1, trialEvery: 1)
        try tuned.trainEpoch()
        expectSameWeights(tuned, plain)
    }

    @Test func aNonFiniteLossInsideAWindowNamesItsStep() throws {
        let data = try demoData()
        let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 8, hiddenSize: 8, seed: 3)
        let loss = NaNOnCall(call: 5)
        let trainer = SessionTrainer(model: model, data: data,
                                     options: SessionTrainingOptions(batchSize: 8, loss: loss, sampleCount: 6, sampleCacheSize: 30,
                                                                     bpttSteps: 3),
                                     optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1))
        let before = model.parameters.map(\.scalars)
        do {
            try trainer.trainEpoch()
            Issue.record("a NaN loss did not stop training")
        } catch let error as TrainingError {
            #expect(error.message.hasPrefix("epoch 1, step 5: the loss is nan"), "\(error)")
        }
        #expect(model.parameters.map(\.scalars) != before, "the first window should have updated")
    }

    @Test func theWindowReachesTheTrainingOptionsFromHyperparameters() throws {
        var values = HyperparameterValues<SmallModelHyperparameters>()
        #expect(values.trainingOptions.bpttSteps == 1)
        try values.set("bptt_steps=5")
        #expect(values.trainingOptions.bpttSteps == 5)
        #expect(throws: ConfigurationError.self) { try values.set("bptt_steps=0") }
        #expect(throws: ConfigurationError.self) { try values.set("bptt_steps=1001") }
    }
}

/// The training hyperparameters alone.
enum SmallModelHyperparameters: HyperparameterList {
    static let hyperparameters = Hyperparameter.training
}

/// Cross-entropy, except that its `call`-th evaluation is NaN.
struct NaNOnCall: SampledLoss {
    /// Counts evaluations across copies of the loss.
    final class Counter: @unchecked Sendable { var calls = 0 }
    let call: Int
    let counter = Counter()
    var description: String { "NaNOnCall(\(call))" }

    func callAsFunction<Scalar: TensorScalar>(_ batch: ScoredBatch<Scalar>) -> Tensor<Scalar> {
        counter.calls += 1
        let loss = RankingLoss.crossEntropy()(batch)
        return counter.calls == call ? loss * Scalar.nan : loss
    }
}

import Foundation
import Nabla
import NablaKernels
import NablaNN

/// What a trainer reports while it works.
public struct TrainingProgress: Sendable {
    /// The epoch, from 1.
    public let epoch: Int
    /// Events (predicted next items) processed in this epoch so far.
    public let events: Int
    /// Events in a whole epoch.
    public let eventsPerEpoch: Int
    /// The mean loss per event so far in this epoch.
    public let meanLoss: Double
    /// Seconds since the epoch started.
    public let elapsed: Double
}

/// The result of one epoch, or of the part of it trained before a stop was requested.
public struct EpochSummary: Sendable {
    /// Whether the epoch stopped early (its remaining steps run on the next call).
    public var interrupted = false
    /// The epoch, from 1.
    public let epoch: Int
    /// The mean loss per event.
    public let meanLoss: Double
    /// Events processed.
    public let events: Int
    /// Wall-clock seconds.
    public let seconds: Double
    /// Events per second.
    public var eventsPerSecond: Double { Double(events) / max(seconds, 1e-9) }
}

/// A non-finite loss or gradient: training stopped.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the epoch and step.
    public let message: String
    /// The message.
    public var description: String { message }

    /// An error saying `message`; a command that adds its own advice rethrows one.
    public init(message: String) { self.message = message }
}

/// How a ``SessionTrainer`` walks the data: GRU4Rec's recipe, for any ``SessionModel``.
///
/// Two options are equal when every field is and their losses have the same description (the
/// name a checkpoint records).
public struct SessionTrainingOptions: Sendable, Equatable {
    /// Session slots per mini-batch; each step's loss is divided by it.
    public var batchSize: Int
    /// The loss over the targets and the shared samples: one of ``RankingLoss`` (`.crossEntropy()`,
    /// `.bprMax()`, ...) or any ``SampledLoss`` of your own.
    public var loss: any SampledLoss
    /// Shared negative samples per mini-batch, besides the in-batch targets (0: in-batch only).
    public var sampleCount: Int
    /// Samples are drawn ∝ support^α.
    public var sampleAlpha: Double
    /// Samples drawn per cache refill.
    public var sampleCacheSize: Int
    /// The seed of the sampler's random stream.
    public var samplerSeed: UInt64
    /// Session-parallel steps whose graph is kept together (truncated backpropagation through
    /// time): the states are not detached inside a window of this many steps, whose losses are
    /// averaged into one backward pass and one update. 1 (the default) detaches after every
    /// step, as the official GRU4Rec does.
    public var bpttSteps: Int

    /// Options with GRU4Rec's defaults for the ones not given.
    public init(batchSize: Int = 64, loss: any SampledLoss = .crossEntropy(), sampleCount: Int = 2048, sampleAlpha: Double = 0.5,
                sampleCacheSize: Int = 1_000_000, samplerSeed: UInt64 = 142, bpttSteps: Int = 1) {
        if batchSize < 1 || sampleCount < 0 || sampleCacheSize < 1 || bpttSteps < 1 {
            misuse("SessionTrainingOptions", "batch size \(batchSize), cache size \(sampleCacheSize) and steps through time "
                + "\(bpttSteps) must be positive, the sample count \(sampleCount) not negative")
        }
        self.batchSize = batchSize
        self.loss = loss
        self.sampleCount = sampleCount
        self.sampleAlpha = sampleAlpha
        self.sampleCacheSize = sampleCacheSize
        self.samplerSeed = samplerSeed
        self.bpttSteps = bpttSteps
    }

    /// Whether `a` and `b` train the same way: equal fields, and losses with the same description.
    public static func == (a: SessionTrainingOptions, b: SessionTrainingOptions) -> Bool {
        a.batchSize == b.batchSize && a.loss.description == b.loss.description && a.sampleCount == b.sampleCount
            && a.sampleAlpha == b.sampleAlpha && a.sampleCacheSize == b.sampleCacheSize && a.samplerSeed == b.samplerSeed
            && a.bpttSteps == b.bpttSteps
    }
}

/// Trains any ``SessionModel`` the way the official GRU4Rec trains its model: session-parallel
/// mini-batches in time order, shared popularity-based negatives, any ``SampledLoss``, any
/// optimizer, and states detached after every step, or, with
/// ``SessionTrainingOptions/bpttSteps`` k above 1, after every window of k steps (truncated
/// backpropagation through time).
///
/// ```swift
/// let trainer = SessionTrainer(model: model, data: train,
///                              options: SessionTrainingOptions(batchSize: 32, loss: .bprMax(), sampleCount: 16),
///                              optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1, momentum: 0.2))
/// let summary = try trainer.trainEpoch()
/// ```
///
/// A NaN or infinite loss or gradient stops training with a ``TrainingError`` naming the epoch,
/// the step and the parameter. On the first step the loss's graph is checked against the
/// model's parameters (`checkParameters(cover:)` of NablaNN's `Module`): a tensor that requires a
/// gradient but that the model does not list stops training with its property named.
/// ``SessionCheckpoint`` saves and restores a trainer exactly.
///
/// ## Windows of steps
///
/// With k = ``SessionTrainingOptions/bpttSteps`` above 1, the trainer runs k session-parallel
/// steps keeping their graph: each step draws its own negatives and computes its loss (divided
/// by the batch size, as with k = 1), the window's loss is the **mean** of its step losses, and
/// one backward pass and one optimizer update follow; then the states are detached. The mean
/// (rather than the sum) keeps the gradient of an update at the scale of one step's, so the
/// learning rate means what it means with k = 1, as in the usual PyTorch loop where the loss
/// of a window averages over its steps. A slot whose session ends or starts inside the window
/// is cut there (``carryStatesKeepingGraph(_:along:)``): no gradient crosses a session
/// boundary. The last window of an epoch may be shorter, and still updates. `shouldStop` is
/// asked before every window, a checkpoint or progress report due inside a window is taken at
/// its end, and the thread tuner times whole windows, so a paused or checkpointed epoch always
/// stands at a window's end and resumes exactly. With k = 1 each window is one step: the
/// training of the official GRU4Rec.
public final class SessionTrainer<Model: SessionModel> {
    /// The element type of the model.
    public typealias Scalar = Model.Scalar
    /// The model being trained.
    public let model: Model
    /// The training sessions.
    public let data: SessionData
    /// The batch size, loss and sampling.
    public let options: SessionTrainingOptions
    /// How often each item occurs in the training data.
    public let support: [Int]
    /// Its logarithm, for the logQ correction.
    let logSupport: [Double]
    /// The optimizer.
    public let optimizer: any Optimizer<Scalar>
    /// The negative sampler.
    public var sampler: NegativeSampler
    /// Epochs completed so far.
    public internal(set) var completedEpochs = 0
    /// The epoch in progress after an interruption: its batch position, states and running totals.
    public internal(set) var epochInProgress: EpochInProgress<Scalar>?
    /// When set, training steps run with whichever of 1 compute thread and the tuner's maximum
    /// is faster at the time (the results are the same either way). Each epoch begins and ends
    /// it: after the epoch the thread count is what it was before.
    public var threadTuner: ThreadCountTuner?
    /// Whether a step's loss has been checked to reach no tensor the model does not list.
    private var parametersChecked = false

    /// A trainer for `model` on `data` that updates the model's parameters with `optimizer`.
    public init(model: Model, data: SessionData, options: SessionTrainingOptions, optimizer: any Optimizer<Scalar>) {
        if model.itemCount != data.itemMap.count {
            misuse("SessionTrainer", "the model scores \(model.itemCount) items, the data has \(data.itemMap.count)")
        }
        // Parameters carry their dotted names, for error messages and drawings.
        model.labelParameters()
        self.model = model
        self.data = data
        self.options = options
        self.optimizer = optimizer
        support = data.itemSupport()
        logSupport = Self.logSupport(support)
        sampler = NegativeSampler(support: support, alpha: options.sampleAlpha, sampleCount: options.sampleCount,
                                  cacheSize: options.sampleCacheSize, seed: options.samplerSeed)
    }

    /// The number of predictions (events after the first of each session) in one epoch.
    public var eventsPerEpoch: Int { data.eventCount - data.sessionCount }

    /// The session-parallel batches one epoch walks. Without shared samples a step needs two
    /// slots (one slot has no in-batch negative), as in the official implementation.
    public var batches: SessionParallelBatches {
        SessionParallelBatches(data: data, batchSize: options.batchSize, minimumSlots: options.sampleCount == 0 ? 2 : 1)
    }

    /// Trains one epoch (or the rest of an interrupted one), calling `progress` every
    /// `reportEvery` steps, `checkpoint` after every `checkpointEvery` steps of the epoch (steps
    /// N, 2N, 3N, ...; 0 for never) and `shouldStop` before every step. With windows of several
    /// steps (``SessionTrainingOptions/bpttSteps``), `shouldStop` is asked before every window
    /// and a report or checkpoint due inside a window comes at the window's end.
    ///
    /// When `checkpoint` is called, ``epochInProgress`` holds the state after that step, so
    /// ``SessionCheckpoint/saveTraining(_:metadata:to:)`` inside it saves a checkpoint that
    /// resumes with the next step. When `shouldStop` returns `true` the epoch pauses: the summary
    /// says `interrupted`, and ``epochInProgress`` holds what a checkpoint needs to continue exactly.
    ///
    /// - Throws: `UnlistedParameterError` (from NablaNN) on the first step, before any update, if
    ///   the loss reaches a tensor that requires a gradient but is not among the model's
    ///   parameters. ``TrainingError`` naming the epoch, the step and, where it can, the parameter, if
    ///   the loss or a gradient becomes NaN or infinite (the parameters are then left as they were
    ///   before the failing step's update), or if an update makes a parameter NaN or infinite
    ///   (then that update has been applied: save nothing from this trainer; no file will take
    ///   such a model).
    @discardableResult
    public func trainEpoch(
        reportEvery: Int = 200, progress: (TrainingProgress) -> Void = { _ in },
        checkpointEvery: Int = 0, checkpoint: (SessionTrainer) throws -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> EpochSummary {
        model.train()
        threadTuner?.begin()
        defer { threadTuner?.end() }
        let epoch = completedEpochs + 1
        let start = Date()
        let resumed = epochInProgress
        var states = resumed?.states ?? model.zeroStates(batchSize: options.batchSize)
        var lossSum = resumed?.lossSum ?? 0, events = resumed?.events ?? 0, stepIndex = resumed?.steps ?? 0
        let earlierSeconds = resumed?.seconds ?? 0
        var iterator = try resumed.map { try batches.makeIterator(resumingAt: $0.batchPosition) } ?? batches.makeIterator()
        func summary(interrupted: Bool) -> EpochSummary {
            var summary = EpochSummary(epoch: epoch, meanLoss: events > 0 ? lossSum / Double(events) : 0, events: events,
                                       seconds: earlierSeconds + Date().timeIntervalSince(start))
            summary.interrupted = interrupted
            return summary
        }
        let windowLength = options.bpttSteps
        while true {
            let position = iterator.position
            guard let first = iterator.next() else { break }
            if shouldStop() {
                epochInProgress = EpochInProgress(steps: stepIndex, batchPosition: position, states: states, lossSum: lossSum,
                                                  events: events, seconds: earlierSeconds + Date().timeIntervalSince(start))
                return summary(interrupted: true)
            }
            var window = [first]
            while window.count < windowLength, let next = iterator.next() { window.append(next) }
            let stepLosses = self.stepLosses(of: window, sampler: &sampler, states: &states)
            let loss = stepLosses.count == 1 ? stepLosses[0] : Self.mean(of: stepLosses)
            if !parametersChecked {
                try model.checkParameters(cover: loss)
                parametersChecked = true
            }
            let values = stepLosses.map { Double($0.item) }
            let value = stepLosses.count == 1 ? values[0] : Double(loss.item)
            for parameter in optimizer.parameters { parameter.zeroGrad() }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw TrainingError(message: "epoch \(epoch), step \(stepIndex + bad + 1): the loss is \(values[bad]); "
                    + nonFiniteParameterReport())
            }
            let steps = Self.describeSteps(stepIndex + 1, count: window.count)
            loss.backward()
            if let bad = coalescedGradientsCheckingFinite().first(where: { !$0.finite })?.parameter {
                throw TrainingError(message: "epoch \(epoch), \(steps): the gradient of '\(bad.name ?? "?")' "
                    + "is not finite (the loss was \(value)); \(Self.findTheOp)")
            }
            optimizer.step()
            if let bad = optimizer.parametersMadeNonFinite().first {
                throw TrainingError(message: "epoch \(epoch), \(steps): the update made '\(bad.name ?? "?")' "
                    + "NaN or infinite (the loss was \(value), its gradient finite): the learning rate is probably too large; "
                    + "nothing from this step on is saved")
            }
            states = states.map { $0.detached() }
            let stepsBefore = stepIndex
            for (step, value) in zip(window, values) {
                lossSum += value * Double(step.inputs.count)
                events += step.inputs.count
            }
            stepIndex += window.count
            threadTuner?.stepFinished()
            // A checkpoint or report due inside a window is taken at its end, after its update.
            if checkpointEvery > 0 && stepIndex / checkpointEvery > stepsBefore / checkpointEvery {
                epochInProgress = EpochInProgress(steps: stepIndex, batchPosition: iterator.position, states: states, lossSum: lossSum,
                                                  events: events, seconds: earlierSeconds + Date().timeIntervalSince(start))
                defer { epochInProgress = nil }
                // The save is not a step: its time stays out of the tuner's window.
                if let threadTuner { try threadTuner.excluding { try checkpoint(self) } } else { try checkpoint(self) }
            }
            if reportEvery > 0 && stepIndex / reportEvery > stepsBefore / reportEvery {
                progress(TrainingProgress(epoch: epoch, events: events, eventsPerEpoch: eventsPerEpoch,
                                          meanLoss: lossSum / Double(events), elapsed: earlierSeconds + Date().timeIntervalSince(start)))
            }
        }
        completedEpochs += 1
        epochInProgress = nil
        return summary(interrupted: false)
    }

    /// One training step's loss: the model reads `inputs` from `states` (which it advances),
    /// scores the `targets` and the shared `samples`, and the loss is divided by the batch size.
    /// The whole graph is recorded, so it can be drawn or differentiated.
    public func loss(inputs: [Int], targets: [Int], samples: [Int], states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        let hidden = model.step(inputs, states: &states)
        let items = targets + samples
        let batch = ScoredBatch(scores: model.scores(hidden, items: items), items: items, targetCount: targets.count,
                                logSupport: items.map { logSupport[$0] }, sampleAlpha: options.sampleAlpha)
        return options.loss(batch) / Scalar(options.batchSize)
    }

    /// The losses of the consecutive `steps` of one window, each as ``loss(inputs:targets:samples:states:)``
    /// computes it with its own samples from `sampler`, in one graph: the states are carried
    /// into the first step as they are and between the steps with ``carryStatesKeepingGraph(_:along:)``,
    /// so a backward pass from a later step reaches the earlier ones of the same session.
    ///
    /// With `scopingSteps`, the ops of each step are tagged `step 1`, `step 2`, ... (see
    /// `withScope` of Nabla), so that a drawing groups them, and the model's recurrent layers are
    /// told the step's time (`withRecurrentTime` of NablaNN), so that a drawing lays them out in
    /// a time grid.
    public func stepLosses(of steps: [SessionParallelBatches.Step], sampler: inout NegativeSampler,
                           states: inout [Tensor<Scalar>], scopingSteps: Bool = false) -> [Tensor<Scalar>] {
        var losses: [Tensor<Scalar>] = []
        losses.reserveCapacity(steps.count)
        for (offset, step) in steps.enumerated() {
            func stepLoss() -> Tensor<Scalar> {
                states = offset == 0 ? carryStates(states, along: step.previousSlot)
                    : carryStatesKeepingGraph(states, along: step.previousSlot)
                let samples = sampler.next().map { Int($0) }
                return loss(inputs: step.inputs, targets: step.targets, samples: samples, states: &states)
            }
            losses.append(scopingSteps ? withRecurrentTime(offset) { withScope("step \(offset + 1)", stepLoss) } : stepLoss())
        }
        return losses
    }

    /// The loss of the first window of ``SessionTrainingOptions/bpttSteps`` steps over `slots`
    /// sessions (default: the batch size), the mean of its step losses, in training mode and
    /// with its whole graph recorded and each step's ops tagged `step 1`, `step 2`, ...: for
    /// drawing where the gradient of a window flows and where it stops. Nothing is updated, as
    /// with ``lossOfFirstStep(slots:)``.
    public func lossOfFirstWindow(slots: Int? = nil) -> Tensor<Scalar> {
        inTrainingModeLeftAsItWas {
            let firstBatches = SessionParallelBatches(data: data, batchSize: slots ?? options.batchSize,
                                                      minimumSlots: self.batches.minimumSlots)
            let window = Array(firstBatches.prefix(options.bpttSteps))
            guard let first = window.first else {
                misuse("SessionTrainer.lossOfFirstWindow", "the data has no session with two events")
            }
            var sampler = NegativeSampler(support: support, alpha: options.sampleAlpha, sampleCount: options.sampleCount,
                                          cacheSize: options.sampleCacheSize, seed: options.samplerSeed)
            var states = model.zeroStates(batchSize: first.inputs.count)
            let losses = stepLosses(of: window, sampler: &sampler, states: &states, scopingSteps: true)
            return losses.count == 1 ? losses[0] : Self.mean(of: losses)
        }
    }

    /// The loss of the first training step over `slots` sessions (default: the batch size), in
    /// training mode, with its whole graph recorded, the recurrent layers at time 0: for drawing
    /// one training step of the model.
    /// Nothing is updated: the sampler, every random stream and the training mode are as they
    /// were before.
    public func lossOfFirstStep(slots: Int? = nil) -> Tensor<Scalar> {
        inTrainingModeLeftAsItWas {
            var firstBatches = SessionParallelBatches(data: data, batchSize: slots ?? options.batchSize,
                                                      minimumSlots: batches.minimumSlots).makeIterator()
            guard let step = firstBatches.next() else {
                misuse("SessionTrainer.lossOfFirstStep", "the data has no session with two events")
            }
            var sampler = NegativeSampler(support: support, alpha: options.sampleAlpha, sampleCount: options.sampleCount,
                                          cacheSize: options.sampleCacheSize, seed: options.samplerSeed)
            var states = model.zeroStates(batchSize: step.inputs.count)
            return withRecurrentTime(0) {
                loss(inputs: step.inputs, targets: step.targets, samples: sampler.next().map { Int($0) }, states: &states)
            }
        }
    }

    /// Runs `body` with the model in training mode, then puts back every random stream of the
    /// model and its mode as they were: what drawing a training step needs, so that drawing
    /// changes nothing a later epoch would see.
    private func inTrainingModeLeftAsItWas<Result>(_ body: () -> Result) -> Result {
        let streams = model.randomStreamOwners.map { ($0.owner, $0.owner.generator) }
        let wasTraining = model.isTraining
        defer {
            for (owner, generator) in streams { owner.generator = generator }
            if !wasTraining { model.eval() }
        }
        model.train()
        return body()
    }

    /// Coalesces every parameter's gradient and tells, for each parameter in order, whether its
    /// gradient is finite (a parameter without a gradient counts as finite).
    ///
    /// Coalesced once here, row-sparse gradients are checked as they are summed, and the
    /// optimizer updates from the same sums. Parameters are independent of each other, so the
    /// compute threads take them as they become free: the item matrix's rows are summed on one
    /// thread while the other sums the output bias's and checks the dense gradients.
    func coalescedGradientsCheckingFinite() -> [(parameter: Tensor<Scalar>, finite: Bool)] {
        let parameters = optimizer.parameters
        let finite = ComputeThreads.results(parameters.count) { index in
            parameters[index].coalesceGradient()
            return parameters[index].gradient.map(isFinite) ?? true
        }
        return Array(zip(parameters, finite))
    }

    /// Names the parameters holding NaN or infinite values, for a failure message.
    func nonFiniteParameterReport() -> String {
        let bad = model.namedParameters().filter { !$0.tensor.scalars.allSatisfy(\.isFinite) }.map(\.name)
        return bad.isEmpty ? "no parameter holds a non-finite value; \(Self.findTheOp)"
            : "non-finite values in \(bad.joined(separator: ", "))"
    }

    /// The mean of a window's step losses: the loss one backward pass of a window differentiates.
    static func mean(of stepLosses: [Tensor<Scalar>]) -> Tensor<Scalar> {
        stepLosses.dropFirst().reduce(stepLosses[0], +) / Scalar(stepLosses.count)
    }

    /// "step 7", or "steps 7-9" for a window of three steps: where a failure happened.
    static func describeSteps(_ first: Int, count: Int) -> String {
        count == 1 ? "step \(first)" : "steps \(first)-\(first + count - 1)"
    }

    /// What a failure message advises to find the op that made a NaN or an infinity.
    static var findTheOp: String { "train inside withAnomalyDetection { } to find the op" }


    /// `log(max(support, 1))` of each item: the logQ correction's input.
    public static func logSupport(_ support: [Int]) -> [Double] {
        support.map { Double.log(Double(Swift.max($0, 1))) }
    }
}

/// Whether every value of a gradient is finite.
private func isFinite<Scalar: TensorScalar>(_ gradient: Gradient<Scalar>) -> Bool {
    switch gradient {
    case .dense(let tensor): return VectorKernels.allFinite(tensor.scalars)
    case .rowSparse(let sparse): return sparse.valuesAreFinite
    }
}

/// States for the slots of a new step: each slot continues the rows of the slot it came from
/// (``SessionParallelBatches/Step/previousSlot``), or starts from zero when a new session takes
/// it. Training, evaluation and any custom loop use it the same way.
///
/// - Parameters:
///   - states: the states after the previous step, each `[previous slots, width]`.
///   - previousSlot: for each new slot, the previous slot it continues, or `nil`.
/// - Returns: states `[previousSlot.count, width]`, without a graph.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func carryStates<Scalar: TensorScalar>(_ states: [Tensor<Scalar>], along previousSlot: [Int?]) -> [Tensor<Scalar>] {
    states.map { state in
        let width = state.shape[1]
        let old = state.scalars
        var values = [Scalar](repeating: 0, count: previousSlot.count * width)
        for (slot, source) in previousSlot.enumerated() {
            guard let source else { continue }
            for j in 0..<width { values[slot * width + j] = old[source * width + j] }
        }
        return Tensor(values, shape: [previousSlot.count, width])
    }
}

/// An epoch paused partway: what a checkpoint stores to continue it exactly.
public struct EpochInProgress<Scalar: TensorScalar> {
    /// Training steps already taken in this epoch.
    public var steps: Int
    /// Where the batches stand: the next step starts here.
    public var batchPosition: SessionParallelBatches.Position
    /// The hidden states after the last step, one per layer.
    public var states: [Tensor<Scalar>]
    /// The sum of per-event losses so far.
    public var lossSum: Double
    /// Events trained so far.
    public var events: Int
    /// Seconds spent so far.
    public var seconds: Double
}

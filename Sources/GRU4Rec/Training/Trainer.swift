import Foundation
import Nabla
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
}

/// Trains a ``GRU4RecModel`` the way the official implementation does: session-parallel
/// mini-batches in time order, shared popularity-based negatives, Adagrad with momentum and
/// row-sparse updates, hidden states detached after every step.
public final class GRU4RecTrainer<Scalar: TensorScalar> {
    /// The model being trained.
    public let model: GRU4RecModel<Scalar>
    /// The training sessions.
    public let data: SessionData
    /// How often each item occurs in the training data.
    public let support: [Int]
    /// Its logarithm, for the logQ correction.
    let logSupport: [Double]
    /// The optimizer (GRU4Rec's Adagrad with momentum).
    public let optimizer: Adagrad<Scalar>
    /// The negative sampler.
    public var sampler: NegativeSampler
    /// Epochs completed so far.
    public internal(set) var completedEpochs = 0
    /// The epoch in progress after an interruption: steps taken, hidden states, running totals.
    public internal(set) var epochInProgress: EpochInProgress<Scalar>?

    /// A trainer for `model` on `data`.
    public init(model: GRU4RecModel<Scalar>, data: SessionData) {
        let configuration = model.configuration
        self.model = model
        self.data = data
        support = data.itemSupport()
        logSupport = GRU4RecModel<Scalar>.logSupport(support)
        optimizer = Adagrad(parameters: model.parameters, learningRate: Scalar(configuration.learningRate),
                            momentum: Scalar(configuration.momentum))
        sampler = NegativeSampler(support: support, alpha: configuration.sampleAlpha, sampleCount: configuration.sampleCount,
                                  cacheSize: configuration.sampleCacheSize, seed: configuration.seed &+ 100)
    }

    /// The number of predictions (events after the first of each session) in one epoch.
    public var eventsPerEpoch: Int { data.eventCount - data.sessionCount }

    /// Trains one epoch (or the rest of an interrupted one), calling `progress` every
    /// `reportEvery` steps and `shouldStop` before every step.
    ///
    /// When `shouldStop` returns `true` the epoch pauses: the summary says `interrupted`, and
    /// ``epochInProgress`` holds what a checkpoint needs to continue exactly.
    ///
    /// - Throws: ``TrainingError`` naming the epoch, the step and, where it can, the parameter, if
    ///   the loss or a gradient becomes NaN or infinite. Parameters are then left as they were
    ///   before the failing step's update.
    @discardableResult
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func trainEpoch(
        reportEvery: Int = 200, progress: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws -> EpochSummary {
        let configuration = model.configuration
        model.train()
        let epoch = completedEpochs + 1
        let start = Date()
        let resumed = epochInProgress
        var states = resumed?.states ?? model.zeroStates(batchSize: configuration.batchSize)
        var lossSum = resumed?.lossSum ?? 0, events = resumed?.events ?? 0, stepIndex = resumed?.steps ?? 0
        let earlierSeconds = resumed?.seconds ?? 0
        let batches = SessionParallelBatches(data: data, batchSize: configuration.batchSize,
                                             minimumSlots: configuration.sampleCount == 0 ? 2 : 1)
        var iterator = batches.makeIterator()
        for _ in 0..<stepIndex { _ = iterator.next() }
        while let step = iterator.next() {
            if shouldStop() {
                epochInProgress = EpochInProgress(steps: stepIndex, states: states, lossSum: lossSum, events: events,
                                                  seconds: earlierSeconds + Date().timeIntervalSince(start))
                var summary = EpochSummary(epoch: epoch, meanLoss: events > 0 ? lossSum / Double(events) : 0, events: events,
                                           seconds: earlierSeconds + Date().timeIntervalSince(start))
                summary.interrupted = true
                return summary
            }
            states = carry(states, along: step.previousSlot)
            let samples = sampler.next().map { Int($0) }
            let loss = model.trainingLoss(inputs: step.inputs, targets: step.targets, samples: samples,
                                          states: &states, logSupport: logSupport)
            let value = Double(loss.item)
            for parameter in optimizer.parameters { parameter.zeroGrad() }
            guard value.isFinite else {
                throw TrainingError(message: "epoch \(epoch), step \(stepIndex + 1): the loss is \(value); "
                    + nonFiniteParameterReport())
            }
            loss.backward()
            if let bad = optimizer.parameters.first(where: { !($0.gradient.map(Self.isFinite) ?? true) }) {
                throw TrainingError(message: "epoch \(epoch), step \(stepIndex + 1): the gradient of '\(bad.name ?? "?")' "
                    + "is not finite (the loss was \(value)); run with --detect-anomaly to find the op")
            }
            optimizer.step()
            states = states.map { $0.detached() }
            lossSum += value * Double(step.inputs.count)
            events += step.inputs.count
            stepIndex += 1
            if stepIndex % reportEvery == 0 {
                progress(TrainingProgress(epoch: epoch, events: events, eventsPerEpoch: eventsPerEpoch,
                                          meanLoss: lossSum / Double(events), elapsed: earlierSeconds + Date().timeIntervalSince(start)))
            }
        }
        completedEpochs += 1
        epochInProgress = nil
        return EpochSummary(epoch: epoch, meanLoss: events > 0 ? lossSum / Double(events) : 0, events: events,
                            seconds: earlierSeconds + Date().timeIntervalSince(start))
    }

    /// Names the parameters holding NaN or infinite values, for a failure message.
    func nonFiniteParameterReport() -> String {
        let bad = model.namedParameters().filter { !$0.tensor.scalars.allSatisfy(\.isFinite) }.map(\.name)
        return bad.isEmpty ? "no parameter holds a non-finite value; run with --detect-anomaly to find the op"
            : "non-finite values in \(bad.joined(separator: ", "))"
    }

    static func isFinite(_ gradient: Gradient<Scalar>) -> Bool {
        switch gradient {
        case .dense(let tensor): return tensor.withUnsafeScalars { VectorKernels.allFinite($0) }
        case .rowSparse(let sparse): return VectorKernels.allFinite(sparse.values)
        }
    }

    /// New states for the slots of a step (see ``SessionParallelBatches/Step/previousSlot``).
    func carry(_ states: [Tensor<Scalar>], along previousSlot: [Int?]) -> [Tensor<Scalar>] {
        carryStates(states, along: previousSlot)
    }
}

/// Hidden states for the slots of a new step: each slot continues the state of the slot it came
/// from, or starts from zero. Shared by training and evaluation.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func carryStates<Scalar: TensorScalar>(_ states: [Tensor<Scalar>], along previousSlot: [Int?]) -> [Tensor<Scalar>] {
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
    /// The hidden states after the last step, one per layer.
    public var states: [Tensor<Scalar>]
    /// The sum of per-event losses so far.
    public var lossSum: Double
    /// Events trained so far.
    public var events: Int
    /// Seconds spent so far.
    public var seconds: Double
}

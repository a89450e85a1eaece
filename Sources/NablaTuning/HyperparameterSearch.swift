import Foundation

/// A search over a ``SearchSpace``: propose a point, run the objective on it, record the result,
/// repeat; with early stopping by a ``MedianPruner`` and, when given a ``TuningJournal``, a record
/// on disk from which an interrupted search continues.
///
/// The objective is any closure that reports the metric after each step (each epoch of training)
/// and asks ``HyperparameterSearch/Trial/shouldPrune(step:value:)`` whether to go on:
///
/// ```swift
/// var search = HyperparameterSearch(space: space, sampler: TreeParzenEstimator(seed: 1))
/// try search.run(trials: 50) { trial in
///     let value = objective(trial.coordinates)
///     return .finished([value], pruned: false)
/// }
/// print(search.history.best!.value)
/// ```
public struct HyperparameterSearch {
    /// The space searched.
    public let space: SearchSpace
    /// Proposes each trial's point.
    public let sampler: any TrialSampler
    /// Stops trials early; `nil` lets every trial finish.
    public let pruner: MedianPruner?
    /// What a trial can report; a report outside them is recorded as a failed trial.
    public let bounds: TrialBounds
    /// The trials finished so far (those of the journal first).
    public private(set) var history: [TrialRecord]
    private var journal: TuningJournal?

    /// What the objective hands back.
    public enum Outcome: Sendable, Equatable {
        /// It finished or was pruned, with the metric after each step it ran.
        case finished([Double], pruned: Bool)
        /// It could not reach a metric (a refused setting, too little memory, a diverging loss):
        /// the metric after each step it finished before, and why. It is recorded as failed, and
        /// the search goes on.
        case failed([Double], reason: String)
        /// It was stopped from outside (an interruption); it is not recorded and runs again when
        /// the search continues.
        case abandoned
    }

    /// The trial the objective runs.
    public struct Trial {
        /// Its number, from 1.
        public let number: Int
        /// Its point: one coordinate per parameter.
        public let coordinates: [Double]
        /// Its point as `name=value,...`.
        public let parameterString: String
        let pruner: MedianPruner?
        let history: [TrialRecord]

        /// Whether to stop after `step` with metric `value`: worse than the median of earlier
        /// complete trials at that step (see ``MedianPruner``). Always `false` without a pruner.
        ///
        /// - Parameters:
        ///   - step: The step just finished, from 1.
        ///   - value: The metric after it.
        public func shouldPrune(step: Int, value: Double) -> Bool {
            pruner?.shouldPrune(step: step, value: value, history: history) ?? false
        }
    }

    /// A search of `space`.
    ///
    /// - Parameters:
    ///   - space: The space; with a journal, the journal's space must be this one.
    ///   - sampler: Proposes the points.
    ///   - pruner: Stops trials early, or `nil`.
    ///   - journal: Where finished trials are recorded; its trials become the history.
    ///   - bounds: What a trial can report (a journal's own bounds when one is given).
    public init(space: SearchSpace, sampler: any TrialSampler, pruner: MedianPruner? = MedianPruner(), journal: TuningJournal? = nil,
                bounds: TrialBounds = .unbounded) {
        precondition(journal.map { $0.space == space } ?? true, "the journal's space is not the search's")
        self.space = space
        self.sampler = sampler
        self.pruner = pruner
        self.bounds = journal?.bounds ?? bounds
        self.journal = journal
        self.history = journal?.records ?? []
    }

    /// The next trial: its number and the sampler's point for it.
    public var nextTrial: Trial {
        let number = history.count + 1
        let coordinates = sampler.suggest(trial: number, in: space, history: history)
        return Trial(number: number, coordinates: coordinates, parameterString: space.parameterString(coordinates),
                     pruner: pruner, history: history)
    }

    /// Runs trials until `trials` are finished (counting the journal's), or until the objective
    /// abandons one.
    ///
    /// A trial that fails, or reports metric values that are not finite or outside ``bounds``,
    /// is recorded as failed with its reason and counts as finished: the search goes on, and a
    /// search continued from the journal does not run it again.
    ///
    /// - Parameters:
    ///   - trials: The number of finished trials to reach.
    ///   - objective: Runs one trial.
    ///   - finished: Called with each trial recorded (after it is in the journal) and the history
    ///     that ends with it.
    /// - Returns: `false` if a trial was abandoned, `true` if all trials finished.
    /// - Throws: What the objective or the journal throws.
    @discardableResult
    public mutating func run(trials: Int, objective: (Trial) throws -> Outcome,
                             finished: (_ record: TrialRecord, _ history: [TrialRecord]) -> Void = { _, _ in }) throws -> Bool {
        while history.count < trials {
            let trial = nextTrial
            let start = Date()
            let state: TrialRecord.State, values: [Double], failure: String?
            switch try objective(trial) {
            case .abandoned:
                return false
            case .finished(let reported, let pruned):
                if let problem = reported.isEmpty ? "there are none" : bounds.problem(with: reported) {
                    (state, values, failure) = (.failed, [], "its metric values cannot be used: \(problem)")
                } else {
                    (state, values, failure) = (pruned ? .pruned : .complete, reported, nil)
                }
            case .failed(let reported, let reason):
                // Values it cannot have reported are not kept; the reason says what went wrong.
                (state, values, failure) = (.failed, bounds.problem(with: reported) == nil ? reported : [], reason)
            }
            let record = TrialRecord(number: trial.number, coordinates: trial.coordinates, state: state,
                                     intermediateValues: values, seconds: Date().timeIntervalSince(start), failure: failure)
            try journal?.append(record)
            history.append(record)
            finished(record, history)
        }
        return true
    }
}

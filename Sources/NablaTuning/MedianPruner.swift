/// Stops a trial early when, after a step, its metric is below the median of what the complete
/// trials had reached after the same step (Optuna's `MedianPruner`).
///
/// A trial trains for many epochs; one that is already worse than most earlier trials were at
/// the same epoch rarely ends up best, and stopping it frees the time for another trial. Pruning
/// waits until ``startupTrials`` complete trials have reported the step, and never acts before
/// step ``warmupSteps`` + 1, so early noise does not end promising trials.
public struct MedianPruner: Sendable, Equatable {
    /// Complete trials that must have reached a step before a trial can be pruned at it. Default 5.
    public var startupTrials: Int
    /// Steps (epochs) every trial is allowed before pruning. Default 0.
    public var warmupSteps: Int

    /// A pruner with these thresholds.
    ///
    /// - Parameters:
    ///   - startupTrials: Complete trials needed at a step before pruning at it.
    ///   - warmupSteps: Steps every trial may run before it can be pruned.
    public init(startupTrials: Int = 5, warmupSteps: Int = 0) {
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
    }

    /// Whether a trial whose metric after `step` (from 1) is `value` should stop.
    ///
    /// - Parameters:
    ///   - step: The step just finished, from 1.
    ///   - value: The trial's metric after it (larger is better).
    ///   - history: The trials finished before.
    public func shouldPrune(step: Int, value: Double, history: [TrialRecord]) -> Bool {
        guard step > warmupSteps else { return false }
        let reached = history.filter { $0.state == .complete && $0.intermediateValues.count >= step }
            .map { $0.intermediateValues[step - 1] }.sorted()
        guard reached.count >= max(startupTrials, 1) else { return false }
        let middle = reached.count / 2
        let median = reached.count % 2 == 1 ? reached[middle] : (reached[middle - 1] + reached[middle]) / 2
        return value < median
    }
}

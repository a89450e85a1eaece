/// A finished trial of a search: where it was in the space and what it reached.
public struct TrialRecord: Sendable, Equatable {
    /// How a trial ended.
    public enum State: String, Sendable, Equatable {
        /// It ran to its end; its value is its last intermediate value.
        case complete
        /// It was stopped early for being worse than the median of earlier trials (see ``MedianPruner``).
        case pruned
        /// It could not run to a metric: its setting was refused or needs more memory than there
        /// is, or its training diverged (a loss that is not finite). ``TrialRecord/failure`` says
        /// why. It is never the best trial, and the search goes on past it.
        case failed
    }

    /// The trial's number, from 1.
    public let number: Int
    /// One coordinate per parameter of the space (see ``SearchParameter``).
    public let coordinates: [Double]
    /// How it ended.
    public let state: State
    /// The metric after each step the objective reported (each epoch, for a training run); for
    /// a failed trial, the steps it finished before it failed (possibly none).
    public let intermediateValues: [Double]
    /// Wall time it took, in seconds.
    public let seconds: Double
    /// Why it failed, for a failed trial; `nil` otherwise.
    public let failure: String?

    /// A record of trial `number`.
    ///
    /// - Parameters:
    ///   - number: The trial's number, from 1.
    ///   - coordinates: One coordinate per parameter.
    ///   - state: How it ended.
    ///   - intermediateValues: The metric after each reported step (at least one, unless it failed).
    ///   - seconds: Its wall time.
    ///   - failure: Why it failed (a failed trial only).
    public init(number: Int, coordinates: [Double], state: State, intermediateValues: [Double], seconds: Double,
                failure: String? = nil) {
        self.number = number
        self.coordinates = coordinates
        self.state = state
        self.intermediateValues = intermediateValues
        self.seconds = seconds
        self.failure = failure
    }

    /// The metric it ended with (larger is better).
    public var value: Double { intermediateValues.last ?? -.infinity }
}

extension Array where Element == TrialRecord {
    /// The complete trial with the largest value (the earliest of equals), if any. A failed
    /// trial is never the best.
    public var best: TrialRecord? {
        filter { $0.state == .complete }.max { $0.value < $1.value || ($0.value == $1.value && $0.number > $1.number) }
    }

    /// The trials from best to worst: complete ones by value, then pruned ones by how far they
    /// got and then by value (a trial pruned later was better than the median for longer), then
    /// failed ones in the order they ran (a failure ranks below any metric).
    func rankedBestFirst() -> [TrialRecord] {
        func rank(_ state: TrialRecord.State) -> Int { state == .complete ? 0 : state == .pruned ? 1 : 2 }
        return sorted { a, b in
            if a.state != b.state { return rank(a.state) < rank(b.state) }
            if a.state == .failed { return a.number < b.number }
            if a.state == .pruned && a.intermediateValues.count != b.intermediateValues.count {
                return a.intermediateValues.count > b.intermediateValues.count
            }
            return a.value != b.value ? a.value > b.value : a.number < b.number
        }
    }
}

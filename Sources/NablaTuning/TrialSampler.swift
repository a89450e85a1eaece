import Nabla

/// Proposes the next point of a search from the trials finished so far.
///
/// A sampler is deterministic: the same seed, trial number and history give the same point. A
/// search that stops and continues from its journal therefore proposes exactly the points an
/// uninterrupted one would have.
public protocol TrialSampler: Sendable {
    /// The coordinates (one per parameter of `space`) to try in trial `number`.
    ///
    /// - Parameters:
    ///   - number: The trial's number, from 1.
    ///   - space: The space searched.
    ///   - history: The trials finished before it.
    func suggest(trial number: Int, in space: SearchSpace, history: [TrialRecord]) -> [Double]
}

/// Random search: every parameter drawn independently and uniformly (in its log for a
/// log-scaled one), whatever came before. The baseline a smarter sampler must beat.
public struct RandomSampler: TrialSampler {
    /// The seed of every draw.
    public let seed: UInt64

    /// A random sampler drawing from `seed`.
    ///
    /// - Parameter seed: The seed; trial `n` draws from a generator made from it and `n`.
    public init(seed: UInt64) { self.seed = seed }

    /// A point drawn uniformly, whatever the history.
    ///
    /// - Parameters:
    ///   - number: The trial's number, from 1.
    ///   - space: The space searched.
    ///   - history: Ignored.
    public func suggest(trial number: Int, in space: SearchSpace, history: [TrialRecord]) -> [Double] {
        var random = trialGenerator(seed: seed, trial: number)
        return space.parameters.map { $0.uniformSample(using: &random) }
    }
}

/// The random generator of trial `number`: its own stream, independent of the other trials.
func trialGenerator(seed: UInt64, trial number: Int) -> SeededRandomGenerator {
    SeededRandomGenerator(seed: seed &+ UInt64(truncatingIfNeeded: number) &* 0x9E37_79B9_7F4A_7C15)
}

import Foundation
import Nabla

/// Bayesian search with a tree-structured Parzen estimator (Bergstra et al., "Algorithms for
/// Hyper-Parameter Optimization", NeurIPS 2011), as Optuna's default sampler does it.
///
/// The first ``startupTrials`` trials are random (see ``RandomSampler``). After them, each trial:
///
/// 1. ranks the finished trials best first (pruned trials after every complete one, failed ones
///    last) and splits them into the best `γ(n) = min(⌈goodFraction · n⌉, maximumGood)` ("good",
///    never a failed trial) and the rest ("bad");
/// 2. for each parameter on its own, fits a density `l(x)` to the good trials' values and `g(x)` to
///    the bad ones' (a mixture of truncated Gaussians, one per trial plus a wide prior, for numbers,
///    in the log for a log-scaled parameter; counts plus a prior for categories);
/// 3. draws ``candidates`` values from `l` and keeps the one with the largest `l(x) / g(x)`, the
///    value most typical of good trials and least of bad ones. (Maximising this ratio maximises the
///    expected improvement over the `γ`-quantile, which is the point of the method.)
///
/// Failed trials (a refused setting, too little memory, a loss that diverged) count as the worst
/// of all: they always fall in the bad set, never in the good one, so `g(x)` grows where trials
/// failed and the ratio steers away from there. Optuna's sampler leaves failed trials out
/// altogether; here a failure is a property of the point (a learning rate large enough to
/// diverge, layers too large for the memory), so leaving it out would keep proposing its
/// neighbours. As long as no trial has a metric yet there is no good set, and the draws stay
/// random.
///
/// A proposal equal to a point already tried (failed ones included) is drawn again, since it would only repeat a
/// result: up to 8 times from the estimator, then uniformly (up to 32 times more).
///
/// Parameters are modelled independently (the "tree" of the name handles conditional parameters,
/// which parameter-space files do not have).
///
/// ```swift
/// let sampler = TreeParzenEstimator(seed: 7)
/// let point = sampler.suggest(trial: 11, in: space, history: finishedTrials)
/// ```
public struct TreeParzenEstimator: TrialSampler {
    /// The seed of every draw.
    public let seed: UInt64
    /// Random trials before the estimator takes over. Default 10 (Optuna's).
    public var startupTrials: Int
    /// Values drawn from `l` per parameter, of which the best ratio is kept. Default 24 (Optuna's).
    public var candidates = 24
    /// The share of finished trials counted as good. Default 0.25 (hyperopt's).
    public var goodFraction = 0.25
    /// The most trials counted as good. Default 25.
    public var maximumGood = 25
    /// The weight of the wide prior bump against one observation's. Default 1.
    public var priorWeight = 1.0

    /// A sampler drawing from `seed`.
    ///
    /// - Parameters:
    ///   - seed: The seed; trial `n` draws from a generator made from it and `n`.
    ///   - startupTrials: Random trials before the estimator takes over (at least 1).
    public init(seed: UInt64, startupTrials: Int = 10) {
        self.seed = seed
        self.startupTrials = max(startupTrials, 1)
    }

    /// The point of trial `number`: random during the start-up trials, then the candidate with
    /// the largest `l(x)/g(x)` for each parameter.
    ///
    /// - Parameters:
    ///   - number: The trial's number, from 1.
    ///   - space: The space searched.
    ///   - history: The trials finished before it.
    public func suggest(trial number: Int, in space: SearchSpace, history: [TrialRecord]) -> [Double] {
        guard history.count >= startupTrials, history.count >= 2 else {
            return RandomSampler(seed: seed).suggest(trial: number, in: space, history: history)
        }
        let ranked = history.rankedBestFirst()
        let measured = ranked.count(where: { $0.state != .failed })
        guard measured >= 1 else { return RandomSampler(seed: seed).suggest(trial: number, in: space, history: history) }
        let goodCount = min(max(Int((goodFraction * Double(ranked.count)).rounded(.up)), 1), maximumGood, ranked.count - 1, measured)
        let good = Array(ranked.prefix(goodCount)), bad = Array(ranked.dropFirst(goodCount))
        // A point already tried would only repeat its result: draw again (from further streams of
        // the same trial, so the choice stays deterministic).
        let tried = Set(history.map(\.coordinates))
        var point: [Double] = []
        for attempt in 0..<40 {
            var random = trialGenerator(seed: seed &+ UInt64(attempt) &* 0xD1B5_4A32_D192_ED03, trial: number)
            // When the estimator keeps landing on tried points (it has closed in on a small grid),
            // a uniform draw explores instead.
            point = attempt < 8 ? proposal(in: space, good: good, bad: bad, using: &random)
                : space.parameters.map { $0.uniformSample(using: &random) }
            if !tried.contains(point) { break }
        }
        return point
    }

    /// For each parameter, the candidate drawn from `l` with the largest `l(x)/g(x)`.
    private func proposal(in space: SearchSpace, good: [TrialRecord], bad: [TrialRecord],
                          using random: inout SeededRandomGenerator) -> [Double] {
        return space.parameters.enumerated().map { index, parameter in
            if parameter.isNumeric {
                let (low, high) = parameter.searchInterval
                let l = ParzenEstimator(observations: good.map { parameter.warped($0.coordinates[index]) }, low: low, high: high,
                                        priorWeight: priorWeight)
                let g = ParzenEstimator(observations: bad.map { parameter.warped($0.coordinates[index]) }, low: low, high: high,
                                        priorWeight: priorWeight)
                let draws = (0..<candidates).map { _ in l.sample(using: &random) }
                return parameter.snapped(parameter.unwarped(draws.max(by: { l.logDensity($0) - g.logDensity($0) })))
            }
            let count = parameter.categoryCount
            let l = CategoricalEstimator(observations: good.map { Int($0.coordinates[index]) }, count: count, priorWeight: priorWeight)
            let g = CategoricalEstimator(observations: bad.map { Int($0.coordinates[index]) }, count: count, priorWeight: priorWeight)
            let draws = (0..<candidates).map { _ in l.sample(using: &random) }
            return Double(draws.max(by: { l.logProbability($0) - g.logProbability($0) }))
        }
    }
}

extension Array {
    /// The element with the largest score (the first of equals), each score computed once.
    fileprivate func max(by score: (Element) -> Double) -> Element {
        var best = 0, bestScore = -Double.infinity
        for (index, element) in enumerated() {
            let value = score(element)
            if value > bestScore || index == 0 { (best, bestScore) = (index, value) }
        }
        return self[best]
    }
}

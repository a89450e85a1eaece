import Foundation
import Nabla
import NablaTestSupport
@testable import NablaTuning
import Testing

/// The tree-structured Parzen estimator finds good points of synthetic objectives in fewer
/// trials than random search, deterministically, and its densities are proper densities.
@Suite struct TreeParzenEstimatorTests {
    /// A mixed space: a real, a log-scaled real, a stepped integer and a categorical parameter.
    static let space = SearchSpace([
        SearchParameter(name: "x", domain: .real(low: -5, high: 5, step: nil, log: false)),
        SearchParameter(name: "rate", domain: .real(low: 1e-4, high: 1, step: nil, log: true)),
        SearchParameter(name: "units", domain: .integer(low: 8, high: 512, step: 8, log: false)),
        SearchParameter(name: "kind", domain: .categorical(["a", "b", "c", "d", "e"])),
    ])

    /// A bowl with its best point at x = 1.5, rate = 0.01, units = 360, kind = d (value 0); every
    /// coordinate's distance is measured in units of its range (its log's for `rate`).
    static func bowl(_ point: [Double]) -> Double {
        let x = (point[0] - 1.5) / 10, rate = (log10(point[1]) + 2) / 4, units = (point[2] - 360) / 504
        return -(x * x + rate * rate + units * units) - (point[3] == 3 ? 0 : 0.2)
    }

    /// A second objective of another shape: a sum of absolute distances (a diamond), best at
    /// x = −3.2, rate = 0.3, units = 64, kind = a.
    static func diamond(_ point: [Double]) -> Double {
        -abs(point[0] + 3.2) / 10 - abs(log10(point[1]) - log10(0.3)) / 4 - abs(point[2] - 64) / 504 - (point[3] == 0 ? 0 : 0.1)
    }

    /// The number of trials a sampler needs to reach `target` (`limit` when it does not).
    static func trialsToReach(_ target: Double, of objective: ([Double]) -> Double, with sampler: any TrialSampler, limit: Int) throws -> Int {
        var search = HyperparameterSearch(space: space, sampler: sampler, pruner: nil)
        var reached = limit
        try search.run(trials: limit) { trial in
            let value = objective(trial.coordinates)
            if value >= target && reached == limit { reached = trial.number }
            return .finished([value], pruned: false)
        }
        return reached
    }

    /// Mean trials to reach the target over seeds 1 to 20, for TPE and for random search.
    static func meanTrials(_ target: Double, of objective: ([Double]) -> Double, limit: Int = 100) throws -> (tpe: Double, random: Double) {
        let seeds = UInt64(1)...20
        let tpe = try seeds.map { try trialsToReach(target, of: objective, with: TreeParzenEstimator(seed: $0), limit: limit) }
        let random = try seeds.map { try trialsToReach(target, of: objective, with: RandomSampler(seed: $0), limit: limit) }
        return (Double(tpe.reduce(0, +)) / 20, Double(random.reduce(0, +)) / 20)
    }

    @Test func reachesTheTargetInFewerTrialsThanRandomSearchOnAverage() throws {
        let bowl = try Self.meanTrials(-0.05, of: Self.bowl)
        let diamond = try Self.meanTrials(-0.2, of: Self.diamond)
        let printed = """
        objective  target  TPE: mean trials  random: mean trials
        bowl        -0.05  \(String(format: "%16.1f", bowl.tpe))  \(String(format: "%19.1f", bowl.random))
        diamond     -0.20  \(String(format: "%16.1f", diamond.tpe))  \(String(format: "%19.1f", diamond.random))
        """
        print(printed)
        #expect(bowl.tpe < bowl.random * 0.75, "\(printed)")
        #expect(diamond.tpe < diamond.random * 0.75, "\(printed)")
        DocumentSnippets.expectOutput("tpe-versus-random", printed)
    }

    @Test func theSameSeedAndHistoryGiveTheSamePoint() throws {
        var search = HyperparameterSearch(space: Self.space, sampler: TreeParzenEstimator(seed: 3, startupTrials: 4), pruner: nil)
        try search.run(trials: 12) { .finished([Self.bowl($0.coordinates)], pruned: false) }
        let sampler = TreeParzenEstimator(seed: 3, startupTrials: 4)
        let first = sampler.suggest(trial: 13, in: Self.space, history: search.history)
        #expect(first == sampler.suggest(trial: 13, in: Self.space, history: search.history))
        #expect(first != TreeParzenEstimator(seed: 4, startupTrials: 4).suggest(trial: 13, in: Self.space, history: search.history))
        // Every proposed value is one the parameter takes, and its text reads back to it.
        for record in search.history {
            for (parameter, coordinate) in zip(Self.space.parameters, record.coordinates) {
                #expect(parameter.coordinate(ofText: parameter.text(of: coordinate)) == coordinate, "\(parameter.name) \(coordinate)")
            }
        }
    }

    @Test func aPointAlreadyTriedIsNotProposedAgain() throws {
        // 72 points, and an objective with one peak that the estimator closes in on.
        let coarse = SearchSpace([
            SearchParameter(name: "layers", domain: .integer(low: 8, high: 64, step: 8, log: false)),
            SearchParameter(name: "rate", domain: .real(low: 0.1, high: 0.3, step: 0.1, log: false)),
            SearchParameter(name: "kind", domain: .categorical(["a", "b", "c"])),
        ])
        var search = HyperparameterSearch(space: coarse, sampler: TreeParzenEstimator(seed: 2, startupTrials: 5), pruner: nil)
        try search.run(trials: 30) { trial in
            let point = trial.coordinates
            return .finished([-abs(point[0] - 40) / 8 - abs(point[1] - 0.2) * 10 - (point[2] == 1 ? 0 : 1)], pruned: false)
        }
        let estimated = search.history.dropFirst(5).map(\.coordinates)
        let earlier = search.history.map(\.coordinates)
        for (offset, point) in estimated.enumerated() {
            #expect(!earlier.prefix(5 + offset).contains(point), "trial \(6 + offset) repeats \(point)")
        }
    }

    @Test func theStartupTrialsAreRandomSearch() {
        let history = (1...3).map { TrialRecord(number: $0, coordinates: [0, 0.01, 8, 0], state: .complete, intermediateValues: [0], seconds: 0) }
        #expect(TreeParzenEstimator(seed: 5, startupTrials: 4).suggest(trial: 4, in: Self.space, history: history)
                == RandomSampler(seed: 5).suggest(trial: 4, in: Self.space, history: history))
    }

    @Test func aParzenEstimatorIntegratesToOneOnItsInterval() {
        let estimator = ParzenEstimator(observations: [0.1, 0.15, 0.9, 0.95, 0.97], low: 0, high: 1)
        let steps = 20_000
        let integral = (0..<steps).reduce(0.0) { sum, index in
            sum + exp(estimator.logDensity((Double(index) + 0.5) / Double(steps))) / Double(steps)
        }
        #expect(abs(integral - 1) < 1e-3, "\(integral)")
        // Draws stay inside the interval and crowd where the observations do.
        var random = SeededRandomGenerator(seed: 1)
        let draws = (0..<4000).map { _ in estimator.sample(using: &random) }
        #expect(draws.allSatisfy { (0...1).contains($0) })
        #expect(draws.filter { $0 > 0.8 }.count > draws.filter { (0.4...0.6).contains($0) }.count * 2)
    }

    @Test func theMedianPrunerStopsOnlyTrialsBelowTheMedianOfEnoughCompleteTrials() {
        let history = [0.1, 0.2, 0.3, 0.4, 0.5].enumerated().map {
            TrialRecord(number: $0.offset + 1, coordinates: [], state: .complete, intermediateValues: [$0.element, $0.element + 0.1], seconds: 0)
        }
        let pruner = MedianPruner()
        #expect(pruner.shouldPrune(step: 1, value: 0.29, history: history))
        #expect(!pruner.shouldPrune(step: 1, value: 0.3, history: history))
        #expect(pruner.shouldPrune(step: 2, value: 0.39, history: history))
        #expect(!pruner.shouldPrune(step: 3, value: 0, history: history), "no trial reached step 3")
        #expect(!pruner.shouldPrune(step: 1, value: 0, history: Array(history.prefix(4))), "fewer than 5 complete trials")
        #expect(!MedianPruner(warmupSteps: 1).shouldPrune(step: 1, value: 0, history: history))
    }
}

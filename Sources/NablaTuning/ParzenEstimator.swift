import Foundation
import Nabla

/// A density on an interval made of one Gaussian bump per observation plus a wide prior bump:
/// the building block of ``TreeParzenEstimator``.
///
/// Each bump is a normal distribution truncated to `[low, high]` (renormalised so that it
/// integrates to 1 there); the prior is centred on the interval with the interval's width as
/// its standard deviation. An observation's width is the larger distance to its neighbours
/// (the interval's ends count as neighbours of the outermost points), clipped to
/// `[width / min(100, 1 + n), width]`, so that bumps are narrow where observations crowd and
/// never vanish. All bumps weigh the same, the prior `priorWeight` times as much.
struct ParzenEstimator {
    let low: Double
    let high: Double
    let means: [Double]
    let deviations: [Double]
    let weights: [Double]
    /// Each bump's log weight minus the log of its normaliser `σ·√(2π)·mass`, where `mass` is the
    /// share of the untruncated normal inside the interval.
    let logScales: [Double]

    /// The estimator of `observations` on `[low, high]` (in the search's scale).
    init(observations: [Double], low: Double, high: Double, priorWeight: Double = 1) {
        self.low = low
        self.high = high
        let width = max(high - low, 1e-12)
        let prior = (low + high) / 2
        let points = (observations + [prior]).sorted()
        let smallest = width / Double(min(100, 1 + observations.count))
        var means: [Double] = [], deviations: [Double] = [], weights: [Double] = []
        var priorPlaced = false
        for (index, point) in points.enumerated() {
            let isPrior = !priorPlaced && point == prior
            if isPrior { priorPlaced = true }
            let left = index > 0 ? point - points[index - 1] : point - low
            let right = index < points.count - 1 ? points[index + 1] - point : high - point
            means.append(point)
            deviations.append(isPrior ? width : min(max(max(left, right), smallest), width))
            weights.append(isPrior ? priorWeight : 1)
        }
        let total = weights.reduce(0, +)
        self.means = means
        self.deviations = deviations
        self.weights = weights.map { $0 / total }
        logScales = zip(zip(means, deviations), self.weights).map { bump, weight in
            let (mean, deviation) = bump
            let mass = Self.normalCDF((high - mean) / deviation) - Self.normalCDF((low - mean) / deviation)
            return Foundation.log(weight) - Foundation.log(deviation * (2 * Double.pi).squareRoot() * max(mass, 1e-300))
        }
    }

    /// A draw: a bump chosen by weight, then a point of its truncated normal.
    func sample(using random: inout SeededRandomGenerator) -> Double {
        var pick = random.nextUnitInterval(), component = 0
        while component < weights.count - 1 && pick >= weights[component] {
            pick -= weights[component]
            component += 1
        }
        for _ in 0..<100 {
            let draw = means[component] + deviations[component] * random.nextStandardNormal()
            if draw >= low && draw <= high { return draw }
        }
        // A bump almost entirely outside the interval (rare): fall back to a uniform draw.
        return low + random.nextUnitInterval() * (high - low)
    }

    /// The logarithm of the density at `x`.
    func logDensity(_ x: Double) -> Double {
        var largest = -Double.infinity
        var terms = [Double](repeating: 0, count: means.count)
        for index in means.indices {
            let z = (x - means[index]) / deviations[index]
            terms[index] = logScales[index] - 0.5 * z * z
            largest = max(largest, terms[index])
        }
        guard largest.isFinite else { return largest }
        var sum = 0.0
        for term in terms { sum += exp(term - largest) }
        return largest + Foundation.log(sum)
    }

    private static func normalCDF(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }
}

/// The categorical counterpart of ``ParzenEstimator``: each category's probability is its count
/// among the observations plus `priorWeight` shared evenly by all categories.
struct CategoricalEstimator {
    let probabilities: [Double]

    /// The estimator of `observations` (category indices) over `count` categories.
    init(observations: [Int], count: Int, priorWeight: Double = 1) {
        var weights = [Double](repeating: priorWeight / Double(count), count: count)
        for category in observations { weights[category] += 1 }
        let total = weights.reduce(0, +)
        probabilities = weights.map { $0 / total }
    }

    /// A category drawn by probability.
    func sample(using random: inout SeededRandomGenerator) -> Int {
        var pick = random.nextUnitInterval()
        for (category, probability) in probabilities.enumerated() {
            if pick < probability { return category }
            pick -= probability
        }
        return probabilities.count - 1
    }

    /// The logarithm of the probability of `category`.
    func logProbability(_ category: Int) -> Double { Foundation.log(probabilities[category]) }
}

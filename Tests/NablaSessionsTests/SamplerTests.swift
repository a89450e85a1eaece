import NablaKernels
import NablaSessions
import Testing

/// Negative samples follow support^α.
@Suite struct SamplerTests {
    @Test func empiricalDistributionMatchesSupportToTheAlpha() {
        let support = [1, 4, 9, 16, 100, 0, 25]
        var sampler = NegativeSampler(support: support, alpha: 0.5, sampleCount: 1000, cacheSize: 50_000, seed: 1)
        var counts = [Int](repeating: 0, count: support.count)
        for _ in 0..<400 { for item in sampler.next() { counts[Int(item)] += 1 } }
        let weights = support.map { Double($0).squareRoot() }
        let total = weights.reduce(0, +)
        let draws = 400_000.0
        for (item, count) in counts.enumerated() {
            let expected = weights[item] / total * draws
            let deviation = (expected * (1 - weights[item] / total)).squareRoot()
            #expect(abs(Double(count) - expected) <= 5 * deviation + 1, "item \(item): \(count) draws, expected \(expected)")
        }
        #expect(counts[5] == 0)
    }

    @Test func alphaZeroIsUniformOverItemsWithSupport() {
        var sampler = NegativeSampler(support: [1, 1000, 3], alpha: 0, sampleCount: 3000, seed: 2)
        var counts = [0, 0, 0]
        for item in sampler.next() { counts[Int(item)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 1000) < 120 })
    }

    @Test func theCacheRefillsAndTheSameSeedRepeats() {
        var a = NegativeSampler(support: [3, 1, 2], alpha: 1, sampleCount: 4, cacheSize: 8, seed: 3)
        var b = NegativeSampler(support: [3, 1, 2], alpha: 1, sampleCount: 4, cacheSize: 8, seed: 3)
        #expect(a.cacheBatches == 2)
        let first = (0..<5).map { _ in Array(a.next()) }
        #expect(first == (0..<5).map { _ in Array(b.next()) })
        #expect(first.allSatisfy { $0.count == 4 })
        #expect(Set(first.flatMap { $0 }).isSubset(of: [0, 1, 2]))
    }

    /// A refill of at least 65,536 samples is drawn in two halves at once on two threads.
    @Test func twoThreadsDrawTheSameSamplesAndRestoreTheSamePosition() {
        func draws(threads: Int) -> [[Int32]] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            var sampler = NegativeSampler(support: (1...300).map { $0 * $0 % 97 }, alpha: 0.75, sampleCount: 1000, cacheSize: 100_001, seed: 5)
            var batches = (0..<150).map { _ in Array(sampler.next()) }
            var resumed = NegativeSampler(support: (1...300).map { $0 * $0 % 97 }, alpha: 0.75, sampleCount: 1000, cacheSize: 100_001, seed: 5)
            resumed.restore(sampler.position)
            batches.append(Array(resumed.next()))
            batches.append(Array(sampler.next()))
            return batches
        }
        let single = draws(threads: 1)
        #expect(single.count == 152 && single[150] == single[151])
        #expect(draws(threads: 2) == single)
    }

    @Test func noSamplesWhenNSampleIsZero() {
        var sampler = NegativeSampler(support: [1, 2], alpha: 0.5, sampleCount: 0, seed: 4)
        #expect(sampler.next().isEmpty)
    }
}

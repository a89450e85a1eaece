import Nabla
import NablaKernels

/// Draws shared negative samples, as the official GRU4Rec does: items with probability ∝ support^α.
///
/// Samples are drawn ahead into a cache of `cacheBatches` batches and handed out one batch per
/// training step; the cache is refilled when used up. Draws use Walker's alias method, O(1) per
/// sample (the official implementation does a binary search in the cumulative distribution, whose
/// refills take seconds); the distribution is the same.
public struct NegativeSampler: Sendable {
    /// Items per batch of samples.
    public let sampleCount: Int
    /// The exponent α: 0 samples uniformly, 1 in proportion to popularity.
    public let alpha: Double
    /// How many batches one refill draws.
    public let cacheBatches: Int
    /// The probability of drawing each item.
    public let probabilities: [Double]
    private let acceptance: [Double]
    private let alias: [Int32]
    private var cache: [Int32] = []
    private var cursor = 0
    private var generatorAtRefill: SeededRandomGenerator?
    /// The random stream (saved in checkpoints so training can resume exactly).
    public var generator: SeededRandomGenerator

    /// A sampler over items with the given support (occurrence counts).
    ///
    /// - Parameters:
    ///   - support: how often each item occurs in the training data.
    ///   - alpha: the exponent α.
    ///   - sampleCount: items per batch of samples.
    ///   - cacheSize: the number of samples drawn per refill (rounded down to whole batches).
    ///   - seed: the seed of the random stream.
    public init(support: [Int], alpha: Double, sampleCount: Int, cacheSize: Int = 1_000_000, seed: UInt64) {
        let weights = support.map { Double.pow(Double(max($0, 0)), alpha) }
        let total = weights.reduce(0, +)
        probabilities = weights.map { $0 / total }
        (acceptance, alias) = Self.aliasTables(probabilities)
        self.sampleCount = sampleCount
        self.alpha = alpha
        cacheBatches = sampleCount > 0 ? max(1, cacheSize / sampleCount) : 0
        generator = SeededRandomGenerator(seed: seed)
    }

    /// The next batch of `sampleCount` item rows.
    public mutating func next() -> ArraySlice<Int32> {
        if sampleCount == 0 { return [] }
        if cursor + sampleCount > cache.count { refill() }
        defer { cursor += sampleCount }
        return cache[cursor..<(cursor + sampleCount)]
    }

    /// Where the sampler is in its random stream: enough to continue exactly after a restart.
    public struct Position: Sendable, Equatable {
        /// The generator's state when the current cache was drawn (or now, if none was drawn).
        public let generatorState: [UInt64]
        /// How many samples of the current cache have been handed out.
        public let cursor: Int
        /// Whether a cache has been drawn.
        public let hasCache: Bool
    }

    /// The current position, for checkpoints.
    public var position: Position {
        Position(generatorState: (generatorAtRefill ?? generator).state, cursor: cursor, hasCache: generatorAtRefill != nil)
    }

    /// Whether `position` can be restored: a cursor within the cache, at a whole batch.
    public func accepts(_ position: Position) -> Bool {
        let total = cacheBatches * sampleCount
        guard position.hasCache else { return position.cursor == 0 }
        return position.cursor >= 0 && position.cursor <= total && (sampleCount == 0 || position.cursor % sampleCount == 0)
    }

    /// Continues from a saved position: the same cache is drawn again and handed out from the
    /// same place, so the samples that follow are exactly those an uninterrupted run would draw.
    /// The position must be one this sampler ``accepts(_:)``.
    public mutating func restore(_ position: Position) {
        if !accepts(position) { misuse("NegativeSampler.restore", "cursor \(position.cursor) does not fit a cache of \(cacheBatches * sampleCount)") }
        generator = SeededRandomGenerator(state: position.generatorState)
        cache = []
        cursor = 0
        generatorAtRefill = nil
        if position.hasCache {
            refill()
            cursor = position.cursor
        }
    }

    /// Draws a whole cache of samples.
    ///
    /// Every sample takes one number from the generator, so with two compute threads the second
    /// half of the cache is drawn at the same time as the first, from a copy of the generator
    /// moved past the first half's numbers: the cache is the same as when drawn in one go.
    private mutating func refill() {
        generatorAtRefill = generator
        let total = cacheBatches * sampleCount
        cursor = 0
        // The spent cache goes first, so that drawing never holds two.
        cache = []
        var firstHalf = generator, secondHalf = generator
        let twoHalves = ComputeThreads.count > 1 && total >= 1 << 16
        if twoHalves { for _ in 0..<total / 2 { _ = secondHalf.next() } }
        cache = ComputeThreads.arrayInHalves(count: total, first: { _ in draw(using: &firstHalf) },
                                             second: { _ in draw(using: &secondHalf) })
        generator = twoHalves ? secondHalf : firstHalf
    }

    /// One sample, from one number of `generator`.
    @inline(__always)
    private func draw(using generator: inout SeededRandomGenerator) -> Int32 {
        let n = probabilities.count
        let u = generator.nextUnitInterval() * Double(n)
        let column = min(Int(u), n - 1)
        return u - Double(column) < acceptance[column] ? Int32(column) : alias[column]
    }

    /// Vose's construction of the alias tables: column `i` keeps item `i` with probability
    /// `acceptance[i]` and otherwise gives `alias[i]`.
    private static func aliasTables(_ probabilities: [Double]) -> ([Double], [Int32]) {
        let n = probabilities.count
        var scaled = probabilities.map { $0 * Double(n) }
        var acceptance = [Double](repeating: 1, count: n)
        var alias = (0..<n).map { Int32($0) }
        var small = (0..<n).filter { scaled[$0] < 1 }, large = (0..<n).filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            acceptance[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        return (acceptance, alias)
    }
}

import Dispatch
import Foundation
import Nabla
import NablaKernels
import Synchronization
import Testing

/// Parallel loops: every index once, whatever the thread count, nesting or concurrent callers.
@Suite(.serialized) struct ComputeThreadsTests {
    /// Runs `forEachRange(count)` and returns how often each index was visited.
    static func visits(count: Int, minimumPerThread: Int = 1) -> [Int] {
        var visits = [Int](repeating: 0, count: count)
        visits.withUnsafeMutableBufferPointer { visits in
            let visits = visits
            ComputeThreads.forEachRange(count, minimumPerThread: minimumPerThread) { range in
                for index in range { visits[index] += 1 }
            }
        }
        return visits
    }

    @Test(arguments: [1, 2, 3, 4])
    func everyIndexIsVisitedOnce(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        #expect(ComputeThreads.count == threads)
        for count in [0, 1, 2, 3, 7, 100, 1001] {
            for _ in 0..<50 {
                #expect(Self.visits(count: count) == [Int](repeating: 1, count: count), "count \(count)")
            }
        }
    }

    @Test(arguments: [1, 2, 3])
    func everyPartRunsOnceWithMorePartsThanThreads(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        for parts in [0, 1, 2, 9, 255, 256] {
            for _ in 0..<20 {
                var runs = [Int](repeating: 0, count: parts)
                runs.withUnsafeMutableBufferPointer { runs in
                    let runs = runs
                    ComputeThreads.forEachPart(parts) { part in runs[part] += 1 }
                }
                #expect(runs == [Int](repeating: 1, count: parts), "\(parts) parts")
            }
        }
    }

    @Test(arguments: [1, 2])
    func bothReturnsBothResults(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        let (first, second) = ComputeThreads.both({ (0..<1000).reduce(0, +) }, { "second" })
        #expect(first == 499_500 && second == "second")
    }

    @Test func adagradRowsGiveTheSameBitsOnTwoThreads() {
        // 2,000 rows of 32: enough values that two threads each take a share.
        let width = 32, rows = Array((0..<2000).reversed())
        var generator = SeededRandomGenerator(seed: 3)
        let gradients = (0..<(rows.count * width)).map { _ in Float.random(in: -1...1, using: &generator) }
        func update() -> [Float] {
            var accumulators = [Float](repeating: 0.5, count: 2000 * width), velocities = accumulators, weights = accumulators
            VectorKernels.adagradRows(gradients: gradients, rows: rows, width: width, accumulators: &accumulators,
                                      velocities: &velocities, weights: &weights, learningRate: 0.1, momentum: 0.5, epsilon: 1e-6)
            return weights
        }
        let oneThread = update()
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        #expect(update() == oneThread)
    }

    @Test func denseAdagradSplitIntoChunksGivesTheSameBitsOnTwoThreads() {
        // 40,000 values: five chunks of 8,192, so two threads each take a share.
        let count = 40_000
        var generator = SeededRandomGenerator(seed: 4)
        let gradients = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        func update() -> [Float] {
            var accumulators = [Float](repeating: 0.5, count: count), velocities = accumulators, weights = accumulators
            VectorKernels.adagradRows(gradients: gradients, rows: nil, width: count, accumulators: &accumulators,
                                      velocities: &velocities, weights: &weights, learningRate: 0.1, momentum: 0.5, epsilon: 1e-6)
            return weights + accumulators + velocities
        }
        let oneThread = update()
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        #expect(update() == oneThread)
    }

    @Test(.enabled(if: ItemTableRanker.isAvailable, "needs a CPU with AVX2 or AVX-512 VNNI"))
    func rankingFromBoundsCountsTheSameOnTwoThreads() throws {
        var generator = SeededRandomGenerator(seed: 9)
        let items = 3_001, width = 40, rows = 37
        let table = (0..<(items * width)).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
        let bias = (0..<items).map { _ in Float.random(in: -0.2...0.2, using: &generator) }
        let hidden = (0..<(rows * width)).map { _ in Float.random(in: -1...1, using: &generator) }
        let targets = (0..<rows).map { ($0 * 389) % items }
        let ranker = try #require(ItemTableRanker(table: table, bias: bias, width: width))
        let oneThread = try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: .max)).map { [$0.higher, $0.equal] }
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        #expect(try #require(ranker.counts(hidden: hidden, targets: targets, stopAbove: .max)).map { [$0.higher, $0.equal] } == oneThread)
    }

    @Test func longFinitenessChecksOnTwoThreadsFindABadValueInAnyChunk() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        var values = [Float](repeating: 1, count: 100_000)
        #expect(VectorKernels.allFinite(values))
        for position in [0, 16_383, 16_384, 50_000, 99_999] {
            values[position] = .nan
            #expect(!VectorKernels.allFinite(values), "missed NaN at \(position)")
            values[position] = 1
        }
    }

    @Test func sampledScoreGradientsGiveTheSameBitsOnTwoThreads() {
        let batch = 32, width = 100, count = 700
        var generator = SeededRandomGenerator(seed: 21)
        let upstream = (0..<batch * count).map { _ in Float.random(in: -1...1, using: &generator) }
        let hidden = (0..<batch * width).map { _ in Float.random(in: -1...1, using: &generator) }
        let gathered = (0..<count * width).map { _ in Float.random(in: -1...1, using: &generator) }
        func gradients(threads: Int) -> (hidden: [Float], rows: [Float], columnSums: [Float]) {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            return gatheredRowsProductGradients(upstream: upstream, hidden: hidden, gatheredRows: gathered,
                                                batch: batch, width: width, count: count)
        }
        let one = gradients(threads: 1), two = gradients(threads: 2)
        #expect(one.hidden == two.hidden && one.rows == two.rows && one.columnSums == two.columnSums)
    }

    @Test func scatterAddingRowsGivesTheSameBitsOnTwoThreads() {
        let width = 100, rows = 2_112, targetRows = 1_800
        var generator = SeededRandomGenerator(seed: 22)
        let source = (0..<rows * width).map { _ in Float.random(in: -1...1, using: &generator) }
        let places = (0..<rows).map { _ in Int32.random(in: 0..<Int32(targetRows), using: &generator) }
        func sums(threads: Int) -> [Float] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            var target = [Float](repeating: 0, count: targetRows * width)
            VectorKernels.scatterAddRows(from: source, places: places, width: width, into: &target)
            return target
        }
        var inOrder = [Float](repeating: 0, count: targetRows * width)
        for (row, place) in places.enumerated() {
            for j in 0..<width { inOrder[Int(place) * width + j] += source[row * width + j] }
        }
        #expect(sums(threads: 1) == inOrder)
        #expect(sums(threads: 2) == inOrder)
    }

    @Test func theCrossEntropyGradientIsThePlainLoopsOnOneAndTwoThreads() {
        // 600 rows of 1,000: enough values that two threads each take a share.
        let rows = 600, columns = 1_000
        var generator = SeededRandomGenerator(seed: 24)
        let probabilities = (0..<rows * columns).map { _ in Float.random(in: 0...1, using: &generator) }
        let targets = (0..<rows).map { _ in Int.random(in: 0..<columns, using: &generator) }
        var expected = probabilities.map { $0 * 0.25 }
        for (row, target) in targets.enumerated() { expected[row * columns + target] = (probabilities[row * columns + target] - 1) * 0.25 }
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            #expect(VectorKernels.softmaxCrossEntropyGradient(probabilities: probabilities, columns: columns, targets: targets,
                                                              scale: 0.25) == expected)
        }
    }

    @Test func coalescingAGradientOfTwoPartsGivesTheSameBitsOnTwoThreads() {
        // 2,112 rows of 512: over a million values, so two threads share the sums.
        let width = 512, itemCount = 4_000
        var generator = SeededRandomGenerator(seed: 23)
        let columns = (0..<2_080).map { _ in Int.random(in: 0..<itemCount, using: &generator) }
        let inputs = (0..<32).map { _ in Int.random(in: 0..<itemCount, using: &generator) }
        func rows(_ count: Int) -> [Float] { (0..<count * width).map { _ in Float.random(in: -1...1, using: &generator) } }
        let output = RowSparseGradient(shape: [itemCount, width], rowIndices: columns, values: rows(columns.count))
        let input = RowSparseGradient(shape: [itemCount, width], rowIndices: inputs, values: rows(inputs.count))
        let table = Tensor<Float>(zeros: [itemCount, width], requiresGrad: true)
        let outputUse = table.gather(rows: columns), inputUse = table.gather(rows: inputs)
        ((outputUse * Tensor(output.values, shape: [columns.count, width])).sum()
            + (inputUse * Tensor(input.values, shape: [inputs.count, width])).sum()).backward()
        guard case .rowSparse(let parts)? = table.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        let oneList = RowSparseGradient(shape: [itemCount, width], rowIndices: parts.rowIndices, values: parts.values)
        func coalesced(_ gradient: RowSparseGradient<Float>, threads: Int) -> RowSparseGradient<Float> {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            return gradient.coalesced()
        }
        let expected = coalesced(oneList, threads: 1)
        for threads in [1, 2] {
            let merged = coalesced(parts, threads: threads)
            #expect(merged.rowIndices == expected.rowIndices && merged.values == expected.values)
        }
    }

    @Test(arguments: ["adagradRows", "softmaxCrossEntropyRows", "softmaxCrossEntropyGradient", "allFinite", "gatherRows",
                      "scatterAddRows", "coalesceRows", "gatheredRowsProduct", "gatheredRowsProductGradients", "combineRepeating"])
    func aKernelGivenArraysThatDoNotFitStopsWithItsName(kernel: String) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [kernel] in
            switch kernel {
            case "adagradRows":
                var accumulators = [Float](repeating: 0, count: 6), velocities = accumulators, weights = accumulators
                VectorKernels.adagradRows(gradients: [1, 2, 3], rows: [2], width: 3, accumulators: &accumulators,
                                          velocities: &velocities, weights: &weights, learningRate: 1, momentum: 0, epsilon: 0)
            case "softmaxCrossEntropyRows":
                _ = VectorKernels.softmaxCrossEntropyRows(scores: [1, 2, 3, 4] as [Float], columns: 2, targets: [0, 2])
            case "softmaxCrossEntropyGradient":
                _ = VectorKernels.softmaxCrossEntropyGradient(probabilities: [0.5, 0.5] as [Float], columns: 2, targets: [2], scale: 1)
            case "allFinite":
                _ = VectorKernels.allFinite([1, 2, 3, 4] as [Float], rows: [2], width: 2)
            case "gatherRows":
                _ = VectorKernels.gatherRows(from: [1, 2, 3, 4] as [Float], rows: [0, 5], width: 2)
            case "scatterAddRows":
                var target = [Float](repeating: 0, count: 4)
                VectorKernels.scatterAddRows(from: [1, 2] as [Float], places: [3], width: 2, into: &target)
            case "coalesceRows":
                _ = VectorKernels.coalesceRows(parts: [([0, 4], [1, 2] as [Float])], width: 1, rowCount: 4)
            case "gatheredRowsProduct":
                _ = gatheredRowsProduct(hidden: [1, 2] as [Float], batch: 1, width: 2, table: [1, 2, 3, 4], bias: [0, 0], columns: [2])
            case "gatheredRowsProductGradients":
                _ = gatheredRowsProductGradients(upstream: [1, 2, 3] as [Float], hidden: [1, 2], gatheredRows: [1, 2, 3, 4],
                                                 batch: 1, width: 2, count: 2)
            default:
                var result = [Float](repeating: 0, count: 4)
                combineRepeating([1, 2, 3, 4] as [Float], [1, 2, 3], into: &result, repeating: .rightRow(width: 2), +)
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("\(kernel):"), "\(message)")
    }

    @Test func aThreadCountTunerSetsEachWindowsCountAndPutsTheOldOneBack() {
        ComputeThreads.set(3)
        defer { ComputeThreads.set(1) }
        let tuner = ThreadCountTuner(maximum: 2, window: 3, trialEvery: 1)
        tuner.begin()
        #expect(ComputeThreads.count == 2)
        for _ in 0..<3 { tuner.stepFinished() }
        // After one window of the maximum comes a trial of 1 thread.
        #expect(ComputeThreads.count == 1 && tuner.current == 1)
        tuner.end()
        #expect(ComputeThreads.count == 3)
    }

    @Test func smallLoopsStayOnTheCallingThread() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        let ranges = Mutex<[Range<Int>]>([])
        ComputeThreads.forEachRange(10, minimumPerThread: 8) { range in ranges.withLock { $0.append(range) } }
        #expect(ranges.withLock { $0 } == [0..<10])
    }

    @Test func nestedLoopsRunSeriallyInsideAPart() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        let total = Atomic<Int>(0)
        ComputeThreads.forEachRange(4) { outer in
            for _ in outer {
                ComputeThreads.forEachRange(100) { inner in total.add(inner.count, ordering: .relaxed) }
                ComputeThreads.forEachPart(10) { _ in total.add(1, ordering: .relaxed) }
            }
        }
        #expect(total.load(ordering: .relaxed) == 440)
    }

    @Test func concurrentCallersEachGetTheirWholeLoop() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for count in 0..<200 where Self.visits(count: count) != [Int](repeating: 1, count: count) {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    @Test func workersThatFellAsleepWakeForTheNextLoop() {
        ComputeThreads.set(3)
        defer { ComputeThreads.set(1) }
        for pause in [0, 1, 3, 10, 30] {
            // Workers spin for 2 ms after a loop, then sleep: longer pauses test the wake-up.
            usleep(UInt32(pause * 1000))
            #expect(Self.visits(count: 999) == [Int](repeating: 1, count: 999), "after \(pause) ms")
        }
    }

    @Test func workersTakePartsAndTheCallerWaitsForASlowOne() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        let caller = Thread.current
        let partsOnWorker = Atomic<Int>(0), slowPartStarted = Atomic<Bool>(false), slowPartEnded = Atomic<Bool>(false)
        for round in 0..<40 {
            slowPartStarted.store(false, ordering: .relaxed)
            slowPartEnded.store(false, ordering: .relaxed)
            let slow = round % 4 == 0
            var seen = [Int](repeating: 0, count: 2)
            seen.withUnsafeMutableBufferPointer { seen in
                let seen = seen
                ComputeThreads.forEachRange(2) { range in
                    for part in range { seen[part] += 1 }
                    // The caller's part takes 2 ms, time for the worker to claim the other one.
                    guard Thread.current != caller else {
                        usleep(2_000)
                        return
                    }
                    partsOnWorker.add(1, ordering: .relaxed)
                    // A slow part outlasts the caller's spin: the caller sleeps and the worker
                    // must wake it when it ends.
                    if slow {
                        slowPartStarted.store(true, ordering: .relaxed)
                        usleep(5_000)
                        slowPartEnded.store(true, ordering: .relaxed)
                    }
                }
            }
            #expect(seen == [1, 1], "round \(round)")
            // The loop returns only after a part the worker started has ended.
            if slowPartStarted.load(ordering: .acquiring) {
                let ended = slowPartEnded.load(ordering: .acquiring)
                #expect(ended, "round \(round) returned before the worker's part ended")
            }
        }
        #expect(partsOnWorker.load(ordering: .relaxed) > 0, "no part ever ran on the worker")
    }

    @Test func changingTheThreadCountRepeatedlyKeepsLoopsWhole() {
        defer { ComputeThreads.set(1) }
        for round in 0..<40 {
            ComputeThreads.set(1 + round % 3)
            #expect(Self.visits(count: 333) == [Int](repeating: 1, count: 333))
        }
    }
}

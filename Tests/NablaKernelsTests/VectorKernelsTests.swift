import Foundation
import Nabla
@testable import NablaKernels
import Testing

/// The C vector kernels against plain Swift loops that compute the same thing.
@Suite struct VectorKernelsTests {
    /// Deterministic pseudo-random values in `range`.
    static func values<Scalar: TensorScalar>(_ count: Int, in range: ClosedRange<Double>, seed: UInt64) -> [Scalar] {
        var generator = SeededRandomGenerator(seed: seed)
        return (0..<count).map { _ in Scalar(Double.random(in: range, using: &generator)) }
    }

    /// GRU4Rec's Adagrad update written out for one element.
    static func referenceAdagrad<Scalar: TensorScalar>(
        gradient g: Scalar, accumulator: inout Scalar, velocity: inout Scalar, weight: inout Scalar,
        learningRate: Scalar, momentum: Scalar, epsilon: Scalar
    ) {
        accumulator += g * g
        velocity = momentum * velocity - learningRate * g / (accumulator + epsilon).squareRoot()
        weight += velocity
    }

    func checkAdagradRows<Scalar: TensorScalar>(_: Scalar.Type, width: Int) {
        // 19 rows: one value per row takes them 8 (Float) or 4 (Double) at a time, then the rest.
        let tableRows = 40, rows = [31, 2, 17, 39, 0, 8, 25, 11, 5, 36, 20, 14, 3, 29, 33, 7, 22, 1, 38]
        var accumulators: [Scalar] = Self.values(tableRows * width, in: 0...2, seed: 1)
        var velocities: [Scalar] = Self.values(tableRows * width, in: -0.1...0.1, seed: 2)
        var weights: [Scalar] = Self.values(tableRows * width, in: -1...1, seed: 3)
        let gradients: [Scalar] = Self.values(rows.count * width, in: -0.5...0.5, seed: 4)
        var expected = (accumulators, velocities, weights)
        for (position, row) in rows.enumerated() {
            for j in 0..<width {
                Self.referenceAdagrad(gradient: gradients[position * width + j], accumulator: &expected.0[row * width + j],
                                      velocity: &expected.1[row * width + j], weight: &expected.2[row * width + j],
                                      learningRate: 0.2, momentum: 0.3, epsilon: 1e-6)
            }
        }
        let finite = VectorKernels.adagradRows(gradients: gradients, rows: rows, width: width,
                                               accumulators: &accumulators, velocities: &velocities, weights: &weights,
                                               learningRate: 0.2, momentum: 0.3, epsilon: 1e-6)
        #expect(finite)
        // Same operations in the same order, no fused multiply-add: equal to the last bit.
        #expect(accumulators == expected.0)
        #expect(velocities == expected.1)
        #expect(weights == expected.2)
    }

    @Test(arguments: [1, 8, 13, 100])
    func adagradRowsEqualTheFormulaExactly(width: Int) {
        checkAdagradRows(Float.self, width: width)
        checkAdagradRows(Double.self, width: width)
    }

    @Test(arguments: [1, 8])
    func anAdagradUpdateThatOverflowsIsReported(width: Int) {
        // Row 5 of 12 overflows: in the lanes of a one-value-per-row update, and in a wide row.
        let rows = Array(0..<12)
        var accumulators = [Float](repeating: 0, count: 12 * width), velocities = accumulators
        var weights = [Float](repeating: 1, count: 12 * width)
        weights[5 * width] = .greatestFiniteMagnitude
        velocities[5 * width] = .greatestFiniteMagnitude
        let finite = VectorKernels.adagradRows(gradients: [Float](repeating: 0, count: 12 * width), rows: rows, width: width,
                                               accumulators: &accumulators, velocities: &velocities, weights: &weights,
                                               learningRate: 0.1, momentum: 1, epsilon: 1e-6)
        #expect(!finite)
        #expect(weights[5 * width] == .infinity && weights[0] == 1)
    }

    @Test func roundingAnArrayRoundsEachValueToNearest() {
        let values: [Double] = [0.1, -2.5, 1e300, -1e-300, .nan]
        let rounded = Float.rounded(from: values)
        #expect(rounded.prefix(4).map(\.bitPattern) == values.prefix(4).map { Float($0).bitPattern })
        #expect(rounded[2] == .infinity && rounded[3].sign == .minus && rounded[4].isNaN)
        #expect(Double.rounded(from: values).prefix(4) == values.prefix(4))
    }

    @Test func adagradWithoutRowIndicesUpdatesRowsInOrder() {
        var accumulators: [Float] = [1, 2, 3], velocities: [Float] = [0, 0, 0], weights: [Float] = [0, 0, 0]
        let gradients: [Float] = [1, 0, -2]
        VectorKernels.adagradRows(gradients: gradients, rows: nil, width: 3, accumulators: &accumulators,
                                  velocities: &velocities, weights: &weights, learningRate: 1, momentum: 0, epsilon: 0)
        #expect(accumulators == [2, 2, 7])
        #expect(weights == [-1 / Float(2).squareRoot(), 0, 2 / Float(7).squareRoot()])
    }

    /// Softmax and cross-entropy of one row in Double, the obvious way.
    static func referenceSoftmax(_ scores: [Double], shift: [Double]?, target: Int) -> (probabilities: [Double], loss: Double) {
        let shifted = scores.indices.map { scores[$0] - (shift?[$0] ?? 0) }
        let maximum = shifted.max()!
        let exponentials = shifted.map { Foundation.exp($0 - maximum) }
        let total = exponentials.reduce(0, +)
        return (exponentials.map { $0 / total }, maximum + Foundation.log(total) - shifted[target])
    }

    @Test(arguments: [1, 7, 8, 37, 2080])
    func softmaxCrossEntropyRowMatchesDoubleReference(columns: Int) {
        let scores: [Double] = Self.values(columns, in: -20...20, seed: UInt64(columns))
        let shift: [Double] = Self.values(columns, in: 0...5, seed: 99)
        for useShift in [false, true] {
            let target = columns / 2
            let reference = Self.referenceSoftmax(scores, shift: useShift ? shift : nil, target: target)

            let (doubleLosses, doubles) = VectorKernels.softmaxCrossEntropyRows(
                scores: scores, columns: columns, targets: [target], shift: useShift ? shift : nil)
            let doubleLoss = doubleLosses[0]
            #expect(abs(doubleLoss - reference.loss) <= 1e-12 * max(1, abs(reference.loss)))
            #expect(zip(doubles, reference.probabilities).allSatisfy { abs($0 - $1) <= 1e-14 })

            // In Float, against the reference on the same (rounded) inputs.
            let floatScores = scores.map(Float.init), floatShift = shift.map(Float.init)
            let floatReference = Self.referenceSoftmax(floatScores.map(Double.init), shift: useShift ? floatShift.map(Double.init) : nil,
                                                       target: target)
            let (floatLosses, floats) = VectorKernels.softmaxCrossEntropyRows(
                scores: floatScores, columns: columns, targets: [target], shift: useShift ? floatShift : nil)
            let floatLoss = floatLosses[0]
            #expect(abs(Double(floatLoss) - floatReference.loss) <= 1e-6 * max(1, abs(floatReference.loss)))
            #expect(zip(floats, floatReference.probabilities).allSatisfy { abs(Double($0) - $1) <= 1e-5 * $1 + 1e-12 })
        }
    }

    @Test func softmaxCrossEntropyIsFiniteForHugeScores() {
        let scores: [Float] = [1e30, -1e30, 0, 3e38, 5, 6, 7, 8, 9]
        let (losses, probabilities) = VectorKernels.softmaxCrossEntropyRows(scores: scores, columns: scores.count, targets: [3])
        #expect(losses == [0])
        #expect(probabilities[3] == 1)
        #expect(probabilities.reduce(0, +) == 1)
    }

    /// Distance in units in the last place between two floats of the same sign.
    static func ulps(_ a: Float, _ b: Float) -> Int {
        abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
    }

    @Test func expIsWithinOneUlpAcrossTheWholeRange() {
        // Every 1/512 from −110 to 95: the underflow, subnormal, normal and overflow ranges.
        let inputs = stride(from: Float(-110), to: 95, by: 1 / 512).map { $0 }
        var results = [Float](repeating: 0, count: inputs.count)
        VectorKernels.exp(inputs, count: inputs.count, into: &results)
        var worst = (ulps: 0, at: Float(0))
        for (x, result) in zip(inputs, results) {
            let exact = Float(Foundation.exp(Double(x)))
            let distance = Self.ulps(exact, result)
            if distance > worst.ulps { worst = (distance, x) }
        }
        #expect(worst.ulps <= 1, "worst: \(worst.ulps) ulps at x = \(worst.at)")
    }

    @Test func expHandlesSpecialValuesInVectorAndTail() {
        let inputs: [Float] = [.nan, .infinity, -.infinity, 0, 1, -200, 200, 88, .nan, -.infinity, 0]
        var results = [Float](repeating: -1, count: inputs.count)
        VectorKernels.exp(inputs, count: inputs.count, into: &results)
        #expect(results[0].isNaN && results[8].isNaN)
        #expect(results[1] == .infinity && results[6] == .infinity)
        #expect(results[2] == 0 && results[5] == 0 && results[9] == 0)
        #expect(results[3] == 1 && results[10] == 1)
        #expect(results[4] == Float(Foundation.exp(1.0)))
    }

    @Test func tanhAndSigmoidAreWithinTwoUlpsAcrossTheWholeRange() {
        let inputs = stride(from: Float(-100), to: 100, by: 1 / 256).map { $0 } + [0.49999997, 0.5, 1e-30, .leastNonzeroMagnitude]
        var tanhs = inputs, sigmoids = inputs
        VectorKernels.tanh(&tanhs)
        VectorKernels.sigmoid(&sigmoids)
        var worst = (tanh: 0, sigmoid: 0)
        for (index, x) in inputs.enumerated() {
            worst.tanh = max(worst.tanh, Self.ulps(Float(Foundation.tanh(Double(x))), tanhs[index]))
            let exact = 1 / (1 + Foundation.exp(-Double(x)))
            // Below about −87 the exact value is near or under the smallest normal float; there
            // the kernel is held to an absolute bound instead.
            if exact > 1e-37 {
                worst.sigmoid = max(worst.sigmoid, Self.ulps(Float(exact), sigmoids[index]))
            } else {
                #expect(abs(Double(sigmoids[index]) - exact) <= 1e-38)
            }
        }
        #expect(worst.tanh <= 2 && worst.sigmoid <= 2, "worst: tanh \(worst.tanh), sigmoid \(worst.sigmoid) ulps")
    }

    @Test func tanhAndSigmoidHandleSpecialValuesAndWorkInPlace() {
        var values: [Float] = [.nan, .infinity, -.infinity, -0.0, 0, 20, -20, .nan, 1e-30]
        VectorKernels.tanh(&values)
        #expect(values[0].isNaN && values[7].isNaN)
        #expect(values[1] == 1 && values[2] == -1 && values[5] == 1 && values[6] == -1)
        #expect(values[3] == 0 && values[3].sign == .minus && values[4] == 0 && values[8] == 1e-30)
        var gates: [Float] = [.infinity, -.infinity, 0, 100, -100]
        VectorKernels.sigmoid(&gates)
        #expect(gates == [1, 0, 0.5, 1, 0])
    }

    @Test func doubleTanhAndSigmoidAreTheCLibrarys() {
        let inputs: [Double] = Self.values(37, in: -30...30, seed: 8) + [-800, 800]
        var tanhs = inputs, sigmoids = inputs
        VectorKernels.tanh(&tanhs)
        VectorKernels.sigmoid(&sigmoids)
        #expect(tanhs == inputs.map { Foundation.tanh($0) })
        #expect(sigmoids == inputs.map { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) })
    }

    @Test func allFiniteFindsABadValueAtAnyPosition() {
        for bad in [Float.nan, .infinity, -.infinity] {
            for position in 0..<19 {
                var values = [Float](repeating: 3e38, count: 19)
                values[position] = bad
                #expect(!VectorKernels.allFinite(values), "missed \(bad) at \(position)")
                #expect(!VectorKernels.allFinite(values.map(Double.init)), "missed \(bad) at \(position) in Double")
            }
        }
        #expect(VectorKernels.allFinite([Float](repeating: 3e38, count: 19)))
        #expect(VectorKernels.allFinite([Double](repeating: -1.7e308, count: 19)))
        #expect(VectorKernels.allFinite([Float]()))
        // Only the named rows are looked at.
        let table: [Float] = [1, 2, .nan, 4, 5, 6]                  // 3 rows of 2
        #expect(VectorKernels.allFinite(table, rows: [0, 2], width: 2))
        #expect(!VectorKernels.allFinite(table, rows: [2, 1], width: 2))
    }

    @Test func softmaxCrossEntropyRowsTakeEachRowsTarget() {
        let scores: [Double] = Self.values(4 * 9, in: -3...3, seed: 5)
        let targets = [8, 0, 3, 3]
        let (losses, probabilities) = VectorKernels.softmaxCrossEntropyRows(scores: scores, columns: 9, targets: targets)
        for (row, target) in targets.enumerated() {
            let reference = Self.referenceSoftmax(Array(scores[(row * 9)..<((row + 1) * 9)]), shift: nil, target: target)
            #expect(abs(losses[row] - reference.loss) <= 1e-12)
            #expect(zip(probabilities[(row * 9)..<((row + 1) * 9)], reference.probabilities).allSatisfy { abs($0 - $1) <= 1e-14 })
        }
    }

    @Test(arguments: [1, 255, 256, 257, 700])
    func gatheredRowsProductEqualsGatherThenMultiply(columnCount: Int) {
        let batch = 3, width = 5, rows = 800
        let hidden: [Double] = Self.values(batch * width, in: -1...1, seed: 6)
        let table: [Double] = Self.values(rows * width, in: -1...1, seed: 7)
        let bias: [Double] = Self.values(rows, in: -1...1, seed: 8)
        var generator = SeededRandomGenerator(seed: 9)
        let columns = (0..<columnCount).map { _ in Int.random(in: 0..<rows, using: &generator) }
        let (scores, gathered) = gatheredRowsProduct(hidden: hidden, batch: batch, width: width, table: table, bias: bias, columns: columns)
        #expect(gathered == VectorKernels.gatherRows(from: table, rows: columns, width: width))
        let product = referenceGemm(transposeA: false, transposeB: true, m: batch, n: columnCount, k: width, a: hidden, b: gathered)
        for b in 0..<batch {
            for (c, column) in columns.enumerated() {
                #expect(abs(scores[b * columnCount + c] - (product[b * columnCount + c] + bias[column])) <= 1e-12)
            }
        }
    }

    @Test(arguments: [1, 255, 256, 257, 700])
    func gatheredRowsProductGradientsEqualTheTwoProducts(columnCount: Int) {
        let batch = 4, width = 7
        // With one −0, which a sum onto zero makes +0.
        let upstream: [Float] = Self.values(batch * columnCount, in: -1...1, seed: 10).enumerated().map { $0 == 1 ? -0.0 : $1 }
        let hidden: [Float] = Self.values(batch * width, in: -1...1, seed: 11)
        let gathered: [Float] = Self.values(columnCount * width, in: -1...1, seed: 12)
        let (hiddenGradient, rowGradients, columnSums) = gatheredRowsProductGradients(
            upstream: upstream, hidden: hidden, gatheredRows: gathered, batch: batch, width: width, count: columnCount)
        // ∂b_c: each column summed onto zero over the rows in order, as adding the rows to a zero row.
        var expectedSums = [Float](repeating: 0, count: columnCount)
        for b in 0..<batch { for c in 0..<columnCount { expectedSums[c] += upstream[b * columnCount + c] } }
        #expect(columnSums.map(\.bitPattern) == expectedSums.map(\.bitPattern))
        // ∂W_c = Gᵀ · h: each row one product over the batch, as BLAS gives it over all columns.
        #expect(rowGradients == gemm(transposeA: true, transposeB: false, m: columnCount, n: width, k: batch, a: upstream, b: hidden))
        // ∂h = G · W_c, summed block by block: equal to the reference product up to rounding.
        let reference = referenceGemm(transposeA: false, transposeB: false, m: batch, n: width, k: columnCount, a: upstream, b: gathered)
        for (value, expected) in zip(hiddenGradient, reference) { #expect(abs(value - expected) <= 1e-4 * max(1, abs(expected))) }
    }

    @Test func gatherAndScatterAddMoveWholeRows() {
        let table: [Double] = (0..<15).map(Double.init)              // 5 rows of 3
        let gathered = VectorKernels.gatherRows(from: table, rows: [4, 0, 4], width: 3)
        #expect(gathered == [12, 13, 14, 0, 1, 2, 12, 13, 14])

        var sums = [Float](repeating: 0, count: 6)
        VectorKernels.scatterAddRows(from: [1, 2, 3, 4, 5, 6, 7, 8, 9] as [Float], places: [1, 0, 1], width: 3, into: &sums)
        #expect(sums == [4, 5, 6, 8, 10, 12])
    }

    @Test(arguments: [10, 1_000_000])
    func coalescingListsEachRowOnceAndSumsOntoZeroInOrder(rowCount: Int) {
        // Over 10 rows the rows used are read from a table of all rows; over a million, sorted.
        let first: (rows: [Int], values: [Float]) = ([7, 2, 7], [1, -0.0, 0.1, 0.2, 3, 4])
        let second: (rows: [Int], values: [Float]) = ([2, 9], [-0.0, -0.0, 1e38, 1e38])
        let (rows, sums, allFinite) = VectorKernels.coalesceRows(parts: [first, second], width: 2, rowCount: rowCount)
        #expect(rows == [2, 7, 9])
        // Row 2 is 0 + 0.1 + (−0) and 0 + 0.2 + (−0), row 7 is 0 + 1 + 3 and 0 + (−0) + 4: each sum
        // starts at a zero, the parts in order.
        let expected: [Float] = [(0 + 0.1) + -0.0, (0 + 0.2) + -0.0, (0 + 1) + 3, (0 + -0.0) + 4, 1e38, 1e38]
        #expect(sums.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(allFinite)
        let overflow = VectorKernels.coalesceRows(parts: [([0, 0], [3e38, 3e38] as [Float])], width: 1, rowCount: rowCount)
        #expect(overflow.sums == [.infinity] && !overflow.allFinite)
        let negativeZero = VectorKernels.coalesceRows(parts: [([4], [-0.0] as [Float])], width: 1, rowCount: rowCount)
        #expect(negativeZero.sums[0].bitPattern == (Float(0) + -0.0).bitPattern, "0 + (−0) is +0")
    }
}

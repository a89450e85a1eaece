import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Masked softmax and additive attention: values, edge cases and gradients.
@Suite struct AttentionTests {
    @Test func maskedSoftmaxWithEveryPositionKeptIsSoftmax() {
        let scores = randomInput([3, 5], in: -4..<4, seed: 1)
        let weights = scores.maskedSoftmax(mask: Tensor(ones: [3, 5]), axis: 1)
        expectClose(weights.scalars, scores.softmax(axis: 1).scalars, tolerance: 1e-15)
    }

    @Test func maskedPositionsGetZeroWeightAndTheRestSumToOne() {
        let scores = Tensor<Double>(rows: [[1, 2, 3], [5, 0, 0]])
        let weights = scores.maskedSoftmax(mask: Tensor(rows: [[0, 1, 1], [1, 0, 1]]), axis: 1)
        let e = { (x: Double) in Foundation.exp(x) }
        expectTensor(weights, shape: [2, 3], [0, e(2) / (e(2) + e(3)), e(3) / (e(2) + e(3)), e(5) / (e(5) + 1), 0, 1 / (e(5) + 1)],
                     tolerance: 1e-15)
    }

    @Test func aSliceWithNothingKeptHasZeroWeightsAndZeroGradient() {
        let scores = Tensor<Double>(rows: [[3, -1e300, 1e300]], requiresGrad: true)
        let weights = scores.maskedSoftmax(mask: Tensor(zeros: [1, 3]), axis: 1)
        #expect(weights.scalars == [0, 0, 0])
        (weights * Tensor(rows: [[1, 2, 3]])).sum().backward()
        #expect(scores.grad?.scalars == [0, 0, 0])
    }

    @Test func hugeMaskedScoresLeaveTheKeptOnesFinite() {
        let scores = Tensor<Float>(rows: [[1e30, 0, 1], [-1e30, -200, -201]])
        let weights = scores.maskedSoftmax(mask: Tensor(rows: [[0, 1, 1], [0, 1, 1]]), axis: 1)
        #expect(weights.scalars.allSatisfy { $0.isFinite })
        expectClose(weights.scalars.map(Double.init), [0, 0.2689414, 0.7310586, 0, 0.7310586, 0.2689414], tolerance: 1e-6)
    }

    @Test func maskedSoftmaxGradientsMatchFiniteDifferences() {
        let scores = randomInput([4, 3], in: -3..<3, seed: 2)
        let mask = Tensor<Double>(rows: [[1, 1, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0]])
        expectGradientsMatch([scores]) { inputs in inputs[0].maskedSoftmax(mask: mask, axis: 1) }
        expectGradientsMatch([scores]) { inputs in inputs[0].transposed().maskedSoftmax(mask: mask.transposed(), axis: 0) }
    }

    @Test(arguments: [AdditiveAttention<Double>.Weighting.scores, .softmax])
    func attentionWeighsOnlyFilledKeysAndSumsThem(weighting: AdditiveAttention<Double>.Weighting) {
        var generator = SeededRandomGenerator(seed: 3)
        let attention = AdditiveAttention<Double>(querySize: 2, keySize: 3, attentionSize: 4, weighting: weighting, using: &generator)
        let query = randomInput([2, 2], seed: 4), keys = (0..<3).map { randomInput([2, 3], seed: 10 + UInt64($0)) }
        let mask = Tensor<Double>(rows: [[0, 1, 1], [0, 0, 0]])
        let (context, weights) = attention(query: query, keys: keys, mask: mask)
        #expect(weights.shape == [2, 3] && context.shape == [2, 3])
        #expect(weights[0, 0] == 0 && weights[0, 1] != 0 && weights[0, 2] != 0)
        #expect(weights[1, 0] == 0 && weights[1, 1] == 0 && weights[1, 2] == 0)
        for column in 0..<3 {
            #expect(abs(context[0, column] - (weights[0, 1] * keys[1][0, column] + weights[0, 2] * keys[2][0, column])) < 1e-15)
            #expect(context[1, column] == 0)
        }
        // The score of the first row's last key, vᵀσ(A₁q + A₂k), by hand.
        let units = (matmul(query, attention.queryProjection.weight, transposeB: true)
            + matmul(keys[2], attention.keyProjection.weight, transposeB: true)).sigmoid()
        let score = (0..<4).reduce(0.0) { $0 + attention.scoreVector.weight[0, $1] * units[0, $1] }
        switch weighting {
        case .scores: #expect(abs(weights[0, 2] - score) < 1e-15)
        case .softmax: #expect(abs(weights[0, 1] + weights[0, 2] - 1) < 1e-15)
        }
        #expect(attention.namedParameters().map(\.name) == ["A1.weight", "A2.weight", "v.weight"])
    }

    @Test(arguments: [AdditiveAttention<Double>.Weighting.scores, .softmax])
    func attentionGradientsMatchFiniteDifferences(weighting: AdditiveAttention<Double>.Weighting) {
        var generator = SeededRandomGenerator(seed: 5)
        let attention = AdditiveAttention<Double>(querySize: 3, keySize: 2, attentionSize: 4, weighting: weighting, using: &generator)
        let query = randomInput([3, 3], seed: 6)
        let keys = (0..<4).map { randomInput([3, 2], seed: 20 + UInt64($0)) }
        let mask = Tensor<Double>(rows: [[1, 1, 1, 1], [0, 1, 0, 1], [0, 0, 0, 0]])
        expectGradientsMatch([query] + keys + attention.parameters) { _ in
            let (context, weights) = attention(query: query, keys: keys, mask: mask)
            return concat([context, weights], axis: 1)
        }
    }
}

import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// The GRU4Rec losses against plain scalar formulas, finite differences and extreme scores.
@Suite struct LossTests {
    /// A 3 × 5 score matrix: 3 in-batch targets on the diagonal, 2 shared samples.
    let scores = Tensor<Double>(rows: [[2.0, 0.5, -1.0, 0.3, 0.1],
                                       [0.2, -0.4, 1.5, 0.0, -2.0],
                                       [1.0, 1.0, 0.7, -0.3, 0.9]])
    var rows: [[Double]] { (0..<3).map { i in (0..<5).map { scores[i, $0] } } }
    func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    func negativeWeights(_ row: [Double], target: Int) -> [Double] {
        let exps = row.indices.map { $0 == target ? 0 : Foundation.exp(row[$0]) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    @Test func crossEntropyMatchesTheFormula() {
        let expected = rows.enumerated().reduce(0.0) { sum, pair in
            let (i, row) = pair
            return sum - (row[i] - Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)))
        }
        expectTensor(Losses.crossEntropy(scores), shape: [], [expected], tolerance: 1e-12)
    }

    @Test func crossEntropyLogQCorrectionIsSubtractedPerColumn() {
        let correction = Tensor<Double>([0.1, -0.2, 0.3, 0.0, 0.5])
        let shifted = Tensor<Double>((0..<15).map { scores.scalars[$0] - correction.scalars[$0 % 5] }, shape: [3, 5])
        expectTensor(Losses.crossEntropy(scores, correction: correction), shape: [],
                     [Losses.crossEntropy(shifted).item], tolerance: 1e-12)
    }

    @Test func bprMatchesTheFormula() {
        let expected = rows.enumerated().reduce(0.0) { sum, pair in
            let (i, row) = pair
            return sum + row.indices.filter { $0 != i }.map { -Foundation.log(sigmoid(row[i] - row[$0])) }.reduce(0, +) / 4
        }
        expectTensor(Losses.bpr(scores), shape: [], [expected], tolerance: 1e-12)
    }

    @Test func top1MatchesTheFormula() {
        let expected = rows.enumerated().reduce(0.0) { sum, pair in
            let (i, row) = pair
            return sum + row.indices.filter { $0 != i }.map { sigmoid(row[$0] - row[i]) + sigmoid(row[$0] * row[$0]) }
                .reduce(0, +) / 4
        }
        expectTensor(Losses.top1(scores), shape: [], [expected], tolerance: 1e-12)
    }

    @Test func bprMaxMatchesTheFormulaWithPositiveMaskedAndRegulariser() {
        let bpreg = 1.95
        let expected = rows.enumerated().reduce(0.0) { sum, pair in
            let (i, row) = pair
            let s = negativeWeights(row, target: i)
            let ranking = -Foundation.log(row.indices.map { s[$0] * sigmoid(row[i] - row[$0]) }.reduce(0, +) + 1e-24)
            let regulariser = bpreg * row.indices.map { s[$0] * row[$0] * row[$0] }.reduce(0, +)
            return sum + ranking + regulariser
        }
        expectTensor(Losses.bprMax(scores, bpreg: bpreg), shape: [], [expected], tolerance: 1e-12)
    }

    @Test func top1MaxMatchesTheFormula() {
        let expected = rows.enumerated().reduce(0.0) { sum, pair in
            let (i, row) = pair
            let s = negativeWeights(row, target: i)
            return sum + row.indices.map { s[$0] * (sigmoid(row[$0] - row[i]) + sigmoid(row[$0] * row[$0])) }.reduce(0, +)
        }
        expectTensor(Losses.top1Max(scores), shape: [], [expected], tolerance: 1e-12)
    }

    @Test func everyLossPassesGradcheck() {
        let x = randomInput([3, 6], in: -2..<2, seed: 51)
        let correction = Tensor<Double>([0.2, -0.1, 0.0, 0.4, 0.3, -0.5])
        expectGradientsMatch([x]) { Losses.crossEntropy($0[0]) }
        expectGradientsMatch([x]) { Losses.crossEntropy($0[0], correction: correction) }
        expectGradientsMatch([x]) { Losses.bpr($0[0]) }
        expectGradientsMatch([x]) { Losses.top1($0[0]) }
        expectGradientsMatch([x]) { Losses.bprMax($0[0], bpreg: 1.5) }
        expectGradientsMatch([x]) { Losses.bprMax($0[0].elu(alpha: 0.5), bpreg: 0) }
        expectGradientsMatch([x]) { Losses.top1Max($0[0]) }
        let logits = randomInput([4, 3], seed: 52)
        expectGradientsMatch([logits]) { Losses.softmaxCrossEntropy(logits: $0[0], labels: [2, 0, 1, 2]) }
    }

    @Test func fusedLossesEqualTheirComposedReferences() {
        let correction = Tensor<Double>([0.2, -0.1, 0.0, 0.4, 0.3, -0.5])
        let cases: [(String, (Tensor<Double>) -> Tensor<Double>, (Tensor<Double>) -> Tensor<Double>)] = [
            ("crossEntropy", { Losses.crossEntropy($0) }, { Losses.crossEntropyComposed($0) }),
            ("crossEntropy+logQ", { Losses.crossEntropy($0, correction: correction) },
             { Losses.crossEntropyComposed($0, correction: correction) }),
            ("bprMax", { Losses.bprMax($0, bpreg: 1.95) }, { Losses.bprMaxComposed($0, bpreg: 1.95) }),
            ("bprMax, no bpreg", { Losses.bprMax($0, bpreg: 0) }, { Losses.bprMaxComposed($0, bpreg: 0) }),
        ]
        for (name, fused, composed) in cases {
            let x = randomInput([4, 6], in: -3..<3, seed: 53)
            let a = fused(x)
            a.backward()
            let fusedGradient = x.grad!.scalars
            x.zeroGrad()
            let b = composed(x)
            b.backward()
            expectClose([a.item], [b.item], tolerance: 1e-12)
            expectClose(fusedGradient, x.grad!.scalars, tolerance: 1e-12)
            #expect(a.record?.op != b.record?.op, "\(name): the fused loss should be a single op")
        }
        let x = randomInput([3, 5], in: -2..<2, seed: 54)
        expectGradientsMatch([x]) { Losses.crossEntropyComposed($0[0], correction: Tensor([0.1, 0.2, 0.3, 0.4, 0.5])) }
        expectGradientsMatch([x]) { Losses.bprMaxComposed($0[0], bpreg: 0.7) }
    }

    @Test func lossesStayFiniteForExtremeScores() {
        let extreme = Tensor<Double>(rows: [[800, -900, 700], [-1000, 1000, 0]], requiresGrad: true)
        let losses = [Losses.crossEntropy(extreme), Losses.bpr(extreme), Losses.top1(extreme),
                      Losses.bprMax(extreme, bpreg: 1), Losses.top1Max(extreme)]
        for loss in losses {
            #expect(loss.item.isFinite, "\(loss.record!.op) gave \(loss.item)")
            extreme.zeroGrad()
            loss.backward()
            #expect(extreme.grad!.scalars.allSatisfy { $0.isFinite })
        }
        let f = Tensor<Float>(rows: [[80, -90, 70], [-100, 100, 0]])
        #expect(Losses.crossEntropy(f).item.isFinite && Losses.bprMax(f, bpreg: 1).item.isFinite)
    }

    @Test func softmaxCrossEntropyOfClassLabels() {
        let logits = Tensor<Double>(rows: [[0, 0], [Foundation.log(3), 0]])
        expectTensor(Losses.softmaxCrossEntropy(logits: logits, labels: [0, 0]), shape: [],
                     [(Foundation.log(2) + Foundation.log(4.0 / 3)) / 2], tolerance: 1e-12)
    }
}

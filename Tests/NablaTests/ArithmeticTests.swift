import Nabla
import NablaTestSupport
import Testing

/// `+ − × ÷` and negation: exact values, NumPy broadcasting, and gradients in both directions.
@Suite struct ArithmeticTests {
    @Test func sameShapeValues() {
        let a = Tensor<Double>([1, 2, 3]), b = Tensor<Double>([4, 5, 8])
        expectTensor(a + b, shape: [3], [5, 7, 11])
        expectTensor(a - b, shape: [3], [-3, -3, -5])
        expectTensor(a * b, shape: [3], [4, 10, 24])
        expectTensor(a / b, shape: [3], [0.25, 0.4, 0.375])
        expectTensor(-a, shape: [3], [-1, -2, -3])
    }

    @Test func scalarOnEitherSide() {
        let a = Tensor<Double>([1, 2])
        expectTensor(a + 1, shape: [2], [2, 3])
        expectTensor(1 - a, shape: [2], [0, -1])
        expectTensor(a * 3, shape: [2], [3, 6])
        expectTensor(2 / a, shape: [2], [2, 1])
    }

    @Test func rowBroadcastsOverAMatrix() {
        let m = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
        let row = Tensor<Double>([10, 20, 30])
        expectTensor(m + row, shape: [2, 3], [11, 22, 33, 14, 25, 36])
        expectTensor(row - m, shape: [2, 3], [9, 18, 27, 6, 15, 24])
    }

    @Test func columnAndRowBroadcastToAnOuterProductShape() {
        let column = Tensor<Double>([1, 2], shape: [2, 1])
        let row = Tensor<Double>([10, 20, 30], shape: [1, 3])
        expectTensor(column * row, shape: [2, 3], [10, 20, 30, 20, 40, 60])
    }

    @Test func broadcastingAcrossRanksThree() {
        let a = Tensor<Double>.arange(0, 6).reshaped([2, 1, 3])
        let b = Tensor<Double>([1, 2], shape: [2, 1])
        let c = a + b
        #expect(c.shape == [2, 2, 3])
        #expect(c.scalars == [1, 2, 3, 2, 3, 4, 4, 5, 6, 5, 6, 7])
    }

    @Test func gradientsOfEachOpWithSameShapes() {
        let a = randomInput([2, 3], seed: 1), b = randomInput([2, 3], in: 0.5..<2, seed: 2)
        expectGradientsMatch([a, b]) { $0[0] + $0[1] }
        expectGradientsMatch([a, b]) { $0[0] - $0[1] }
        expectGradientsMatch([a, b]) { $0[0] * $0[1] }
        expectGradientsMatch([a, b]) { $0[0] / $0[1] }
        expectGradientsMatch([a]) { -$0[0] }
    }

    @Test func gradientsBroadcastingTheSecondOperand() {
        let a = randomInput([3, 4], seed: 3), row = randomInput([4], in: 0.5..<2, seed: 4)
        expectGradientsMatch([a, row]) { $0[0] + $0[1] }
        expectGradientsMatch([a, row]) { $0[0] - $0[1] }
        expectGradientsMatch([a, row]) { $0[0] * $0[1] }
        expectGradientsMatch([a, row]) { $0[0] / $0[1] }
    }

    @Test func gradientsBroadcastingTheFirstOperand() {
        let column = randomInput([3, 1], in: 0.5..<2, seed: 5), b = randomInput([3, 4], in: 0.5..<2, seed: 6)
        expectGradientsMatch([column, b]) { $0[0] + $0[1] }
        expectGradientsMatch([column, b]) { $0[0] - $0[1] }
        expectGradientsMatch([column, b]) { $0[0] * $0[1] }
        expectGradientsMatch([column, b]) { $0[0] / $0[1] }
    }

    @Test func gradientsBroadcastingBothOperands() {
        let column = randomInput([2, 1, 3], seed: 7), row = randomInput([4, 1], in: 0.5..<2, seed: 8)
        expectGradientsMatch([column, row]) { $0[0] * $0[1] }
        expectGradientsMatch([column, row]) { $0[0] / $0[1] }
    }

    @Test func gradientsWithAScalarTensor() {
        let a = randomInput([2, 2], seed: 9), s = randomInput([], in: 0.5..<2, seed: 10)
        expectGradientsMatch([a, s]) { $0[0] * $0[1] - $0[1] }
        expectGradientsMatch([a, s]) { $0[1] / $0[0] }
    }

    @Test func sumToShapeIsTheBackwardOfBroadcasting() {
        let t = Tensor<Double>.arange(0, 6).reshaped([2, 3])
        expectTensor(t.sum(toShape: [3]), shape: [3], [3, 5, 7])
        expectTensor(t.sum(toShape: [2, 1]), shape: [2, 1], [3, 12])
        expectTensor(t.sum(toShape: []), shape: [], [15])
        let x = randomInput([2, 3])
        expectGradientsMatch([x]) { $0[0].sum(toShape: [1, 3]) }
    }
}

import Foundation
import Nabla
import NablaTestSupport
import Testing

/// Sum, mean, max and log-sum-exp over each axis, with and without kept dimensions.
@Suite struct ReductionTests {
    let t = Tensor<Double>.arange(0, 24).reshaped([2, 3, 4])

    @Test func sumOverEachAxis() {
        expectTensor(t.sum(axes: [0]), shape: [3, 4], (0..<12).map { Double($0 * 2 + 12) })
        expectTensor(t.sum(axes: [1]), shape: [2, 4], [12, 15, 18, 21, 48, 51, 54, 57])
        expectTensor(t.sum(axes: [2]), shape: [2, 3], [6, 22, 38, 54, 70, 86])
        expectTensor(t.sum(axes: [-1], keepDims: true), shape: [2, 3, 1], [6, 22, 38, 54, 70, 86])
        expectTensor(t.sum(axes: [0, 2]), shape: [3], [60, 92, 124])
        expectTensor(t.sum(), shape: [], [276])
    }

    /// Summing rows adds them onto zeros in row order: the bits of the plain loop, `+0` for a
    /// column of `−0`s included; no rows or no columns give zeros or nothing.
    @Test func sumOverTheLeadingAxisAddsRowsInOrder() {
        let rows = Tensor<Float>([1e8, -0.0, 0.5, 1, -0.0, 0.25, -1e8, -0.0, 0.125], shape: [3, 3])
        var expected: [Float] = [0, 0, 0]
        for i in 0..<3 { for j in 0..<3 { expected[j] += rows.scalars[i * 3 + j] } }
        #expect(rows.sum(axes: [0]).scalars.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(expected[1].sign == .plus)
        expectTensor(Tensor<Double>(zeros: [0, 3]).sum(axes: [0]), shape: [3], [0, 0, 0])
        expectTensor(Tensor<Double>(zeros: [3, 0]).sum(axes: [0]), shape: [0], [])
    }

    @Test func meanOverAxes() {
        expectTensor(t.mean(axes: [2]), shape: [2, 3], [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
        expectTensor(t.mean(), shape: [], [11.5])
    }

    @Test func maxOverEachAxis() {
        let m = Tensor<Double>(rows: [[1, 9, 3], [7, 2, 8]])
        expectTensor(m.max(axes: [0]), shape: [3], [7, 9, 8])
        expectTensor(m.max(axes: [1], keepDims: true), shape: [2, 1], [9, 8])
        expectTensor(m.max(axes: [0, 1]), shape: [], [9])
    }

    @Test func maxSendsTheGradientToTheFirstOfTiedMaxima() {
        let m = Tensor<Double>([3, 5, 5, 1], requiresGrad: true)
        m.max(axes: [0]).backward()
        #expect(m.grad!.scalars == [0, 1, 0, 0])
    }

    @Test func logSumExpIsStableForLargeValues() {
        let big = Tensor<Double>(rows: [[1000, 1000], [-1000, -1001]])
        expectTensor(big.logSumExp(axes: [1]), shape: [2],
                     [1000 + Foundation.log(2), -1000 + Foundation.log(1 + Foundation.exp(-1))], tolerance: 1e-9)
        let minusInfinity = Tensor<Double>([-.infinity, -.infinity])
        #expect(minusInfinity.logSumExp(axes: [0]).item == -.infinity)
    }

    @Test func gradientsOverEachAxis() {
        let x = randomInput([2, 3, 4], seed: 41)
        for axes in [[0], [1], [2], [-1], [0, 2], [0, 1, 2]] {
            for keepDims in [false, true] {
                expectGradientsMatch([x]) { $0[0].sum(axes: axes, keepDims: keepDims) }
                expectGradientsMatch([x]) { $0[0].mean(axes: axes, keepDims: keepDims) }
                expectGradientsMatch([x]) { $0[0].max(axes: axes, keepDims: keepDims) }
                expectGradientsMatch([x]) { $0[0].logSumExp(axes: axes, keepDims: keepDims) }
            }
        }
        expectGradientsMatch([x]) { $0[0].sum() }
        expectGradientsMatch([x]) { $0[0].mean() }
    }
}

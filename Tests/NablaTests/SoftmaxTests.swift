import Foundation
import Nabla
import NablaTestSupport
import Testing

/// Softmax and log-softmax along an axis.
@Suite struct SoftmaxTests {
    @Test func softmaxValuesSumToOne() {
        let x = Tensor<Double>(rows: [[1, 2, 3], [0, 0, 0]])
        let total = Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)
        expectTensor(x.softmax(axis: 1), shape: [2, 3],
                     [Foundation.exp(1) / total, Foundation.exp(2) / total, Foundation.exp(3) / total, 1.0 / 3, 1.0 / 3, 1.0 / 3],
                     tolerance: 1e-15)
        expectTensor(x.softmax(axis: 0).sum(axes: [0]), shape: [3], [1, 1, 1], tolerance: 1e-15)
    }

    @Test func logSoftmaxStaysFiniteWhereSoftmaxUnderflows() {
        let x = Tensor<Double>([0, -2000])
        expectTensor(x.logSoftmax(), shape: [2], [0, -2000])
    }

    @Test func gradientsAlongEachAxis() {
        let x = randomInput([3, 4], in: -3..<3, seed: 61)
        for axis in [0, 1, -1] {
            expectGradientsMatch([x]) { $0[0].softmax(axis: axis) }
            expectGradientsMatch([x]) { $0[0].logSoftmax(axis: axis) }
        }
    }
}

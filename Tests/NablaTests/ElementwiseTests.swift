import Foundation
import Nabla
import NablaTestSupport
import Testing

/// Elementwise functions: hand-computed values and gradient checks.
@Suite struct ElementwiseTests {
    let x = Tensor<Double>([-2, -0.5, 0.5, 3])

    @Test func values() {
        expectTensor(x.exp(), shape: [4], x.scalars.map { Foundation.exp($0) }, tolerance: 1e-15)
        expectTensor(x.tanh(), shape: [4], x.scalars.map { Foundation.tanh($0) }, tolerance: 1e-15)
        expectTensor(x.sigmoid(), shape: [4], x.scalars.map { 1 / (1 + Foundation.exp(-$0)) }, tolerance: 1e-15)
        expectTensor(x.relu(), shape: [4], [0, 0, 0.5, 3])
        expectTensor(x.softplus(), shape: [4], x.scalars.map { Foundation.log(1 + Foundation.exp($0)) }, tolerance: 1e-15)
        expectTensor(x.elu(alpha: 0.5), shape: [4], [0.5 * (Foundation.exp(-2) - 1), 0.5 * (Foundation.exp(-0.5) - 1), 0.5, 3],
                     tolerance: 1e-15)
        expectTensor(x.pow(2), shape: [4], [4, 0.25, 0.25, 9])
        expectTensor(x.pow(3), shape: [4], [-8, -0.125, 0.125, 27])
        let positive = Tensor<Double>([0.25, 1, 4])
        expectTensor(positive.log(), shape: [3], [Foundation.log(0.25), 0, Foundation.log(4)], tolerance: 1e-15)
        expectTensor(positive.sqrt(), shape: [3], [0.5, 1, 2])
        expectTensor(positive.pow(0.5), shape: [3], [0.5, 1, 2])
        expectTensor(positive.pow(Tensor([2, 3, 0.5])), shape: [3], [0.0625, 1, 2])
    }

    @Test func sigmoidIsFiniteForLargeInputs() {
        let big = Tensor<Float>([-1000, 1000])
        #expect(big.sigmoid().scalars == [0, 1])
        #expect(big.softplus().scalars == [0, 1000])
    }

    @Test func gradients() {
        let x = randomInput([3, 2], in: -2..<2, seed: 21)
        let positive = randomInput([3, 2], in: 0.2..<3, seed: 22)
        expectGradientsMatch([x]) { $0[0].exp() }
        expectGradientsMatch([positive]) { $0[0].log() }
        expectGradientsMatch([positive]) { $0[0].sqrt() }
        expectGradientsMatch([x]) { $0[0].pow(3) }
        expectGradientsMatch([positive]) { $0[0].pow(-1.5) }
        expectGradientsMatch([x]) { $0[0].tanh() }
        expectGradientsMatch([x]) { $0[0].sigmoid() }
        expectGradientsMatch([x]) { $0[0].relu() }
        expectGradientsMatch([x]) { $0[0].softplus() }
        expectGradientsMatch([x]) { $0[0].elu(alpha: 0.7) }
    }

    @Test func tensorExponentGradientsFlowToBaseAndExponent() {
        let base = randomInput([2, 3], in: 0.5..<2, seed: 23)
        let exponent = randomInput([3], in: -1..<2, seed: 24)
        expectGradientsMatch([base, exponent]) { $0[0].pow($0[1]) }
    }
}

import Nabla
import NablaKernels
import NablaTestSupport
import Testing

/// Creating tensors, reading their elements and printing them.
@Suite struct TensorTests {
    @Test func initFromScalarsAndShape() {
        let t = Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(t.shape == [2, 3])
        #expect(t.rank == 2 && t.count == 6)
        #expect(t[1, 0] == 4)
        #expect(t[0, 2] == 3)
    }

    @Test func creationHelpers() {
        expectTensor(Tensor<Double>(zeros: [2, 2]), shape: [2, 2], [0, 0, 0, 0])
        expectTensor(Tensor<Double>(ones: [3]), shape: [3], [1, 1, 1])
        expectTensor(Tensor<Double>(repeating: 2.5, shape: [1, 2]), shape: [1, 2], [2.5, 2.5])
        expectTensor(Tensor<Double>(scalar: 4), shape: [], [4])
        expectTensor(Tensor<Double>(rows: [[1, 2], [3, 4]]), shape: [2, 2], [1, 2, 3, 4])
        expectTensor(Tensor<Double>.arange(0, 5), shape: [5], [0, 1, 2, 3, 4])
        expectTensor(Tensor<Double>.arange(1, 2, step: 0.25), shape: [4], [1, 1.25, 1.5, 1.75])
        expectTensor(Tensor<Double>.arange(3, 0, step: -1), shape: [3], [3, 2, 1])
    }

    @Test func itemReadsAOneElementTensor() {
        #expect(Tensor<Float>(scalar: 3).item == 3)
        #expect(Tensor<Float>([7], shape: [1, 1]).item == 7)
    }

    @Test func descriptionNestsBracketsPerAxis() {
        #expect(Tensor<Double>(rows: [[1, 2], [3, 4]]).description == "[[1.0, 2.0],\n [3.0, 4.0]]")
        #expect(Tensor<Float>([1, 2, 3]).description == "[1.0, 2.0, 3.0]")
        #expect(Tensor<Float>(scalar: 2).description == "2.0")
        #expect(Tensor<Float>.arange(0, 10).description == "[0.0, 1.0, 2.0, ..., 7.0, 8.0, 9.0]")
        #expect(Tensor<Float>([1, 2], shape: [1, 2]).debugDescription == "Tensor<Float>[1, 2] [[1.0, 2.0]]")
    }

    @Test func scalarsCanBeReplacedInPlace() {
        let t = Tensor<Double>(zeros: [2])
        t.scalars = [5, 6]
        #expect(t.scalars == [5, 6])
        t.updateScalars { $0[0] = 1 }
        #expect(t.scalars == [1, 6])
    }

    @Test func zeroSizedTensorsAreAllowed() {
        let t = Tensor<Double>(zeros: [0, 3])
        #expect(t.count == 0)
        #expect(t.sum().item == 0)
    }
}

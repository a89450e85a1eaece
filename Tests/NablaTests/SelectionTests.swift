import Nabla
import NablaTestSupport
import Testing

/// Comparisons give 0/1 masks without gradient; `where` selects by a mask with gradient.
@Suite struct SelectionTests {
    let a = Tensor<Double>([1, 2, 3]), b = Tensor<Double>([3, 2, 1])

    @Test func comparisons() {
        #expect((a .> b).scalars == [0, 0, 1])
        #expect((a .< b).scalars == [1, 0, 0])
        #expect((a .>= b).scalars == [0, 1, 1])
        #expect((a .<= b).scalars == [1, 1, 0])
        #expect((a .== b).scalars == [0, 1, 0])
        #expect((a .!= b).scalars == [1, 0, 1])
        #expect((a .> 1.5).scalars == [0, 1, 1])
        #expect((Tensor<Double>(rows: [[1], [3]]) .> b).shape == [2, 3])
    }

    @Test func comparisonsRecordNoGradient() {
        let x = Tensor<Double>([1, 2], requiresGrad: true)
        let mask = x .> 1
        #expect(!mask.requiresGrad)
        #expect(mask.isLeaf)
    }

    @Test func whereSelectsAndBroadcasts() {
        expectTensor(Tensor.where(a .> b, a, b), shape: [3], [3, 2, 3])
        expectTensor(Tensor.where(a .> 1, a, Tensor(scalar: -1)), shape: [3], [-1, 2, 3])
    }

    @Test func whereGradientFlowsToTheChosenSide() {
        let x = randomInput([2, 3], seed: 81), y = randomInput([3], seed: 82)
        let mask = Tensor<Double>(rows: [[1, 0, 1], [0, 0, 1]])
        expectGradientsMatch([x, y]) { Tensor.where(mask, $0[0], $0[1]) }
        let p = Tensor<Double>([1, 2], requiresGrad: true), q = Tensor<Double>([3, 4], requiresGrad: true)
        Tensor.where(Tensor([1, 0]), p, q).sum().backward()
        #expect(p.grad!.scalars == [1, 0])
        #expect(q.grad!.scalars == [0, 1])
    }
}

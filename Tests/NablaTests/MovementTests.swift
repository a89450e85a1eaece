import Nabla
import NablaTestSupport
import Testing

/// Reshape, expand, transpose, slice, split, chunk and concat.
@Suite struct MovementTests {
    let t = Tensor<Double>.arange(0, 6).reshaped([2, 3])

    @Test func reshapeInfersOneSize() {
        expectTensor(t.reshaped([3, -1]), shape: [3, 2], [0, 1, 2, 3, 4, 5])
        expectTensor(t.reshaped([-1]), shape: [6], [0, 1, 2, 3, 4, 5])
    }

    @Test func transposeAndPermute() {
        expectTensor(t.transposed(), shape: [3, 2], [0, 3, 1, 4, 2, 5])
        let cube = Tensor<Double>.arange(0, 24).reshaped([2, 3, 4])
        let p = cube.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == cube[1, 2, 3])
        #expect(cube.transposed(0, 2)[3, 2, 1] == cube[1, 2, 3])
    }

    @Test func expandRepeatsAlongSizeOneAxes() {
        expectTensor(Tensor<Double>([1, 2], shape: [2, 1]).expanded(to: [2, 3]), shape: [2, 3], [1, 1, 1, 2, 2, 2])
    }

    @Test func sliceAlongEachAxis() {
        expectTensor(t.sliced(1..<2, axis: 0), shape: [1, 3], [3, 4, 5])
        expectTensor(t.sliced(0..<2, axis: 1), shape: [2, 2], [0, 1, 3, 4])
        expectTensor(t.sliced(2..<3, axis: -1), shape: [2, 1], [2, 5])
    }

    @Test func splitChunkAndConcatRoundTrip() {
        let parts = t.split(sizes: [1, 2], axis: 1)
        expectTensor(parts[0], shape: [2, 1], [0, 3])
        expectTensor(parts[1], shape: [2, 2], [1, 2, 4, 5])
        expectTensor(concat(parts, axis: 1), shape: [2, 3], t.scalars)
        let chunks = Tensor<Double>.arange(0, 7).chunked(into: 3)
        #expect(chunks.map(\.shape) == [[3], [3], [1]])
        expectTensor(concat([t, t], axis: 0), shape: [4, 3], t.scalars + t.scalars)
    }

    @Test func gradients() {
        let x = randomInput([2, 3, 4], seed: 51)
        expectGradientsMatch([x]) { $0[0].reshaped([4, -1]) * Tensor.arange(0, 6) }
        expectGradientsMatch([x]) { $0[0].permuted([1, 2, 0]) }
        expectGradientsMatch([x]) { $0[0].transposed(0, 1) }
        expectGradientsMatch([x]) { $0[0].sliced(1..<3, axis: 2) }
        expectGradientsMatch([x]) { $0[0].sliced(0..<1, axis: 0) }
        expectGradientsMatch([x]) { $0[0].split(sizes: [1, 2], axis: 1)[1] }
        expectGradientsMatch([x]) { $0[0].chunked(into: 2, axis: 2)[0] * 3 }
        let row = randomInput([1, 4], seed: 52)
        expectGradientsMatch([row]) { $0[0].expanded(to: [3, 4]) * Tensor.arange(0, 12).reshaped([3, 4]) }
        let y = randomInput([2, 2, 4], seed: 53)
        expectGradientsMatch([x, y]) { concat([$0[0], $0[1], $0[0]], axis: 1) }
    }
}

import Nabla
import NablaKernels
import NablaTestSupport
import Testing

/// Matrix products: BLAS against the reference loop, and gradients for every transpose setting.
@Suite struct MatmulTests {
    @Test func handComputedProduct() {
        let a = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
        let b = Tensor<Double>(rows: [[7, 8], [9, 10], [11, 12]])
        expectTensor(matmul(a, b), shape: [2, 2], [58, 64, 139, 154])
        expectTensor(matmul(a, a, transposeB: true), shape: [2, 2], [14, 32, 32, 77])
        expectTensor(matmul(a, a, transposeA: true), shape: [3, 3], [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 1, 9), (2, 31, 13), (64, 33, 65)])
    func blasAgreesWithReferenceInDouble(m: Int, n: Int, k: Int) {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = randomInput(transposeA ? [k, m] : [m, k], seed: UInt64(m * 100 + k))
                let b = randomInput(transposeB ? [n, k] : [k, n], seed: UInt64(n * 100 + k + 1))
                let fast = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
                let slow = matmul(a, b, transposeA: transposeA, transposeB: transposeB, kernel: .reference)
                #expect(fast.shape == [m, n])
                expectClose(fast.scalars, slow.scalars, tolerance: 1e-12)
            }
        }
    }

    @Test(arguments: [(3, 5, 7), (33, 2, 17)])
    func blasAgreesWithReferenceInFloat(m: Int, n: Int, k: Int) {
        var generator = SeededRandomGenerator(seed: 99)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = Tensor<Float>.uniform(transposeA ? [k, m] : [m, k], in: -1..<1, using: &generator)
                let b = Tensor<Float>.uniform(transposeB ? [n, k] : [k, n], in: -1..<1, using: &generator)
                let fast = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
                let slow = matmul(a, b, transposeA: transposeA, transposeB: transposeB, kernel: .reference)
                expectClose(fast.scalars, slow.scalars, tolerance: 1e-5)
            }
        }
    }

    @Test func gradientsForEveryTransposeCombination() {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = randomInput(transposeA ? [4, 3] : [3, 4], seed: 31)
                let b = randomInput(transposeB ? [2, 4] : [4, 2], seed: 32)
                expectGradientsMatch([a, b]) { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) }
                expectGradientsMatch([a, b]) {
                    matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB, kernel: .reference)
                }
            }
        }
    }

    @Test func accumulatingGemmAddsTheProductOntoWhatIsThere() {
        var generator = SeededRandomGenerator(seed: 41)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let (m, n, k) = (5, 7, 3)
                let a = Tensor<Double>.uniform(transposeA ? [k, m] : [m, k], in: -1..<1, using: &generator).scalars
                let b = Tensor<Double>.uniform(transposeB ? [n, k] : [k, n], in: -1..<1, using: &generator).scalars
                let start = Tensor<Double>.uniform([m, n], in: -1..<1, using: &generator).scalars
                var c = start
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, accumulatingInto: &c)
                let product = referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b)
                expectClose(c, zip(start, product).map { $0 + $1 }, tolerance: 1e-12)
            }
        }
        var untouched: [Float] = [1, 2]
        gemm(transposeA: false, transposeB: false, m: 2, n: 1, k: 0, a: [], b: [], accumulatingInto: &untouched)
        #expect(untouched == [1, 2])
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let a = Tensor<Double>(zeros: [2, 0]), b = Tensor<Double>(zeros: [0, 3])
        expectTensor(matmul(a, b), shape: [2, 3], [0, 0, 0, 0, 0, 0])
    }
}

import Nabla
import NablaKernels
import Testing

/// Two products at once, each read and stored as its matrices say, against the reference loop.
@Suite struct MatrixProductsTests {
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededRandomGenerator(seed: seed)
        return (0..<count).map { _ in Double.random(in: -1...1, using: &generator) }
    }

    @Test(arguments: [false, true], [false, true])
    func productsReadTransposedAndStoreTransposedAsAsked(leftTransposed: Bool, resultTransposed: Bool) {
        let (m, k, n) = (3, 5, 4)
        let left = Self.values(m * k, seed: 1), right = Self.values(k * n, seed: 2)
        let x = Matrix(left, rows: m, columns: k, transposed: leftTransposed), y = Matrix(right, rows: k, columns: n)
        let (product, again) = Matrix.products(x.times(y, resultTransposed: resultTransposed), x.times(y), kernel: .reference)
        let expected = referenceGemm(transposeA: leftTransposed, transposeB: false, m: m, n: n, k: k, a: left, b: right)
        #expect(again == expected)
        for i in 0..<m {
            for j in 0..<n {
                let value = resultTransposed ? product[j * m + i] : product[i * n + j]
                #expect(abs(value - expected[i * n + j]) < 1e-12)
            }
        }
    }

    @Test(arguments: [1, 2])
    func twoThreadsGiveTheSameBitsAsOne(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        let g = Matrix(Self.values(32 * 100, seed: 3).map(Float.init), rows: 32, columns: 100)
        let b = Matrix(Self.values(64 * 100, seed: 4).map(Float.init), rows: 64, columns: 100, transposed: true)
        let a = Matrix(Self.values(32 * 64, seed: 5).map(Float.init), rows: 32, columns: 64)
        let (gradA, gradB) = Matrix.products(g.times(b.transposed), a.transposed.times(g, resultTransposed: true))
        #expect(gradA == gemm(transposeA: false, transposeB: false, m: 32, n: 64, k: 100, a: g.values, b: b.values))
        #expect(gradB == gemm(transposeA: true, transposeB: false, m: 100, n: 64, k: 32, a: g.values, b: a.values))
    }

    @Test func transposingTwiceReadsAsStored() {
        let x = Matrix([1, 2, 3, 4, 5, 6] as [Float], rows: 2, columns: 3)
        #expect(x.transposed.rows == 3 && x.transposed.isTransposed)
        #expect(x.transposed.transposed.rows == 2 && !x.transposed.transposed.isTransposed)
    }

    @Test func valuesThatDoNotFillTheMatrixStopWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Matrix([1, 2, 3] as [Float], rows: 2, columns: 2)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("Matrix: 3 values do not make 2 × 2"), "\(message)")
    }
}

/// Which routine computes matrix products.
public enum MatrixMultiplyKernel: Sendable {
    /// OpenBLAS (`cblas_sgemm` / `cblas_dgemm`): what Nabla uses.
    case blas
    /// ``referenceGemm(transposeA:transposeB:m:n:k:a:b:)``: three loops, for reading and testing.
    case reference
}

/// `op(A) · op(B)` for row-major matrices stored as flat arrays, where `op(X)` is `Xᵀ` when its
/// flag is set: the raw kernel under the core's `matmul`, for fused ops
/// that work on arrays directly.
///
/// `op(A)` is `m × k`, `op(B)` is `k × n`; the result is `m × n`.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gemm<Scalar: KernelScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: [Scalar], b: [Scalar], kernel: MatrixMultiplyKernel = .blas
) -> [Scalar] {
    switch kernel {
    case .reference:
        return referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b)
    case .blas:
        if m == 0 || n == 0 || k == 0 { return [Scalar](repeating: 0, count: m * n) }
        // With beta = 0 BLAS writes every element of C without reading it: no need to zero it.
        var c = [Scalar](unsafeUninitializedCapacity: m * n) { _, initialized in initialized = m * n }
        blasProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, beta: 0, c: &c)
        return c
    }
}

/// `C += op(A) · op(B)` into an existing row-major `m × n` array, through BLAS: for products
/// that start from something other than zero (a bias, an earlier sum) without a separate pass.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func gemm<Scalar: KernelScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: [Scalar], b: [Scalar], accumulatingInto c: inout [Scalar]
) {
    precondition(c.count == m * n, "gemm: C has \(c.count) elements, expected \(m) × \(n)")
    if m == 0 || n == 0 || k == 0 { return }
    blasProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, beta: 1, c: &c)
}

/// `C = op(A) · op(B) + beta · C` through BLAS, with the thread count chosen for the product's size.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
private func blasProduct<Scalar: KernelScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: [Scalar], b: [Scalar], beta: Scalar, c: inout [Scalar]
) {
    ComputeThreads.prepareBLAS(multiplyAdds: m * n * k)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                Scalar.blasGemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: 1, a: a.baseAddress!, lda: transposeA ? m : k,
                    b: b.baseAddress!, ldb: transposeB ? k : n,
                    beta: beta, c: c.baseAddress!, ldc: n)
            }
        }
    }
}

/// The textbook triple loop `C[i][j] = Σₚ op(A)[i][p] · op(B)[p][j]`: slow, obviously right.
///
/// `A` is stored `m × k` (or `k × m` when transposed) and `B` `k × n` (or `n × k`).
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func referenceGemm<Scalar: KernelScalar>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: [Scalar], b: [Scalar]
) -> [Scalar] {
    var c = [Scalar](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Scalar = 0
            for p in 0..<k {
                let aValue = transposeA ? a[p * m + i] : a[i * k + p]
                let bValue = transposeB ? b[j * k + p] : b[p * n + j]
                sum += aValue * bValue
            }
            c[i * n + j] = sum
        }
    }
    return c
}

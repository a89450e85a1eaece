import NablaKernels

/// The matrix product `op(a) · op(b)` of two 2-D tensors, through BLAS.
///
/// `op(x)` is `xᵀ` when the matching flag is set, which costs nothing: BLAS reads the matrix
/// transposed in place.
///
/// Derivatives, for `C = A·B` with upstream gradient `G`: `dA = G·Bᵀ`, `dB = Aᵀ·G`. With
/// transposed operands the same rule is applied to `op(A)` and `op(B)` and transposed back, which
/// again needs only transposed reads, never a copy.
///
/// - Parameters:
///   - a: an `m × k` matrix (`k × m` when `transposeA`).
///   - b: a `k × n` matrix (`n × k` when `transposeB`).
///   - transposeA: read `a` transposed.
///   - transposeB: read `b` transposed.
///   - kernel: `.blas` (default) or the readable `.reference` loop.
/// - Returns: an `m × n` matrix.
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func matmul<Scalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposeA: Bool = false, transposeB: Bool = false,
    kernel: MatrixMultiplyKernel = .blas
) -> Tensor<Scalar> {
    let symbolA = transposeA ? "ᵀ" : "", symbolB = transposeB ? "ᵀ" : ""
    let description = "\(describeShape(a.shape))\(symbolA) × \(describeShape(b.shape))\(symbolB)"
    guard a.rank == 2, b.rank == 2 else {
        misuse("matmul", "\(description): both operands must be 2-D matrices")
    }
    let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kB else {
        misuse("matmul", "\(description): inner dimensions \(k) and \(kB) differ")
    }
    let values = gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      a: a.storage, b: b.storage, kernel: kernel)
    let details = transposeA || transposeB ? "A\(symbolA)·B\(symbolB)" : ""
    return .result(of: "matmul", details: details, inputs: [a, b], shape: [m, n], storage: values) { g in
        let (aValues, bValues, gValues) = (a.storage, b.storage, g.storage)
        // The two products are independent: with two compute threads they run at the same time.
        let (gradA, gradB) = ComputeThreads.both({
            transposeA
                ? gemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n, a: bValues, b: gValues, kernel: kernel)   // (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ
                : gemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n, a: gValues, b: bValues, kernel: kernel)  // G·op(B)ᵀ
        }, {
            transposeB
                ? gemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m, a: gValues, b: aValues, kernel: kernel)    // (op(A)ᵀ·G)ᵀ = Gᵀ·op(A)
                : gemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m, a: aValues, b: gValues, kernel: kernel)  // op(A)ᵀ·G
        })
        return [.dense(Tensor(gradA, shape: a.shape)), .dense(Tensor(gradB, shape: b.shape))]
    }
}

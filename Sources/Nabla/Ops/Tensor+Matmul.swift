import NablaKernels

/// The matrix product `op(a) · op(b)` of two 2-D tensors, through BLAS.
///
/// `op(x)` is `xᵀ` when the matching flag is set, which costs nothing: BLAS reads the matrix
/// transposed in place.
///
/// Derivatives, for `C = A·B` with upstream gradient `G`: `dA = G·Bᵀ`, `dB = Aᵀ·G`. With
/// transposed operands the same rule is applied to `op(A)` and `op(B)` and transposed back
/// (`(G·Bᵀ)ᵀ = B·Gᵀ`), which again needs only transposed reads, never a copy.
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
        let opA = Matrix(a.storage, rows: m, columns: k, transposed: transposeA)
        let opB = Matrix(b.storage, rows: k, columns: n, transposed: transposeB)
        let G = Matrix(g.storage, rows: m, columns: n)
        // dA = G·Bᵀ, dB = Aᵀ·G, each stored as its operand is; both at once on the compute threads.
        let (gradA, gradB) = Matrix.products(G.times(opB.transposed, resultTransposed: transposeA),
                                             opA.transposed.times(G, resultTransposed: transposeB), kernel: kernel)
        return [.dense(Tensor(gradA, shape: a.shape)), .dense(Tensor(gradB, shape: b.shape))]
    }
}

import COpenBLAS

/// The element types the kernels run on: `Float` and `Double`, each with the BLAS routine that
/// multiplies matrices of it (`cblas_sgemm`, `cblas_dgemm`) and conversions of a whole array
/// from `Double` and to `Float`. Nabla's `TensorScalar` refines it.
public protocol KernelScalar: BinaryFloatingPoint, Sendable {
    /// Computes `C = alpha · op(A) · op(B) + beta · C` for row-major matrices through BLAS.
    ///
    /// `op(X)` is `Xᵀ` when the matching `transpose` flag is set. `op(A)` is `m × k`,
    /// `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are the row strides as stored.
    static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    )

    /// `values`, each rounded to this type: one call for a whole array, so that code generic
    /// over the scalar type (which Swift may run unspecialised) converts at native speed.
    static func rounded(from values: [Double]) -> [Self]

    /// `values`, each rounded to `Float`; for `Float`, the array itself, sharing its storage
    /// (so that a cache made from it can tell, by `sharesStorage(_:_:)`, that it still holds).
    static func floats(_ values: [Self]) -> [Float]
}

@inline(__always)
private func cblasTranspose(_ flag: Bool) -> CBLAS_TRANSPOSE {
    flag ? CblasTrans : CblasNoTrans
}

extension Float: KernelScalar {
    /// Single-precision product through `cblas_sgemm`.
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// `values`, each rounded to single precision.
    public static func rounded(from values: [Double]) -> [Float] {
        var rounded = [Float](repeating: 0, count: values.count)
        for i in values.indices { rounded[i] = Float(values[i]) }
        return rounded
    }

    /// `values` as they are.
    public static func floats(_ values: [Float]) -> [Float] {
        values
    }
}

extension Double: KernelScalar {
    /// Double-precision product through `cblas_dgemm`.
    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// `values` as they are.
    public static func rounded(from values: [Double]) -> [Double] {
        values
    }

    /// `values`, each rounded to single precision.
    public static func floats(_ values: [Double]) -> [Float] {
        values.map { Float($0) }
    }
}

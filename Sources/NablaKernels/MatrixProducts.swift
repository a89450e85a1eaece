/// A row-major matrix stored as flat values, read as stored or transposed: transposing it is a
/// flag for BLAS, never a copy.
public struct Matrix<Scalar: KernelScalar> {
    /// The values as stored, row-major.
    public let values: [Scalar]
    /// The rows and columns of the matrix as read (of `Xᵀ` when ``isTransposed``).
    public let rows: Int, columns: Int
    /// Whether the stored values are read transposed.
    public let isTransposed: Bool

    /// The matrix `rows × columns` as read: `values` hold it row-major, or hold its transpose
    /// row-major when `transposed`.
    public init(_ values: [Scalar], rows: Int, columns: Int, transposed: Bool = false) {
        if values.count != rows * columns {
            kernelMisuse("Matrix", "\(values.count) values do not make \(rows) × \(columns)")
        }
        self.values = values
        self.rows = rows
        self.columns = columns
        isTransposed = transposed
    }

    /// The same values read transposed.
    public var transposed: Matrix {
        Matrix(values, rows: columns, columns: rows, transposed: !isTransposed)
    }

    /// The product `self · other`, to be computed by ``products(_:_:kernel:)``; stored transposed,
    /// as `(self · other)ᵀ = otherᵀ · selfᵀ`, when `resultTransposed` (the gradient of an operand
    /// that was read transposed is stored as that operand is).
    public func times(_ other: Matrix, resultTransposed: Bool = false) -> MatrixProduct<Scalar> {
        if columns != other.rows {
            kernelMisuse("Matrix.times", "\(rows) × \(columns) times \(other.rows) × \(other.columns): inner dimensions differ")
        }
        return MatrixProduct(left: self, right: other, resultTransposed: resultTransposed)
    }

    /// Two independent products at the same time, one on each of two compute threads when there
    /// are two (one after the other otherwise), through `kernel`: what a matrix product's backward
    /// rule computes, `dA = G·Bᵀ` and `dB = Aᵀ·G`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func products(
        _ first: MatrixProduct<Scalar>, _ second: MatrixProduct<Scalar>, kernel: MatrixMultiplyKernel = .blas
    ) -> ([Scalar], [Scalar]) {
        ComputeThreads.both({ first.computed(kernel: kernel) }, { second.computed(kernel: kernel) })
    }
}

/// A matrix product waiting to be computed by `Matrix.products(_:_:kernel:)`.
public struct MatrixProduct<Scalar: KernelScalar> {
    let left: Matrix<Scalar>, right: Matrix<Scalar>
    let resultTransposed: Bool

    /// The product's values, row-major (of its transpose when `resultTransposed`), with the
    /// operands read in place.
    func computed(kernel: MatrixMultiplyKernel) -> [Scalar] {
        let (m, n, k) = (left.rows, right.columns, left.columns)
        return resultTransposed
            ? gemm(transposeA: !right.isTransposed, transposeB: !left.isTransposed, m: n, n: m, k: k,
                   a: right.values, b: left.values, kernel: kernel)
            : gemm(transposeA: left.isTransposed, transposeB: right.isTransposed, m: m, n: n, k: k,
                   a: left.values, b: right.values, kernel: kernel)
    }
}

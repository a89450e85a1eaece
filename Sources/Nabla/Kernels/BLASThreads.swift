import COpenBLAS

/// The number of threads OpenBLAS uses for matrix products.
///
/// OpenBLAS starts one thread per core by default. For the small products of a recurrent network
/// (a 32 × 100 batch, say) the threads cost more in hand-offs than they save, so set this
/// explicitly: 1 for small models, the core count for large products.
public enum BLASThreads {
    /// The current number of BLAS threads.
    public static var count: Int {
        Int(openblas_get_num_threads())
    }

    /// Makes OpenBLAS use `count` threads (at least 1).
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(Swift.max(1, count)))
    }
}

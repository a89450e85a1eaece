/// Raw access to a tensor's elements, for the kernels and the fused ops that hand them to
/// vector code; the teaching code reads and writes `scalars`.
extension Tensor {
    /// Gives direct access to the elements for fast in-place updates.
    public func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer { try body(&$0) }
    }

    /// Gives read-only access to the elements.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body($0) }
    }
}

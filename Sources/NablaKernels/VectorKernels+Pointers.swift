import CNablaKernels

/// The C kernels on raw memory: the layer under ``VectorKernels``' array faces, which check sizes
/// and hand these functions their buffers.
extension VectorKernels {
    /// The Adagrad-with-momentum update of `count` rows of `width` values (see
    /// ``adagradRows(gradients:rows:width:accumulators:velocities:weights:learningRate:momentum:epsilon:)``);
    /// returns whether every weight it wrote is finite.
    @inlinable
    static func adagradRows<Scalar: KernelScalar>(
        gradients: UnsafePointer<Scalar>, rows: UnsafePointer<Int>?, count: Int, width: Int,
        accumulators: UnsafeMutablePointer<Scalar>, velocities: UnsafeMutablePointer<Scalar>,
        weights: UnsafeMutablePointer<Scalar>, learningRate: Scalar, momentum: Scalar, epsilon: Scalar
    ) -> Bool {
        let rowIndices = rows.map { UnsafeRawPointer($0).assumingMemoryBound(to: Int64.self) }
        if Scalar.self == Float.self {
            return nabla_adagrad_rows_f32(
                raw(gradients, as: Float.self), rowIndices, Int64(count), Int64(width),
                raw(accumulators, as: Float.self), raw(velocities, as: Float.self), raw(weights, as: Float.self),
                float(learningRate), float(momentum), float(epsilon))
        }
        return nabla_adagrad_rows_f64(
            raw(gradients, as: Double.self), rowIndices, Int64(count), Int64(width),
            raw(accumulators, as: Double.self), raw(velocities, as: Double.self), raw(weights, as: Double.self),
            double(learningRate), double(momentum), double(epsilon))
    }

    /// Writes `softmax(scores − shift)` of one row into `probabilities` and returns
    /// `−log softmax(scores − shift)[target]`.
    @inlinable
    static func softmaxCrossEntropyRow<Scalar: KernelScalar>(
        scores: UnsafePointer<Scalar>, shift: UnsafePointer<Scalar>?, columns: Int, target: Int,
        probabilities: UnsafeMutablePointer<Scalar>
    ) -> Scalar {
        if Scalar.self == Float.self {
            let loss = nabla_softmax_cross_entropy_row_f32(
                raw(scores, as: Float.self), shift.map { raw($0, as: Float.self) }, Int64(columns), Int64(target),
                raw(probabilities, as: Float.self))
            return unsafeBitCast(loss, to: Scalar.self)
        }
        let loss = nabla_softmax_cross_entropy_row_f64(
            raw(scores, as: Double.self), shift.map { raw($0, as: Double.self) }, Int64(columns), Int64(target),
            raw(probabilities, as: Double.self))
        return unsafeBitCast(loss, to: Scalar.self)
    }

    /// `eˣ` of `count` floats into `result`, to within 1 unit in the last place: the routine tanh, the
    /// sigmoid and the softmax rows build on, reachable here so that its accuracy can be tested alone.
    static func exp(_ x: UnsafePointer<Float>, count: Int, into result: UnsafeMutablePointer<Float>) {
        nabla_exp_f32(x, Int64(count), result)
    }

    /// `tanh` of `count` values into `result` (which may be `x` itself).
    @inlinable
    static func tanh<Scalar: KernelScalar>(_ x: UnsafePointer<Scalar>, count: Int, into result: UnsafeMutablePointer<Scalar>) {
        if Scalar.self == Float.self {
            nabla_tanh_f32(raw(x, as: Float.self), Int64(count), raw(result, as: Float.self))
        } else {
            nabla_tanh_f64(raw(x, as: Double.self), Int64(count), raw(result, as: Double.self))
        }
    }

    /// The logistic sigmoid of `count` values into `result` (which may be `x` itself).
    @inlinable
    static func sigmoid<Scalar: KernelScalar>(_ x: UnsafePointer<Scalar>, count: Int, into result: UnsafeMutablePointer<Scalar>) {
        if Scalar.self == Float.self {
            nabla_sigmoid_f32(raw(x, as: Float.self), Int64(count), raw(result, as: Float.self))
        } else {
            nabla_sigmoid_f64(raw(x, as: Double.self), Int64(count), raw(result, as: Double.self))
        }
    }

    /// Whether every value in the buffer is finite.
    @inlinable
    static func allFinite<Scalar: KernelScalar>(_ values: UnsafeBufferPointer<Scalar>) -> Bool {
        guard let base = values.baseAddress else { return true }
        if Scalar.self == Float.self { return nabla_all_finite_f32(raw(base, as: Float.self), Int64(values.count)) }
        return nabla_all_finite_f64(raw(base, as: Double.self), Int64(values.count))
    }

    /// Copies row `rows[i]` of `source` (rows of `width` values) to row `i` of `target`.
    @inlinable
    static func gatherRows<Scalar: KernelScalar>(
        from source: UnsafePointer<Scalar>, rows: UnsafePointer<Int>, count: Int, width: Int,
        into target: UnsafeMutablePointer<Scalar>
    ) {
        let rowIndices = UnsafeRawPointer(rows).assumingMemoryBound(to: Int64.self)
        if Scalar.self == Float.self {
            nabla_gather_rows_f32(raw(source, as: Float.self), rowIndices, Int64(count), Int64(width), raw(target, as: Float.self))
        } else {
            nabla_gather_rows_f64(raw(source, as: Double.self), rowIndices, Int64(count), Int64(width), raw(target, as: Double.self))
        }
    }

    /// Adds row `i` of `source` into row `places[i]` of `target` (rows of `width` values), for the
    /// rows whose place is in `targetRows`; returns whether every sum written is finite.
    @inlinable
    static func scatterAddRows<Scalar: KernelScalar>(
        from source: UnsafePointer<Scalar>, places: UnsafePointer<Int32>, count: Int, width: Int,
        into target: UnsafeMutablePointer<Scalar>, targetRows: Range<Int32>
    ) -> Bool {
        let (first, end) = (targetRows.lowerBound, targetRows.upperBound)
        if Scalar.self == Float.self {
            return nabla_scatter_add_rows_f32(raw(source, as: Float.self), places, Int64(count), Int64(width),
                                              raw(target, as: Float.self), first, end)
        } else {
            return nabla_scatter_add_rows_f64(raw(source, as: Double.self), places, Int64(count), Int64(width),
                                              raw(target, as: Double.self), first, end)
        }
    }
}

/// The same memory seen as `Float` or `Double`: callers have checked that `Scalar` is `type`.
@inlinable
func raw<Scalar, Target>(_ pointer: UnsafePointer<Scalar>, as type: Target.Type) -> UnsafePointer<Target> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: Target.self)
}

/// The same memory seen as `Float` or `Double`: callers have checked that `Scalar` is `type`.
@inlinable
func raw<Scalar, Target>(_ pointer: UnsafeMutablePointer<Scalar>, as type: Target.Type) -> UnsafeMutablePointer<Target> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Target.self)
}

/// A `Scalar` known to be `Float`, as one.
@inlinable
func float<Scalar>(_ value: Scalar) -> Float { unsafeBitCast(value, to: Float.self) }

/// A `Scalar` known to be `Double`, as one.
@inlinable
func double<Scalar>(_ value: Scalar) -> Double { unsafeBitCast(value, to: Double.self) }

/// An array of `count` values that the caller writes in full before reading any.
@inlinable
func uninitialised<Element>(_ type: Element.Type, _ count: Int) -> [Element] {
    [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// An array of `Scalar` known to be `Float`, as one (the same storage, no copy).
@inlinable
func floats<Scalar>(_ values: [Scalar]) -> [Float] { unsafeBitCast(values, to: [Float].self) }

/// An array of `Scalar` known to be `Double`, as one (the same storage, no copy).
@inlinable
func doubles<Scalar>(_ values: [Scalar]) -> [Double] { unsafeBitCast(values, to: [Double].self) }

/// An array of `Float` or `Double` known to be of `Scalar`, as one (the same storage, no copy).
@inlinable
func asScalars<Element, Scalar>(_ values: [Element]) -> [Scalar] { unsafeBitCast(values, to: [Scalar].self) }

/// Stops the program with a message naming the kernel, as Nabla's `misuse` does for ops.
@usableFromInline
func kernelMisuse(_ kernel: String, _ message: String) -> Never {
    fatalError("\(kernel): \(message)")
}

import CNablaKernels

/// The inner loops that decide training speed, as vector code: the Adagrad update over
/// rows, one row of softmax cross-entropy, `eˣ`, `tanh` and the sigmoid over arrays, a
/// finiteness check, and row gathers and scatter-adds.
///
/// They run in C (`Sources/CNablaKernels`) compiled twice, for AVX2 with FMA and for the
/// baseline CPU, and pick the variant once at run time, so the same binary is fast where the
/// CPU allows and correct everywhere. Both variants round every operation alike (no fused
/// multiply-adds), so results do not depend on the CPU. Each kernel has a plain Swift
/// counterpart in the tests that it is compared with.
///
/// For `Double` the exponentials come from the C library; for `Float` from a vector routine
/// accurate to 1 unit in the last place (``exp(_:count:into:)``).
public enum VectorKernels {
    /// The Adagrad-with-momentum update of `count` rows of `width` values:
    /// `acc += g²; v = μ·v − lr·g/√(acc + ε); w += v`.
    ///
    /// Row `i` of `gradients` updates row `rows[i]` of the three tables (row `i` when `rows` is
    /// `nil`). The rows must be distinct. Returns whether every weight it wrote is finite, found
    /// in the same pass (the trainer stops on the first update that overflows).
    @inlinable
    @discardableResult
    public static func adagradRows<Scalar: TensorScalar>(
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
        } else {
            return nabla_adagrad_rows_f64(
                raw(gradients, as: Double.self), rowIndices, Int64(count), Int64(width),
                raw(accumulators, as: Double.self), raw(velocities, as: Double.self), raw(weights, as: Double.self),
                double(learningRate), double(momentum), double(epsilon))
        }
    }

    /// Writes `softmax(scores − shift)` of one row into `probabilities` and returns the
    /// cross-entropy `−log softmax(scores − shift)[target]`, computed with the row maximum
    /// subtracted first, so it is finite for any finite scores.
    @inlinable
    public static func softmaxCrossEntropyRow<Scalar: TensorScalar>(
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

    /// `eˣ` of `count` floats into `result`, to within 1 unit in the last place, subnormal results
    /// included (the routine tanh, the sigmoid and softmax build on, exposed so its accuracy can
    /// be tested alone); `−∞` and anything below −103.98 give 0, above 88.73 give `+∞`, NaN stays NaN.
    public static func exp(_ x: UnsafePointer<Float>, count: Int, into result: UnsafeMutablePointer<Float>) {
        nabla_exp_f32(x, Int64(count), result)
    }

    /// `tanh` of `count` values into `result` (which may be `x` itself). For `Float` a vector
    /// routine within 2 units in the last place (a Taylor series below 0.5 in magnitude,
    /// `1 − 2/(e^{2|x|} + 1)` above); for `Double` the C library's `tanh`.
    @inlinable
    public static func tanh<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int, into result: UnsafeMutablePointer<Scalar>) {
        if Scalar.self == Float.self {
            nabla_tanh_f32(raw(x, as: Float.self), Int64(count), raw(result, as: Float.self))
        } else {
            nabla_tanh_f64(raw(x, as: Double.self), Int64(count), raw(result, as: Double.self))
        }
    }

    /// The logistic sigmoid `1/(1 + e^−x)` of `count` values into `result` (which may be `x`
    /// itself). For `Float` vectorised, within 2 units in the last place; for `Double` computed
    /// with the C library's `exp` in the form that cannot overflow.
    @inlinable
    public static func sigmoid<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int, into result: UnsafeMutablePointer<Scalar>) {
        if Scalar.self == Float.self {
            nabla_sigmoid_f32(raw(x, as: Float.self), Int64(count), raw(result, as: Float.self))
        } else {
            nabla_sigmoid_f64(raw(x, as: Double.self), Int64(count), raw(result, as: Double.self))
        }
    }

    /// Whether every value is finite (no NaN, no ±∞): one vectorised pass.
    @inlinable
    public static func allFinite<Scalar: TensorScalar>(_ values: UnsafeBufferPointer<Scalar>) -> Bool {
        guard let base = values.baseAddress else { return true }
        if Scalar.self == Float.self { return nabla_all_finite_f32(raw(base, as: Float.self), Int64(values.count)) }
        return nabla_all_finite_f64(raw(base, as: Double.self), Int64(values.count))
    }

    /// Whether every value of the array is finite.
    @inlinable
    public static func allFinite<Scalar: TensorScalar>(_ values: [Scalar]) -> Bool {
        values.withUnsafeBufferPointer { allFinite($0) }
    }

    /// Copies row `rows[i]` of `source` (rows of `width` values) to row `i` of `target`.
    @inlinable
    public static func gatherRows<Scalar: TensorScalar>(
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

    /// Adds row `i` of `source` into row `places[i]` of `target` (rows of `width` values).
    @inlinable
    public static func scatterAddRows<Scalar: TensorScalar>(
        from source: UnsafePointer<Scalar>, places: UnsafePointer<Int32>, count: Int, width: Int,
        into target: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            nabla_scatter_add_rows_f32(raw(source, as: Float.self), places, Int64(count), Int64(width), raw(target, as: Float.self))
        } else {
            nabla_scatter_add_rows_f64(raw(source, as: Double.self), places, Int64(count), Int64(width), raw(target, as: Double.self))
        }
    }
}

extension VectorKernels {
    /// Adds row `i` of `source` (rows of `width`) into row `places[i]` of `target`: the safe face
    /// of ``scatterAddRows(from:places:count:width:into:)``.
    @inlinable
    public static func scatterAddRows<Scalar: TensorScalar>(from source: [Scalar], places: [Int32], width: Int, into target: inout [Scalar]) {
        if places.count * width > source.count || places.contains(where: { Int($0) < 0 || (Int($0) + 1) * width > target.count }) {
            misuse("scatterAddRows", "\(places.count) rows of \(width) do not fit a source of \(source.count) and a target of \(target.count)")
        }
        source.withUnsafeBufferPointer { source in
            places.withUnsafeBufferPointer { places in
                target.withUnsafeMutableBufferPointer { target in
                    scatterAddRows(from: source.baseAddress!, places: places.baseAddress!, count: places.count, width: width,
                                   into: target.baseAddress!)
                }
            }
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

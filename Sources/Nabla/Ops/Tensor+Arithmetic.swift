// Addition, subtraction, multiplication and division with NumPy broadcasting.
// Each backward rule sums the gradient back to the input's own shape (see `sum(toShape:)`).

extension Tensor {
    /// Elementwise sum. `d(a + b)/da = 1`, `d(a + b)/db = 1`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, values) = broadcastElementwise(a, b, op: "add", +)
        return result(of: "add", inputs: [a, b], shape: shape, storage: values) { g in
            [.dense(g.sum(toShape: a.shape)), .dense(g.sum(toShape: b.shape))]
        }
    }

    /// Elementwise difference. `d(a − b)/da = 1`, `d(a − b)/db = −1`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, values) = broadcastElementwise(a, b, op: "sub", -)
        return result(of: "sub", inputs: [a, b], shape: shape, storage: values) { g in
            [.dense(g.sum(toShape: a.shape)), .dense((-g).sum(toShape: b.shape))]
        }
    }

    /// Elementwise product. `d(a · b)/da = b`, `d(a · b)/db = a`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, values) = broadcastElementwise(a, b, op: "mul", *)
        return result(of: "mul", inputs: [a, b], shape: shape, storage: values) { g in
            [.dense((g * b).sum(toShape: a.shape)), .dense((g * a).sum(toShape: b.shape))]
        }
    }

    /// Elementwise quotient. `d(a / b)/da = 1 / b`, `d(a / b)/db = −a / b²`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, values) = broadcastElementwise(a, b, op: "div", /)
        return result(of: "div", inputs: [a, b], shape: shape, storage: values) { g in
            // −g·(a/b)/b rather than −g·a/b²: b² overflows or underflows long before a/b does.
            [.dense((g / b).sum(toShape: a.shape)), .dense((-g * (a / b) / b).sum(toShape: b.shape))]
        }
    }

    /// Elementwise negation. `d(−a)/da = −1`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static prefix func - (a: Tensor) -> Tensor {
        result(of: "neg", inputs: [a], shape: a.shape, storage: a.storage.map { -$0 }) { g in
            [.dense(-g)]
        }
    }
}

// MARK: - With a scalar on either side

extension Tensor {
    /// Adds a scalar to every element.
    public static func + (a: Tensor, b: Scalar) -> Tensor { a + Tensor(scalar: b) }
    /// Adds a scalar to every element.
    public static func + (a: Scalar, b: Tensor) -> Tensor { Tensor(scalar: a) + b }
    /// Subtracts a scalar from every element.
    public static func - (a: Tensor, b: Scalar) -> Tensor { a - Tensor(scalar: b) }
    /// Subtracts every element from a scalar.
    public static func - (a: Scalar, b: Tensor) -> Tensor { Tensor(scalar: a) - b }
    /// Multiplies every element by a scalar.
    public static func * (a: Tensor, b: Scalar) -> Tensor { a * Tensor(scalar: b) }
    /// Multiplies every element by a scalar.
    public static func * (a: Scalar, b: Tensor) -> Tensor { Tensor(scalar: a) * b }
    /// Divides every element by a scalar.
    public static func / (a: Tensor, b: Scalar) -> Tensor { a / Tensor(scalar: b) }
    /// Divides a scalar by every element.
    public static func / (a: Scalar, b: Tensor) -> Tensor { Tensor(scalar: a) / b }
}

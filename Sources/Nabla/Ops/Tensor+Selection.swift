// Comparisons (no gradient) and selection by a mask.

extension Tensor {
    /// Compares elementwise with broadcasting: 1 where `holds` is true, else 0. No gradient flows.
    static func compare(_ a: Tensor, _ b: Tensor, op: String, _ holds: (Scalar, Scalar) -> Bool) -> Tensor {
        let (shape, values) = broadcastElementwise(a, b, op: op) { holds($0, $1) ? 1 : 0 }
        return Tensor(values, shape: shape)
    }

    /// 1 where `a > b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".>", >) }
    /// 1 where `a < b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".<", <) }
    /// 1 where `a ≥ b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".>=", >=) }
    /// 1 where `a ≤ b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".<=", <=) }
    /// 1 where `a = b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".==", ==) }
    /// 1 where `a ≠ b`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, op: ".!=", !=) }

    /// 1 where the element is greater than `b`, else 0.
    public static func .> (a: Tensor, b: Scalar) -> Tensor { a .> Tensor(scalar: b) }
    /// 1 where the element is less than `b`, else 0.
    public static func .< (a: Tensor, b: Scalar) -> Tensor { a .< Tensor(scalar: b) }
    /// 1 where the element is at least `b`, else 0.
    public static func .>= (a: Tensor, b: Scalar) -> Tensor { a .>= Tensor(scalar: b) }
    /// 1 where the element is at most `b`, else 0.
    public static func .<= (a: Tensor, b: Scalar) -> Tensor { a .<= Tensor(scalar: b) }
    /// 1 where the element equals `b`, else 0.
    public static func .== (a: Tensor, b: Scalar) -> Tensor { a .== Tensor(scalar: b) }
    /// 1 where the element differs from `b`, else 0.
    public static func .!= (a: Tensor, b: Scalar) -> Tensor { a .!= Tensor(scalar: b) }

    /// Picks `a` where `condition` is non-zero and `b` elsewhere, all three broadcast together.
    ///
    /// Derivative: the gradient flows to `a` where the condition holds and to `b` elsewhere; the
    /// condition gets none.
    ///
    /// ```swift
    /// let clipped = Tensor.where(x .> 0, x, Tensor(scalar: 0))   // relu by hand
    /// ```
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let mask = (condition .!= 0).expanded(to: Shape.broadcast(condition.shape, Shape.broadcast(a.shape, b.shape, op: "where"), op: "where"))
        let shape = mask.shape
        let left = withNoGrad { a.expanded(to: shape) }, right = withNoGrad { b.expanded(to: shape) }
        let values = (0..<mask.count).map { mask.storage[$0] != 0 ? left.storage[$0] : right.storage[$0] }
        return .result(of: "where", inputs: [a, b], shape: shape, storage: values) { g in
            // Selected, not multiplied by the mask, so an infinite gradient on one side gives no NaN on the other.
            let zeros = Tensor(zeros: shape)
            return [.dense(Tensor.where(mask, g, zeros).sum(toShape: a.shape)),
                    .dense(Tensor.where(mask, zeros, g).sum(toShape: b.shape))]
        }
    }
}

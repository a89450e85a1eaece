// Elementwise functions. Each derivative is written beside its forward formula and uses the
// output `y` where that is cheaper than recomputing from `x`.

extension Tensor {
    /// `eˣ`. Derivative: `eˣ = y`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func exp() -> Tensor {
        let y = Tensor(storage.map { Scalar.exp($0) }, shape: shape)
        return .result(of: "exp", inputs: [self], shape: shape, storage: y.storage) { g in
            [.dense(g * y)]
        }
    }

    /// `ln x`. Derivative: `1 / x`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func log() -> Tensor {
        .result(of: "log", inputs: [self], shape: shape, storage: storage.map { Scalar.log($0) }) { g in
            [.dense(g / self)]
        }
    }

    /// `√x`. Derivative: `1 / (2√x) = 1 / (2y)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sqrt() -> Tensor {
        let y = Tensor(storage.map { $0.squareRoot() }, shape: shape)
        return .result(of: "sqrt", inputs: [self], shape: shape, storage: y.storage) { g in
            [.dense(g / (2 * y))]
        }
    }

    /// `xᵖ` for a constant exponent. Derivative: `p · xᵖ⁻¹`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pow(_ exponent: Scalar) -> Tensor {
        .result(of: "pow", details: "\(exponent)", inputs: [self], shape: shape,
                storage: storage.map { Self.power($0, exponent) }) { g in
            // x⁰ is 1 everywhere, so its derivative is 0 everywhere, also at x = 0 where 0 · x⁻¹ is NaN.
            exponent == 0 ? [.dense(Tensor(zeros: self.shape))] : [.dense(g * exponent * self.pow(exponent - 1))]
        }
    }

    /// `aᵇ` elementwise with broadcasting, for positive `a` where `b` needs a gradient.
    /// Derivatives: `b · aᵇ⁻¹` for `a`, `aᵇ · ln a` for `b`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func pow(_ exponent: Tensor) -> Tensor {
        let (shape, values) = Self.broadcastElementwise(self, exponent, op: "pow", Self.power)
        let y = Tensor(values, shape: shape)
        return .result(of: "pow", inputs: [self, exponent], shape: shape, storage: values) { g in
            [.dense(Tensor.where(exponent .== 0, Tensor(scalar: 0), g * exponent * self.pow(exponent - 1)).sum(toShape: self.shape)),
             // As PyTorch: where the base is 0 and the exponent ≥ 0 the exponent's gradient is 0, not 0 · log 0.
             exponent.requiresGrad ? .dense(Tensor.where((self .== 0) * (exponent .>= 0), Tensor(scalar: 0), g * y * self.log())
                .sum(toShape: exponent.shape)) : nil]
        }
    }

    /// `tanh x`. Derivative: `1 − tanh² x = 1 − y²`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func tanh() -> Tensor {
        let y = Tensor(storage.map { Scalar.tanh($0) }, shape: shape)
        return .result(of: "tanh", inputs: [self], shape: shape, storage: y.storage) { g in
            [.dense(g * (1 - y * y))]
        }
    }

    /// The logistic function `σ(x) = 1 / (1 + e⁻ˣ)`, computed without overflow.
    /// Derivative: `σ(x)(1 − σ(x)) = y(1 − y)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sigmoid() -> Tensor {
        let y = Tensor(storage.map(Self.logistic), shape: shape)
        return .result(of: "sigmoid", inputs: [self], shape: shape, storage: y.storage) { g in
            [.dense(g * y * (1 - y))]
        }
    }

    /// `softplus(x) = log(1 + eˣ)`, computed as `max(x, 0) + log(1 + e^−|x|)` so it never overflows.
    /// Derivative: `σ(x)`. Note `−log σ(x) = softplus(−x)`, the stable form of BPR-style losses.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softplus() -> Tensor {
        let values = storage.map { Swift.max($0, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs($0))) }
        return .result(of: "softplus", inputs: [self], shape: shape, storage: values) { g in
            [.dense(g * self.sigmoid())]
        }
    }

    /// `max(x, 0)`. Derivative: 1 where `x > 0`, else 0.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func relu() -> Tensor {
        .result(of: "relu", inputs: [self], shape: shape, storage: storage.map { Swift.max($0, 0) }) { g in
            // Selected, not multiplied by the mask: an infinite upstream gradient where x ≤ 0 gives 0, not NaN.
            // PyTorch's rule, `x ≤ 0 ? 0 : g`, also passes the gradient through at a NaN input.
            [.dense(Tensor(zip(self.storage, g.storage).map { x, g in x <= 0 ? 0 : g }, shape: self.shape))]
        }
    }

    /// The exponential linear unit: `x` for `x > 0`, else `α(eˣ − 1)`.
    /// Derivative: 1 for `x > 0`, else `αeˣ = y + α`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func elu(alpha: Scalar = 1) -> Tensor {
        let y = Tensor(storage.map { $0 > 0 ? $0 : alpha * (Scalar.exp($0) - 1) }, shape: shape)
        return .result(of: "elu", details: "α = \(alpha)", inputs: [self], shape: shape, storage: y.storage) { g in
            // Selected per element, so a gradient that is infinite where the other branch applies gives no NaN.
            let slopes = zip(self.storage, y.storage).map { x, y in x <= 0 ? y + alpha : 1 }
            return [.dense(Tensor(zip(g.storage, slopes).map { g, slope in slope == 1 ? g : g * slope }, shape: self.shape))]
        }
    }

    /// `xᵖ` for one scalar; integral exponents also work for negative `x` (`(−2)² = 4`).
    static func power(_ x: Scalar, _ p: Scalar) -> Scalar {
        if p == p.rounded() && Swift.abs(p) < 1_000_000 { return Scalar.pow(x, Int(p)) }
        return Scalar.pow(x, p)
    }

    /// `σ(x)` for one scalar: `1 / (1 + e⁻ˣ)` for `x ≥ 0`, `eˣ / (1 + eˣ)` otherwise, so `e^|x|`
    /// never overflows.
    static func logistic(_ x: Scalar) -> Scalar {
        if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
        let e = Scalar.exp(x)
        return e / (1 + e)
    }
}

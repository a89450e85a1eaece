// Softmax and log-softmax, composed from `logSumExp` so their derivatives need no new rule.

extension Tensor {
    /// `softmax(x)ᵢ = exp(xᵢ − logΣⱼexp(xⱼ))` along `axis`: positive values that sum to 1.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func softmax(axis: Int = -1) -> Tensor {
        logSoftmax(axis: axis).exp()
    }

    /// `log softmax(x)ᵢ = xᵢ − logΣⱼexp(xⱼ)` along `axis`, without forming `softmax` first
    /// (so it stays finite where `softmax` underflows to 0).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func logSoftmax(axis: Int = -1) -> Tensor {
        self - logSumExp(axes: [axis], keepDims: true)
    }
}

import Nabla

extension Tensor {
    /// Softmax along `axis` over the positions where `mask` is non-zero; masked positions get
    /// weight 0.
    ///
    ///     αᵢ = mᵢ e^(sᵢ − s*) / Σⱼ mⱼ e^(sⱼ − s*)      s* = the largest kept score
    ///
    /// Composed from primitive ops (`where`, `exp`, `sum`, `/`), so it can be drawn and
    /// gradient-checked. The shift `s*` is a constant (softmax does not change when every score
    /// moves by the same amount): it keeps every exponential at most 1 and the largest at
    /// exactly 1, so the sum never underflows, whatever the masked positions hold.
    ///
    /// A slice with no kept position (an empty window) has every weight 0, not NaN: its
    /// denominator is 1, and its gradient is 0.
    ///
    /// ```swift
    /// let scores = Tensor<Float>(rows: [[1, 2, 3], [5, 0, 0]])
    /// let mask = Tensor<Float>(rows: [[0, 1, 1], [0, 0, 0]])
    /// scores.maskedSoftmax(mask: mask, axis: 1)   // [[0, 0.27, 0.73], [0, 0, 0]]
    /// ```
    ///
    /// - Parameters:
    ///   - mask: 1 (kept) or 0 (masked), broadcastable to the scores' shape; no gradient flows to it.
    ///   - axis: the axis the weights sum to 1 along (negative counts from the end).
    /// - Returns: weights of the scores' shape, summing to 1 along `axis` where any position is
    ///   kept, and to 0 where none is.
    public func maskedSoftmax(mask: Tensor, axis: Int = -1) -> Tensor {
        let isKept = (mask .!= 0).expanded(to: shape)
        let anyKept = isKept.max(axes: [axis], keepDims: true)
        let shift = withNoGrad {
            let largestKept = Tensor.where(isKept, self, Tensor(scalar: -Scalar.greatestFiniteMagnitude)).max(axes: [axis], keepDims: true)
            return Tensor.where(anyKept, largestKept, Tensor(scalar: 0))
        }
        // Masked positions read 0 before `exp`, so nothing overflows, and are zeroed after it.
        let exponentials = Tensor.where(isKept, self - shift, Tensor(scalar: 0)).exp() * isKept
        return exponentials / (exponentials.sum(axes: [axis], keepDims: true) + (1 - anyKept))
    }
}

import Nabla

// The GRU cell built from primitive ops: every gate is its own node in the graph, so the
// drawing shows r, z and the candidate, and the derivatives come from the ops themselves.

extension GRUCell {
    /// One step from primitive ops, in the cell's formulation.
    func composedStep(_ x: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        switch formulation {
        case .original: return composedOriginalStep(x, h)
        case .pytorch: return composedPyTorchStep(x, h)
        }
    }

    /// `z = σ(W_z x + U_z h + b_z)`, `r = σ(W_r x + U_r h + b_r)`,
    /// `h̃ = tanh(W x + U (r ⊙ h) + b)`, `h' = (1 − z) ⊙ h + z ⊙ h̃`.
    private func composedOriginalStep(_ x: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputParts = (matmul(x, weightIH, transposeB: true) + biasIH).chunked(into: 3, axis: 1)
        let recurrent = weightHH.chunked(into: 3, axis: 0)
        let r = withScope("r") { (inputParts[0] + matmul(h, recurrent[0], transposeB: true)).sigmoid() }
        let z = withScope("z") { (inputParts[1] + matmul(h, recurrent[1], transposeB: true)).sigmoid() }
        let candidate = withScope("candidate") { (inputParts[2] + matmul(r * h, recurrent[2], transposeB: true)).tanh() }
        return (1 - z) * h + z * candidate
    }

    /// `r = σ(W_r x + b_ir + U_r h + b_hr)`, `z = σ(W_z x + b_iz + U_z h + b_hz)`,
    /// `n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`.
    private func composedPyTorchStep(_ x: Tensor<Scalar>, _ h: Tensor<Scalar>) -> Tensor<Scalar> {
        let inputParts = (matmul(x, weightIH, transposeB: true) + biasIH).chunked(into: 3, axis: 1)
        let hiddenParts = (matmul(h, weightHH, transposeB: true) + biasHH!).chunked(into: 3, axis: 1)
        let r = withScope("r") { (inputParts[0] + hiddenParts[0]).sigmoid() }
        let z = withScope("z") { (inputParts[1] + hiddenParts[1]).sigmoid() }
        let n = withScope("n") { (inputParts[2] + r * hiddenParts[2]).tanh() }
        return (1 - z) * n + z * h
    }
}

import Nabla

/// The recurrent half of a GRU step: given the input's contribution to the gates,
/// `inputGates = x · W_ihᵀ + b_ih` (`[B, 3H]`, blocks r, z, n), and the state `h`, compute `h'`.
///
/// Splitting the step this way lets a layer feed the gates from anything: a matrix product for
/// dense inputs, or a row lookup for one-hot inputs (GRU4Rec's one-hot mode), whose gradient then
/// stays row-sparse. Both implementations below compute the same function.
public enum GRURecurrence {}

// The recurrence built from primitive ops: every gate is its own node in the graph, so the
// drawing shows r, z and the candidate, and the derivatives come from the ops themselves.

extension GRURecurrence {
    /// One step from primitive ops, each gate in its own scope (`r`, `z`, `n` or `candidate`).
    ///
    /// - Parameters:
    ///   - formulation: the equations (see ``GRUFormulation``).
    ///   - inputGates: `x · W_ihᵀ + b_ih`, `[B, 3H]`.
    ///   - h: the state, `[B, H]`.
    ///   - weightHH: `[3H, H]`.
    ///   - biasHH: `[3H]` for the PyTorch formulation, `nil` for the original.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func composed<Scalar>(
        _ formulation: GRUFormulation, inputGates: Tensor<Scalar>, state h: Tensor<Scalar>,
        weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>?
    ) -> Tensor<Scalar> {
        let inputParts = inputGates.chunked(into: 3, axis: 1)
        switch formulation {
        case .original:
            // z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r),
            // h̃ = tanh(W x + U (r ⊙ h) + b), h' = (1 − z) ⊙ h + z ⊙ h̃
            let recurrent = weightHH.chunked(into: 3, axis: 0)
            let r = withScope("r") { (inputParts[0] + matmul(h, recurrent[0], transposeB: true)).sigmoid() }
            let z = withScope("z") { (inputParts[1] + matmul(h, recurrent[1], transposeB: true)).sigmoid() }
            let candidate = withScope("candidate") {
                (inputParts[2] + matmul(r * h, recurrent[2], transposeB: true)).tanh()
            }
            return (1 - z) * h + z * candidate
        case .pytorch:
            // r = σ(W_r x + b_ir + U_r h + b_hr), z = σ(W_z x + b_iz + U_z h + b_hz),
            // n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h
            guard let biasHH else { misuse("GRURecurrence", "the PyTorch formulation needs biasHH") }
            let hiddenParts = (matmul(h, weightHH, transposeB: true) + biasHH).chunked(into: 3, axis: 1)
            let r = withScope("r") { (inputParts[0] + hiddenParts[0]).sigmoid() }
            let z = withScope("z") { (inputParts[1] + hiddenParts[1]).sigmoid() }
            let n = withScope("n") { (inputParts[2] + r * hiddenParts[2]).tanh() }
            return (1 - z) * n + z * h
        }
    }
}

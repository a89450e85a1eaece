/// Which equations a GRU cell computes. Both keep the gate blocks in the order (r, z, n).
public enum GRUFormulation: String, Sendable, CaseIterable {
    /// Cho et al. (2014), as in the GRU4Rec paper and its original Theano code:
    ///
    ///     z  = σ(W_z x + U_z h + b_z)
    ///     r  = σ(W_r x + U_r h + b_r)
    ///     h̃  = tanh(W x + U (r ⊙ h) + b)
    ///     h' = (1 − z) ⊙ h + z ⊙ h̃
    ///
    /// The reset gate acts **before** the recurrent product, and there is one bias per gate.
    case original

    /// PyTorch's `torch.nn.GRUCell`, used by the official PyTorch GRU4Rec:
    ///
    ///     r  = σ(W_r x + b_ir + U_r h + b_hr)
    ///     z  = σ(W_z x + b_iz + U_z h + b_hz)
    ///     n  = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))
    ///     h' = (1 − z) ⊙ n + z ⊙ h
    ///
    /// The reset gate acts **after** the recurrent product, there are input and hidden biases,
    /// and `z` keeps the old state rather than taking the new one.
    case pytorch
}

/// How a GRU cell is computed: both give the same numbers (a test proves it).
public enum GRUImplementation: String, Sendable, CaseIterable {
    /// From primitive ops: every gate is a node in the graph, for learning and drawing.
    case composed
    /// One op with a hand-written backward pass: fewer allocations, the fast path.
    case fused
}

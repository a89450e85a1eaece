/// What the first layer of a GRU reads.
public enum GRUInput: Sendable, Equatable {
    /// Dense vectors of this size: the input gates are `x · W_ihᵀ + b_ih`.
    case vectors(size: Int)
    /// Item indices out of this many items (one-hot input). A one-hot `x` times `W_ihᵀ` is a row
    /// of `W_ihᵀ`, so the weights are stored transposed as a lookup table `[items, 3H]`, named
    /// `inputTable`, and looked up: their gradient is row-sparse, like an embedding's.
    case items(count: Int)
}

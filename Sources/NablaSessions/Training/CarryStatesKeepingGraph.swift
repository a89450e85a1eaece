import Nabla

/// States for the slots of a new step, like `carryStates(_:along:)`, but recorded in the graph:
/// a slot that continues a session gathers its rows from the previous step's states, so a
/// backward pass through a later step reaches the earlier ones, and a slot that a new session
/// takes starts from a constant zero row, so no gradient crosses the session boundary. A
/// session that ended has no slot left, so nothing later reaches its states either.
///
/// The values are exactly those of `carryStates(_:along:)`; only the graph differs. The
/// trainer uses it inside a window of truncated backpropagation through time
/// (``SessionTrainingOptions/bpttSteps``).
///
/// - Parameters:
///   - states: the states after the previous step, each `[previous slots, width]`.
///   - previousSlot: for each new slot, the previous slot it continues, or `nil`.
/// - Returns: states `[previousSlot.count, width]`, differentiable with respect to `states`.
public func carryStatesKeepingGraph<Scalar: TensorScalar>(_ states: [Tensor<Scalar>], along previousSlot: [Int?]) -> [Tensor<Scalar>] {
    states.map { state in
        if !state.requiresGrad { return carryStates([state], along: previousSlot)[0] }
        if previousSlot.allSatisfy({ $0 != nil }) { return state.gather(rows: previousSlot.map { $0! }) }
        // One zero row after the previous slots: new sessions gather it.
        let zeroRow = state.shape[0]
        let zeros = Tensor<Scalar>(zeros: [1, state.shape[1]])
        zeros.name = "zero state of a new session"
        let padded = concat([state, zeros], axis: 0)
        return padded.gather(rows: previousSlot.map { $0 ?? zeroRow })
    }
}

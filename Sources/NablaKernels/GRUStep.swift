import CNablaKernels

/// The gates and new state of one GRU step in PyTorch's formulation, as ``gruStep(inputGates:hiddenGates:state:batch:size:)``
/// returns them: each `[batch, size]`, row by row.
public struct GRUStepValues<Scalar: KernelScalar> {
    /// The reset gate `r = σ(i_r + h_r)`.
    public var reset: [Scalar]
    /// The update gate `z = σ(i_z + h_z)`.
    public var update: [Scalar]
    /// The candidate `n = tanh(i_n + r ⊙ h_n)`.
    public var candidate: [Scalar]
    /// The hidden side of the candidate's pre-activation, `h_n` (the recurrent product plus its bias).
    public var hiddenCandidate: [Scalar]
    /// The new state `h' = (1 − z) ⊙ n + z ⊙ h`.
    public var output: [Scalar]

    /// The values of one step, each `[batch, size]`.
    @inlinable
    public init(reset: [Scalar], update: [Scalar], candidate: [Scalar], hiddenCandidate: [Scalar], output: [Scalar]) {
        (self.reset, self.update, self.candidate, self.hiddenCandidate, self.output) = (reset, update, candidate, hiddenCandidate, output)
    }
}

/// The elementwise part of a GRU step in PyTorch's formulation: from the input gates
/// `x W_ihᵀ + b_ih` and the hidden gates `h W_hhᵀ + b_hh` (each `[batch, 3 · size]`, reset,
/// update and candidate columns) and the state `h` (`[batch, size]`), the gates and the new state.
///
/// The sigmoid and tanh are ``VectorKernels/sigmoid(_:)`` and ``VectorKernels/tanh(_:)``; every
/// other value is computed in the order of the formulas above. Rows are split between the
/// compute threads, which changes no value.
@inlinable
public func gruStep<Scalar: KernelScalar>(
    inputGates: [Scalar], hiddenGates: [Scalar], state: [Scalar], batch: Int, size: Int
) -> GRUStepValues<Scalar> {
    let cells = batch * size
    if batch < 0 || size < 0 || inputGates.count != 3 * cells || hiddenGates.count != 3 * cells || state.count != cells {
        kernelMisuse("gruStep", "input gates of \(inputGates.count), hidden gates of \(hiddenGates.count) and a state of "
            + "\(state.count) do not fit [\(batch), \(3 * size)], [\(batch), \(3 * size)] and [\(batch), \(size)]")
    }
    var r = uninitialised(Scalar.self, cells), z = r, n = r, hiddenN = r, output = r
    // Rows are independent and each value is computed alike wherever its row falls, so with two
    // compute threads each takes half of the rows.
    if cells > 0 {
        inputGates.withUnsafeBufferPointer { i in hiddenGates.withUnsafeBufferPointer { h in state.withUnsafeBufferPointer { s in
            r.withUnsafeMutableBufferPointer { r in z.withUnsafeMutableBufferPointer { z in n.withUnsafeMutableBufferPointer { n in
                hiddenN.withUnsafeMutableBufferPointer { hiddenN in output.withUnsafeMutableBufferPointer { output in
                    let (i, h, s) = (i.baseAddress!, h.baseAddress!, s.baseAddress!)
                    let (r, z, n, hiddenN, output) = (r.baseAddress!, z.baseAddress!, n.baseAddress!, hiddenN.baseAddress!, output.baseAddress!)
                    ComputeThreads.forEachRange(batch, minimumPerThread: 8) { rows in
                        let (gate, cell, count) = (rows.lowerBound * 3 * size, rows.lowerBound * size, Int64(rows.count))
                        if Scalar.self == Float.self {
                            nabla_gru_step_f32(raw(i + gate, as: Float.self), raw(h + gate, as: Float.self), raw(s + cell, as: Float.self),
                                               count, Int64(size), raw(r + cell, as: Float.self), raw(z + cell, as: Float.self),
                                               raw(n + cell, as: Float.self), raw(hiddenN + cell, as: Float.self), raw(output + cell, as: Float.self))
                        } else {
                            nabla_gru_step_f64(raw(i + gate, as: Double.self), raw(h + gate, as: Double.self), raw(s + cell, as: Double.self),
                                               count, Int64(size), raw(r + cell, as: Double.self), raw(z + cell, as: Double.self),
                                               raw(n + cell, as: Double.self), raw(hiddenN + cell, as: Double.self),
                                               raw(output + cell, as: Double.self))
                        }
                    }
                } }
            } } }
        } } }
    }
    return GRUStepValues(reset: r, update: z, candidate: n, hiddenCandidate: hiddenN, output: output)
}

/// The backward of ``gruStep(inputGates:hiddenGates:state:batch:size:)`` from the upstream
/// gradient `dh'` of the new state:
///
///     dz = dh' ⊙ (h − n),  dn = dh' ⊙ (1 − z),  dh = dh' ⊙ z
///     da_n = dn ⊙ (1 − n²),  da_z = dz ⊙ z ⊙ (1 − z),  da_r = da_n ⊙ h_n ⊙ r ⊙ (1 − r)
///
/// Returns the gradient of the input gates `[da_r, da_z, da_n]` and of the hidden gates
/// `[da_r, da_z, da_n ⊙ r]` (each `[batch, 3 · size]`), and `dh`, the part of the state's
/// gradient that does not pass through the hidden gates (`[batch, size]`).
@inlinable
public func gruStepGradients<Scalar: KernelScalar>(
    upstream: [Scalar], state: [Scalar], step: GRUStepValues<Scalar>, batch: Int, size: Int
) -> (inputGates: [Scalar], hiddenGates: [Scalar], state: [Scalar]) {
    let cells = batch * size
    if batch < 0 || size < 0 || upstream.count != cells || state.count != cells || step.reset.count != cells
        || step.update.count != cells || step.candidate.count != cells || step.hiddenCandidate.count != cells {
        kernelMisuse("gruStepGradients", "an upstream gradient of \(upstream.count), a state of \(state.count) and gates of "
            + "\(step.reset.count) do not fit [\(batch), \(size)]")
    }
    var inputSide = uninitialised(Scalar.self, 3 * cells), hiddenSide = inputSide, stateGradient = uninitialised(Scalar.self, cells)
    // Rows are independent, but this pass is light: it is split between the compute threads only
    // for large batches (a batch of 32 rows of 100 took 12 µs on one thread beside the other and
    // 14 µs split, measured inside training).
    if cells > 0 {
        upstream.withUnsafeBufferPointer { g in state.withUnsafeBufferPointer { s in
            step.reset.withUnsafeBufferPointer { r in step.update.withUnsafeBufferPointer { z in
                step.candidate.withUnsafeBufferPointer { n in step.hiddenCandidate.withUnsafeBufferPointer { hiddenN in
                    inputSide.withUnsafeMutableBufferPointer { inputSide in hiddenSide.withUnsafeMutableBufferPointer { hiddenSide in
                        stateGradient.withUnsafeMutableBufferPointer { stateGradient in
                            let (g, s, r, z, n, hiddenN) = (g.baseAddress!, s.baseAddress!, r.baseAddress!, z.baseAddress!,
                                                            n.baseAddress!, hiddenN.baseAddress!)
                            let (inputSide, hiddenSide, stateGradient) = (inputSide.baseAddress!, hiddenSide.baseAddress!,
                                                                          stateGradient.baseAddress!)
                            ComputeThreads.forEachRange(batch, minimumPerThread: Swift.max(8, 16_384 / Swift.max(size, 1))) { rows in
                                let (gate, cell, count) = (rows.lowerBound * 3 * size, rows.lowerBound * size, Int64(rows.count))
                                if Scalar.self == Float.self {
                                    nabla_gru_step_gradients_f32(
                                        raw(g + cell, as: Float.self), raw(s + cell, as: Float.self), raw(r + cell, as: Float.self),
                                        raw(z + cell, as: Float.self), raw(n + cell, as: Float.self), raw(hiddenN + cell, as: Float.self),
                                        count, Int64(size), raw(inputSide + gate, as: Float.self), raw(hiddenSide + gate, as: Float.self),
                                        raw(stateGradient + cell, as: Float.self))
                                } else {
                                    nabla_gru_step_gradients_f64(
                                        raw(g + cell, as: Double.self), raw(s + cell, as: Double.self), raw(r + cell, as: Double.self),
                                        raw(z + cell, as: Double.self), raw(n + cell, as: Double.self), raw(hiddenN + cell, as: Double.self),
                                        count, Int64(size), raw(inputSide + gate, as: Double.self), raw(hiddenSide + gate, as: Double.self),
                                        raw(stateGradient + cell, as: Double.self))
                                }
                            }
                        }
                    } }
                } }
            } }
        } }
    }
    return (inputSide, hiddenSide, stateGradient)
}

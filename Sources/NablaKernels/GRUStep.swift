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
/// The sigmoid and tanh are ``VectorKernels/sigmoid(_:)`` and ``VectorKernels/tanh(_:)`` over the
/// whole gate arrays; every other value is computed in the order of the formulas above.
@inlinable
public func gruStep<Scalar: KernelScalar>(
    inputGates: [Scalar], hiddenGates: [Scalar], state: [Scalar], batch: Int, size: Int
) -> GRUStepValues<Scalar> {
    let cells = batch * size
    if batch < 0 || size < 0 || inputGates.count != 3 * cells || hiddenGates.count != 3 * cells || state.count != cells {
        kernelMisuse("gruStep", "input gates of \(inputGates.count), hidden gates of \(hiddenGates.count) and a state of "
            + "\(state.count) do not fit [\(batch), \(3 * size)], [\(batch), \(3 * size)] and [\(batch), \(size)]")
    }
    if Scalar.self == Float.self {
        var r = uninitialised(Float.self, cells), z = uninitialised(Float.self, cells), n = uninitialised(Float.self, cells)
        var hiddenN = uninitialised(Float.self, cells), output = uninitialised(Float.self, cells)
        if cells > 0 {
            nabla_gru_step_f32(floats(inputGates), floats(hiddenGates), floats(state), Int64(batch), Int64(size),
                               &r, &z, &n, &hiddenN, &output)
        }
        return GRUStepValues(reset: asScalars(r), update: asScalars(z), candidate: asScalars(n), hiddenCandidate: asScalars(hiddenN),
                             output: asScalars(output))
    } else {
        var r = uninitialised(Double.self, cells), z = uninitialised(Double.self, cells), n = uninitialised(Double.self, cells)
        var hiddenN = uninitialised(Double.self, cells), output = uninitialised(Double.self, cells)
        if cells > 0 {
            nabla_gru_step_f64(doubles(inputGates), doubles(hiddenGates), doubles(state), Int64(batch), Int64(size),
                               &r, &z, &n, &hiddenN, &output)
        }
        return GRUStepValues(reset: asScalars(r), update: asScalars(z), candidate: asScalars(n), hiddenCandidate: asScalars(hiddenN),
                             output: asScalars(output))
    }
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
    if Scalar.self == Float.self {
        var inputSide = uninitialised(Float.self, 3 * cells), hiddenSide = uninitialised(Float.self, 3 * cells)
        var stateGradient = uninitialised(Float.self, cells)
        if cells > 0 {
            nabla_gru_step_gradients_f32(
                floats(upstream), floats(state), floats(step.reset), floats(step.update), floats(step.candidate),
                floats(step.hiddenCandidate), Int64(batch), Int64(size), &inputSide, &hiddenSide, &stateGradient)
        }
        return (asScalars(inputSide), asScalars(hiddenSide), asScalars(stateGradient))
    } else {
        var inputSide = uninitialised(Double.self, 3 * cells), hiddenSide = uninitialised(Double.self, 3 * cells)
        var stateGradient = uninitialised(Double.self, cells)
        if cells > 0 {
            nabla_gru_step_gradients_f64(
                doubles(upstream), doubles(state), doubles(step.reset), doubles(step.update), doubles(step.candidate),
                doubles(step.hiddenCandidate), Int64(batch), Int64(size), &inputSide, &hiddenSide, &stateGradient)
        }
        return (asScalars(inputSide), asScalars(hiddenSide), asScalars(stateGradient))
    }
}

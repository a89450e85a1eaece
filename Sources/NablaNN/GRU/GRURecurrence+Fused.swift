import Nabla
import NablaKernels

// The recurrence as one op with a hand-written backward pass. It computes exactly what the
// composed recurrence computes (tests compare outputs and every gradient in Double), with one or
// two matrix products forward and a few backward, and no intermediate graph nodes.

extension GRURecurrence {
    /// One step as a single recorded op (`gru.pytorch` or `gru.original`) with the same inputs
    /// and result as ``composed(_:inputGates:state:weightHH:biasHH:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func fused<Scalar>(
        _ formulation: GRUFormulation, inputGates: Tensor<Scalar>, state h: Tensor<Scalar>,
        weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>?
    ) -> Tensor<Scalar> {
        switch formulation {
        case .original:
            return fusedOriginal(inputGates: inputGates, state: h, weightHH: weightHH)
        case .pytorch:
            guard let biasHH else { misuse("GRURecurrence", "the PyTorch formulation needs biasHH") }
            return fusedPyTorch(inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH)
        }
    }

    /// One step of the PyTorch formulation from vectors `x`, as ``fused(_:inputGates:state:weightHH:biasHH:)``
    /// with `inputGates = x · W_ihᵀ + b_ih`: the input and hidden products are independent, so
    /// with two compute threads they run at the same time.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func fusedPyTorch<Scalar>(
        _ x: Tensor<Scalar>, state h: Tensor<Scalar>, weightIH: Tensor<Scalar>, biasIH: Tensor<Scalar>,
        weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>
    ) -> Tensor<Scalar> {
        let (state, recurrent, recurrentBias) = (h.scalars, weightHH.scalars, biasHH.scalars)
        // The calling thread records the input side's ops; the hidden side is plain arithmetic.
        let (inputGates, hiddenGates) = ComputeThreads.both(
            { matmul(x, weightIH, transposeB: true) + biasIH },
            { hiddenGatesPyTorch(state: state, batch: h.shape[0], weightHH: recurrent, biasHH: recurrentBias) })
        return fusedPyTorch(inputGates: inputGates, state: h, weightHH: weightHH, biasHH: biasHH, hiddenGates: hiddenGates)
    }

    /// `h · W_hhᵀ + b_hh`, `[batch, 3H]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func hiddenGatesPyTorch<Scalar: TensorScalar>(
        state: [Scalar], batch: Int, weightHH: [Scalar], biasHH: [Scalar]
    ) -> [Scalar] {
        let size = biasHH.count / 3
        var gates = gemm(transposeA: false, transposeB: true, m: batch, n: 3 * size, k: size, a: state, b: weightHH)
        addRowVector(biasHH, to: &gates, columns: 3 * size)
        return gates
    }

    /// The PyTorch formulation; saves r, z, n and `U_n h + b_hn` for the backward pass.
    ///
    /// Backward, from `dh'`: `dz = dh' ⊙ (h − n)`, `dn = dh' ⊙ (1 − z)`, `dh = dh' ⊙ z`;
    /// through the activations `da_n = dn ⊙ (1 − n²)`, `da_z = dz ⊙ z(1 − z)`,
    /// `da_r = (da_n ⊙ (U_n h + b_hn)) ⊙ r(1 − r)`. The input side receives
    /// `[da_r, da_z, da_n]` and the hidden side `[da_r, da_z, da_n ⊙ r]`; matrix products give
    /// the weight, bias, input and state gradients.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func fusedPyTorch<Scalar>(
        inputGates gatesTensor: Tensor<Scalar>, state h: Tensor<Scalar>, weightHH: Tensor<Scalar>, biasHH: Tensor<Scalar>,
        hiddenGates precomputed: [Scalar]? = nil
    ) -> Tensor<Scalar> {
        let batch = h.shape[0], size = h.shape[1]
        let inputGates = gatesTensor.scalars
        let hiddenGates = precomputed ?? hiddenGatesPyTorch(state: h.scalars, batch: batch, weightHH: weightHH.scalars,
                                                             biasHH: biasHH.scalars)

        let state = h.scalars
        // The gates and the new state, elementwise (a vector kernel); saved for the backward pass.
        let step = gruStep(inputGates: inputGates, hiddenGates: hiddenGates, state: state, batch: batch, size: size)

        return Tensor(op: "gru.pytorch", inputs: [gatesTensor, h, weightHH, biasHH],
                      shape: [batch, size], scalars: step.output) { upstream in
            let (inputSide, hiddenSide, bypass) = gruStepGradients(
                upstream: upstream.scalars, state: state, step: step, batch: batch, size: size)
            var stateGradient = bypass
            // The two products are independent: with two threads they run at the same time.
            let (recurrentPart, weightHHGradient) = ComputeThreads.both(
                { gemm(transposeA: false, transposeB: false, m: batch, n: size, k: 3 * size, a: hiddenSide, b: weightHH.scalars) },
                { gemm(transposeA: true, transposeB: false, m: 3 * size, n: size, k: batch, a: hiddenSide, b: state) })
            for i in stateGradient.indices { stateGradient[i] += recurrentPart[i] }
            return [
                .dense(Tensor(inputSide, shape: [batch, 3 * size])),
                .dense(Tensor(stateGradient, shape: [batch, size])),
                .dense(Tensor(weightHHGradient, shape: [3 * size, size])),
                .dense(Tensor(columnSums(hiddenSide, columns: 3 * size), shape: [3 * size])),
            ]
        }
    }

    /// The original formulation; saves r, z, the candidate h̃ and `r ⊙ h` for the backward pass.
    ///
    /// Backward, from `dh'`: `dz = dh' ⊙ (h̃ − h)`, `dh̃ = dh' ⊙ z`, `dh = dh' ⊙ (1 − z)`;
    /// `da_c = dh̃ ⊙ (1 − h̃²)`, `d(r ⊙ h) = da_c · U`, so `dr = d(r ⊙ h) ⊙ h` and
    /// `dh += d(r ⊙ h) ⊙ r`; `da_r = dr ⊙ r(1 − r)`, `da_z = dz ⊙ z(1 − z)`, and
    /// `dh += [da_r, da_z] · [U_r; U_z]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func fusedOriginal<Scalar>(
        inputGates gatesTensor: Tensor<Scalar>, state h: Tensor<Scalar>, weightHH: Tensor<Scalar>
    ) -> Tensor<Scalar> {
        let batch = h.shape[0], size = h.shape[1]
        let inputGates = gatesTensor.scalars
        let recurrent = weightHH.scalars
        let gatesRecurrent = Array(recurrent[0..<(2 * size * size)])              // [U_r; U_z], [2H, H]
        let candidateRecurrent = Array(recurrent[(2 * size * size)...])           // U, [H, H]
        let state = h.scalars
        let hiddenGates = gemm(transposeA: false, transposeB: true, m: batch, n: 2 * size, k: size,
                               a: state, b: gatesRecurrent)

        var r = [Scalar](repeating: 0, count: batch * size), z = r, resetState = r
        for b in 0..<batch {
            for j in 0..<size {
                let cell = b * size + j
                r[cell] = inputGates[b * 3 * size + j] + hiddenGates[b * 2 * size + j]
                z[cell] = inputGates[b * 3 * size + size + j] + hiddenGates[b * 2 * size + size + j]
            }
        }
        VectorKernels.sigmoid(&r)
        VectorKernels.sigmoid(&z)
        for cell in resetState.indices { resetState[cell] = r[cell] * state[cell] }
        let candidateRecurrentPart = gemm(transposeA: false, transposeB: true, m: batch, n: size, k: size,
                                          a: resetState, b: candidateRecurrent)
        var candidate = r, output = r
        for b in 0..<batch {
            for j in 0..<size {
                let cell = b * size + j
                candidate[cell] = inputGates[b * 3 * size + 2 * size + j] + candidateRecurrentPart[cell]
            }
        }
        VectorKernels.tanh(&candidate)
        for cell in output.indices { output[cell] = (1 - z[cell]) * state[cell] + z[cell] * candidate[cell] }

        return Tensor(op: "gru.original", inputs: [gatesTensor, h, weightHH],
                      shape: [batch, size], scalars: output) { upstream in
            let g = upstream.scalars
            var stateGradient = [Scalar](repeating: 0, count: batch * size)
            var candidatePre = stateGradient
            var inputSide = [Scalar](repeating: 0, count: batch * 3 * size)
            var gatesSide = [Scalar](repeating: 0, count: batch * 2 * size)
            for b in 0..<batch {
                for j in 0..<size {
                    let cell = b * size + j
                    stateGradient[cell] = g[cell] * (1 - z[cell])
                    let dz = g[cell] * (candidate[cell] - state[cell])
                    let daZ = dz * z[cell] * (1 - z[cell])
                    candidatePre[cell] = g[cell] * z[cell] * (1 - candidate[cell] * candidate[cell])
                    inputSide[b * 3 * size + size + j] = daZ
                    inputSide[b * 3 * size + 2 * size + j] = candidatePre[cell]
                    gatesSide[b * 2 * size + size + j] = daZ
                }
            }
            let resetStateGradient = gemm(transposeA: false, transposeB: false, m: batch, n: size, k: size,
                                          a: candidatePre, b: candidateRecurrent)
            for b in 0..<batch {
                for j in 0..<size {
                    let cell = b * size + j
                    let dr = resetStateGradient[cell] * state[cell]
                    stateGradient[cell] += resetStateGradient[cell] * r[cell]
                    let daR = dr * r[cell] * (1 - r[cell])
                    inputSide[b * 3 * size + j] = daR
                    gatesSide[b * 2 * size + j] = daR
                }
            }
            let throughGates = gemm(transposeA: false, transposeB: false, m: batch, n: size, k: 2 * size,
                                    a: gatesSide, b: gatesRecurrent)
            for i in stateGradient.indices { stateGradient[i] += throughGates[i] }
            let gatesWeightGradient = gemm(transposeA: true, transposeB: false, m: 2 * size, n: size, k: batch,
                                           a: gatesSide, b: state)
            let candidateWeightGradient = gemm(transposeA: true, transposeB: false, m: size, n: size, k: batch,
                                               a: candidatePre, b: resetState)
            return [
                .dense(Tensor(inputSide, shape: [batch, 3 * size])),
                .dense(Tensor(stateGradient, shape: [batch, size])),
                .dense(Tensor(gatesWeightGradient + candidateWeightGradient, shape: [3 * size, size])),
            ]
        }
    }
}

/// Adds `row` to every row of the row-major matrix `matrix`.
func addRowVector<Scalar: TensorScalar>(_ row: [Scalar], to matrix: inout [Scalar], columns: Int) {
    for start in stride(from: 0, to: matrix.count, by: columns) {
        for j in 0..<columns { matrix[start + j] += row[j] }
    }
}

/// The sum of each column of a row-major matrix.
func columnSums<Scalar: TensorScalar>(_ matrix: [Scalar], columns: Int) -> [Scalar] {
    var sums = [Scalar](repeating: 0, count: columns)
    for start in stride(from: 0, to: matrix.count, by: columns) {
        for j in 0..<columns { sums[j] += matrix[start + j] }
    }
    return sums
}

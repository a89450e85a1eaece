import Nabla

extension Losses {
    /// Sampled softmax cross-entropy, GRU4Rec's `cross-entropy` loss:
    ///
    ///     L = −Σᵢ log softmax(rᵢ − c)ᵢ
    ///
    /// where `rᵢ` is row `i` of `scores` and `c` an optional per-column correction. With logQ
    /// correction (`logq > 0`), `c = logq · log Q`, where `Q` is each column item's sampling
    /// weight (its support for the in-batch targets, support^α for the shared samples), which
    /// removes the bias towards popular items that sampling introduces. Computed with
    /// log-sum-exp, so it is finite for any scores.
    ///
    /// - Parameters:
    ///   - scores: `B × (B + S)`, targets on the diagonal.
    ///   - correction: `c`, shape `[B + S]`, or `nil` for none.
    ///
    /// This is one fused op (one pass forward, one backward: `∂L/∂rᵢⱼ = softmaxᵢⱼ − [i = j]`);
    /// ``crossEntropyComposed(_:correction:)`` builds the same loss from primitive ops, and a
    /// test proves the two agree.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func crossEntropy<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "crossEntropy")
        let rows = scores.shape[0], columns = scores.shape[1]
        if let correction, correction.shape != [columns] {
            misuse("crossEntropy", "correction \(correction.shape) must have one value per column of scores \(scores.shape)")
        }
        let shift = correction?.scalars
        let values = scores.scalars
        var probabilities = [Scalar](repeating: 0, count: rows * columns)
        var rowLosses = [Scalar](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { values in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                rowLosses.withUnsafeMutableBufferPointer { rowLosses in
                    (shift ?? []).withUnsafeBufferPointer { shift in
                        let shift = correction == nil ? nil : shift.baseAddress
                        let (scores, output, losses) = (values.baseAddress!, probabilities.baseAddress!, rowLosses)
                        ComputeThreads.forEachRange(rows, minimumPerThread: 8) { range in
                            for i in range {
                                losses[i] = VectorKernels.softmaxCrossEntropyRow(
                                    scores: scores + i * columns, shift: shift, columns: columns, target: i,
                                    probabilities: output + i * columns)
                            }
                        }
                    }
                }
            }
        }
        let loss = rowLosses.reduce(0, +)
        return Tensor(op: "crossEntropy", inputs: [scores], shape: [], scalars: [loss]) { upstream in
            let g = upstream.scalars[0]
            var gradient = probabilities
            for i in 0..<rows { gradient[i * columns + i] -= 1 }
            for k in gradient.indices { gradient[k] *= g }
            return [.dense(Tensor(gradient, shape: [rows, columns]))]
        }
    }

    /// ``crossEntropy(_:correction:)`` built from primitive ops (`logSoftmax`, `diagonal`,
    /// `sum`): the readable reference the fused op is tested against. Unlike the fused op it
    /// also differentiates with respect to `correction`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func crossEntropyComposed<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "crossEntropy")
        let corrected = correction.map { scores - $0 } ?? scores
        return -corrected.logSoftmax(axis: 1).diagonal().sum()
    }
}

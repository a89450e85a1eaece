import Nabla
import NablaKernels

extension Losses {
    /// ``crossEntropy(_:correction:)`` as one op: each row's softmax and loss in one pass of the
    /// vector kernel, rows split between the compute threads, and the gradient
    /// `∂L/∂rᵢⱼ = g · (softmaxᵢⱼ − [i = j])` from the stored probabilities.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func crossEntropyFused<Scalar>(_ scores: Tensor<Scalar>, correction: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkSampledScores(scores, loss: "crossEntropy")
        let rows = scores.shape[0], columns = scores.shape[1]
        if let correction, correction.shape != [columns] {
            misuse("crossEntropy", "correction \(correction.shape) must have one value per column of scores \(scores.shape)")
        }
        let (rowLosses, probabilities) = VectorKernels.softmaxCrossEntropyRows(
            scores: scores.scalars, columns: columns, targets: Array(0..<rows), shift: correction?.scalars)
        let loss = rowLosses.reduce(0, +)
        return Tensor(op: "crossEntropy", inputs: [scores], shape: [], scalars: [loss]) { upstream in
            // (p − 1)·g at each row's target, p·g elsewhere.
            let gradient = VectorKernels.softmaxCrossEntropyGradient(
                probabilities: probabilities, columns: columns, targets: Array(0..<rows), scale: upstream.scalars[0])
            return [.dense(Tensor(gradient, shape: [rows, columns]))]
        }
    }
}

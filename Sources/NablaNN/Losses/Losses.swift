import Nabla

/// Loss functions. The sampled ranking losses follow GRU4Rec: row `i` of a `B × (B + S)` score
/// matrix scores the `B` targets of the mini-batch and `S` shared samples for session `i`; its
/// target is in column `i` and every other column is a negative. They return the **sum** over
/// rows; GRU4Rec's training loop divides by the configured batch size.
public enum Losses {}

extension Losses {
    /// The mean softmax cross-entropy of `logits` (`[N, C]`) against class `labels` (N of them):
    /// `−(1/N) Σₙ log softmax(logitsₙ)[labelₙ]`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func softmaxCrossEntropy<Scalar>(logits: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
        guard logits.rank == 2, logits.shape[0] == labels.count else {
            misuse("softmaxCrossEntropy", "logits \(logits.shape) do not match \(labels.count) labels")
        }
        let classes = logits.shape[1]
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            misuse("softmaxCrossEntropy", "label \(bad) is out of range for \(classes) classes")
        }
        let logProbabilities = logits.logSoftmax(axis: 1).reshaped([-1, 1])
        let picked = logProbabilities.gather(rows: labels.enumerated().map { $0.offset * classes + $0.element })
        return -picked.sum() / Scalar(labels.count)
    }

    /// Checks that `scores` is a `B × (B + S)` matrix with `B ≥ 1`, naming the loss if not.
    static func checkSampledScores<Scalar>(_ scores: Tensor<Scalar>, loss: String) {
        guard scores.rank == 2, scores.shape[0] >= 1, scores.shape[1] >= scores.shape[0] else {
            misuse(loss, "scores must be a B × (B + S) matrix with the targets on the diagonal, got \(scores.shape)")
        }
    }

    /// `1` off the diagonal, `0` on it: selects the negatives of each row.
    static func negativeMask<Scalar>(like scores: Tensor<Scalar>) -> Tensor<Scalar> {
        let rows = scores.shape[0], columns = scores.shape[1]
        var values = [Scalar](repeating: 1, count: rows * columns)
        for i in 0..<rows { values[i * columns + i] = 0 }
        return Tensor(values, shape: [rows, columns])
    }

    /// Each row's target score (its diagonal element) as a column `[B, 1]`.
    static func targetScores<Scalar>(_ scores: Tensor<Scalar>) -> Tensor<Scalar> {
        scores.diagonal().reshaped([-1, 1])
    }

    /// The softmax of each row over its negatives only (the target's weight is exactly 0):
    /// the weights `sⱼ` of BPR-max and TOP1-max.
    static func negativeSoftmax<Scalar>(_ scores: Tensor<Scalar>, mask: Tensor<Scalar>) -> Tensor<Scalar> {
        Tensor.where(mask, scores, Tensor(scalar: -Scalar.infinity)).softmax(axis: 1)
    }
}

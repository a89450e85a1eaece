import Nabla
import NablaNN

extension GRU4RecModel {
    /// The loss of one mini-batch as GRU4Rec trains it, before dividing by the batch size.
    ///
    /// `scores` is `B × (B + S)`: row `i` scores slot `i`'s target (column `i`), the other slots'
    /// targets and the `S` shared samples. For cross-entropy with `logq > 0` the correction
    /// subtracted from column `j` is `logq · log Q(j)`, with `Q` the item's support for the
    /// in-batch targets and support^α for the samples, as in the official implementation. For
    /// BPR-max the scores first pass through ELU(`elu_param`) when it is positive.
    ///
    /// - Parameters:
    ///   - scores: `B × (B + S)`, targets on the diagonal.
    ///   - columns: the item row of each column.
    ///   - batchRows: `B`, the number of in-batch targets.
    ///   - logSupport: `log` of each item's support (see ``logSupport(_:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func sampledLoss(_ scores: Tensor<Scalar>, columns: [Int], batchRows: Int, logSupport: [Double]) -> Tensor<Scalar> {
        let configuration = self.configuration
        switch configuration.loss {
        case .crossEntropy:
            guard configuration.logq > 0 else { return Losses.crossEntropy(scores) }
            // log Q = log support for in-batch targets, α · log support for the shared samples.
            let target = configuration.logq, sample = configuration.logq * configuration.sampleAlpha
            let correction = columns.enumerated().map { position, item -> Scalar in
                Scalar((position < batchRows ? target : sample) * logSupport[item])
            }
            return Losses.crossEntropy(scores, correction: Tensor(correction))
        case .bprMax:
            let activated = configuration.eluParameter > 0 ? scores.elu(alpha: Scalar(configuration.eluParameter)) : scores
            return Losses.bprMax(activated, bpreg: Scalar(configuration.bpreg))
        case .bpr:
            return Losses.bpr(scores)
        case .top1:
            return Losses.top1(scores)
        case .top1Max:
            return Losses.top1Max(scores)
        }
    }

    /// One full training step's loss: forward through the network from `states`, score the
    /// targets and `samples`, and divide by the configured batch size. `states` is advanced.
    public func trainingLoss(
        inputs: [Int], targets: [Int], samples: [Int], states: inout [Tensor<Scalar>], support: [Int]
    ) -> Tensor<Scalar> {
        trainingLoss(inputs: inputs, targets: targets, samples: samples, states: &states, logSupport: Self.logSupport(support))
    }

    /// ``trainingLoss(inputs:targets:samples:states:support:)`` with the logarithms of the
    /// supports computed once, as the trainer does.
    public func trainingLoss(
        inputs: [Int], targets: [Int], samples: [Int], states: inout [Tensor<Scalar>], logSupport: [Double]
    ) -> Tensor<Scalar> {
        let hidden = step(inputs, states: &states)
        let columns = targets + samples
        let scores = self.scores(hidden, columns: columns)
        return sampledLoss(scores, columns: columns, batchRows: targets.count, logSupport: logSupport) / Scalar(configuration.batchSize)
    }

    /// `log(max(support, 1))` of each item: the logQ correction's input.
    public static func logSupport(_ support: [Int]) -> [Double] {
        support.map { Double.log(Double(Swift.max($0, 1))) }
    }
}

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
    public func sampledLoss(_ scores: Tensor<Scalar>, columns: [Int], batchRows: Int, support: [Int]) -> Tensor<Scalar> {
        let configuration = self.configuration
        switch configuration.loss {
        case .crossEntropy:
            guard configuration.logq > 0 else { return Losses.crossEntropy(scores) }
            let correction = columns.enumerated().map { position, item -> Scalar in
                let count = Double(max(support[item], 1))
                let q = position < batchRows ? count : Double.pow(count, configuration.sampleAlpha)
                return Scalar(configuration.logq * Double.log(q))
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
        inputs: [Int], targets: [Int], samples: some Collection<Int32>, states: inout [Tensor<Scalar>], support: [Int]
    ) -> Tensor<Scalar> {
        let hidden = step(inputs, states: &states)
        let columns = targets + samples.map(Int.init)
        let scores = self.scores(hidden, columns: columns)
        return sampledLoss(scores, columns: columns, batchRows: targets.count, support: support) / Scalar(configuration.batchSize)
    }
}

import Nabla
import NablaKernels

/// Scores every item with any trained ``SessionModel``; each new session starts from the
/// model's zero state.
///
/// When the model names its ``SessionModel/itemOutput`` and computes in `Float`, on a CPU with
/// AVX2 or AVX-512 VNNI, ranks come from an `ItemTableRanker` (NablaKernels) over that layer's
/// rows, split between the compute threads: 8-bit scores with error bounds, and `Float` scores
/// summed left to right for the items close to the target. The
/// ranks are those of such `Float` scores, exactly; the full product rounds in another order, so
/// an item within a few units in the last place of the target can rank differently than with
/// `boundedRanking: false`, which always scores every item in full.
public struct SessionModelScorer<Model: SessionModel>: NextItemScorer {
    /// The model.
    public let model: Model
    /// Whether ranks may come from 8-bit scores with error bounds (see above).
    public let boundedRanking: Bool
    /// Whether the last ``ranks(inputs:previousSlot:targets:mode:cutoff:)`` came from
    /// the bounds (`false` when every item was scored).
    public private(set) var lastRanksUsedBounds = false
    private var states: [Tensor<Model.Scalar>] = []
    /// The ranker and the item rows and biases it was made from: while it holds them, any change
    /// to the model's arrays makes the model copy them, so the same arrays mean the same values.
    private var ranker: (ranker: ItemTableRanker?, table: [Float], bias: [Float])?

    /// A scorer for `model` (put in evaluation mode: no dropout).
    public init(model: Model, boundedRanking: Bool = true) {
        self.model = model
        self.boundedRanking = boundedRanking
        model.eval()
    }

    /// The number of items.
    public var itemCount: Int { model.itemCount }

    /// Scores of all items after reading `inputs`.
    public mutating func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
        withNoGrad { floats(model.allScores(advance(inputs: inputs, previousSlot: previousSlot))) }
    }

    /// The rank of each slot's target after reading `inputs`: from the item table's bounds when
    /// the model allows it (see the type's description) and the ranker can bound every score
    /// safely (it declines huge or non-finite values), else from every item's score.
    ///
    /// - Throws: ``NonFiniteScoresError`` naming the cause when a score is NaN or infinite.
    public mutating func ranks(
        inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int
    ) throws -> [Double] {
        try withNoGrad {
            let output = advance(inputs: inputs, previousSlot: previousSlot)
            let hidden = floats(output)
            if let ranker = currentRanker(), let counts = ranker.counts(hidden: hidden, targets: targets, stopAbove: cutoff) {
                lastRanksUsedBounds = true
                return counts.map { mode.rank(higher: $0.higher, equal: $0.equal) }
            }
            lastRanksUsedBounds = false
            let allScores = model.allScores(output)
            let scores = floats(allScores)
            guard VectorKernels.allFinite(scores) else {
                throw NonFiniteScoresError(scores: allScores.scalars, model: model, hidden: output.scalars)
            }
            return Evaluator.ranks(of: targets, in: scores, mode: mode)
        }
    }

    /// One step of the model from each slot's carried state.
    private mutating func advance(inputs: [Int], previousSlot: [Int?]) -> Tensor<Model.Scalar> {
        if states.isEmpty { states = model.zeroStates(batchSize: inputs.count) }
        states = carryStates(states, along: previousSlot)
        return model.step(inputs, states: &states)
    }

    /// The ranker over the model's current item rows, made again when they have changed.
    private mutating func currentRanker() -> ItemTableRanker? {
        guard boundedRanking, Model.Scalar.self == Float.self, ItemTableRanker.isAvailable,
              let layer = model.itemOutput else { return nil }
        let table = floats(layer.weight), bias = floats(layer.bias)
        if let ranker, sharesStorage(ranker.table, table), sharesStorage(ranker.bias, bias) { return ranker.ranker }
        let made = ItemTableRanker(table: table, bias: bias, width: layer.weight.shape.last ?? 0)
        ranker = (made, table, bias)
        return made
    }

    /// A tensor's values as `Float`: a `Float` model's own array, not converted per element.
    private func floats(_ tensor: Tensor<Model.Scalar>) -> [Float] {
        Model.Scalar.floats(tensor.scalars)
    }
}

/// Recommends by popularity: every item scores its number of training occurrences.
public struct PopularityScorer: NextItemScorer {
    private let support: [Float]

    /// A scorer from the training data's item support.
    public init(training: SessionData) {
        support = training.itemSupport().map(Float.init)
    }

    /// The number of items.
    public var itemCount: Int { support.count }

    /// The same popularity scores for every slot.
    public func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
        Array(repeating: support, count: inputs.count).flatMap { $0 }
    }
}

/// A first-order Markov chain: an item scores the number of times it followed the current item
/// in training. It sees only the last item, so it cannot tell `[Camera, Memory Card]` from
/// `[Phone, Memory Card]`.
public struct MarkovScorer: NextItemScorer {
    private let successors: [[Int: Float]]
    /// The number of items.
    public let itemCount: Int

    /// A scorer counting transitions in the training sessions.
    public init(training: SessionData) {
        itemCount = training.itemMap.count
        var successors = [[Int: Float]](repeating: [:], count: itemCount)
        for s in 0..<training.sessionCount {
            let items = training.session(s)
            for (current, next) in zip(items, items.dropFirst()) { successors[Int(current)][Int(next), default: 0] += 1 }
        }
        self.successors = successors
    }

    /// Transition counts from each slot's current item.
    public func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
        var scores = [Float](repeating: 0, count: inputs.count * itemCount)
        for (slot, item) in inputs.enumerated() {
            for (next, count) in successors[item] { scores[slot * itemCount + next] = count }
        }
        return scores
    }
}

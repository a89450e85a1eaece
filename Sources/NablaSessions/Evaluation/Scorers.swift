import Nabla

/// Scores every item with any trained ``SessionModel``; each new session starts from the
/// model's zero state.
public struct SessionModelScorer<Model: SessionModel>: NextItemScorer {
    /// The model.
    public let model: Model
    private var states: [Tensor<Model.Scalar>] = []

    /// A scorer for `model` (put in evaluation mode: no dropout).
    public init(model: Model) {
        self.model = model
        model.eval()
    }

    /// The number of items.
    public var itemCount: Int { model.itemCount }

    /// Scores of all items after reading `inputs`.
    public mutating func scores(inputs: [Int], previousSlot: [Int?]) -> [Float] {
        withNoGrad {
            if states.isEmpty { states = model.zeroStates(batchSize: inputs.count) }
            states = carryStates(states, along: previousSlot)
            let output = model.step(inputs, states: &states)
            let scores = model.allScores(output).scalars
            // A Float model's scores are used as they are: the same array, not converted per element.
            if Model.Scalar.self == Float.self { return unsafeBitCast(scores, to: [Float].self) }
            return scores.map { Float($0) }
        }
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

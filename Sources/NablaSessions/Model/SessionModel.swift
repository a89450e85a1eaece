import Nabla
import NablaNN

/// A model that reads sessions one item at a time and scores the next item: everything the
/// session machinery needs of a model.
///
/// The trainer (``SessionTrainer``), the evaluator (``SessionModelScorer`` with ``Evaluator``),
/// the recommender (``Recommender``) and checkpoints (``SessionCheckpoint``) work through this
/// protocol alone, so any model that conforms, GRU4Rec or your own LSTM, gets all of them.
///
/// A model's recurrent state is a list of `[batch, width]` tensors (one per GRU layer; `h` and
/// `c` per LSTM layer). The machinery carries each slot's rows from step to step, resets a slot
/// to zeros when a new session takes it, and detaches the states after every training step.
///
/// ```swift
/// extension MyRecommender: SessionModel {
///     var itemCount: Int { output.itemCount }
///     func zeroStates(batchSize: Int) -> [Tensor<Float>] { ... }
///     func step(_ items: [Int], states: inout [Tensor<Float>]) -> Tensor<Float> { ... }
///     func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }
/// }
/// ```
public protocol SessionModel<Scalar>: Module {
    /// The number of items the model scores.
    var itemCount: Int { get }

    /// The state before a session's first item, for `batchSize` sessions.
    func zeroStates(batchSize: Int) -> [Tensor<Scalar>]

    /// One step over a batch of sessions: reads each session's current item row, advances
    /// `states`, and returns the hidden vectors that items are scored from, `[batch, H]`.
    func step(_ items: [Int], states: inout [Tensor<Scalar>]) -> Tensor<Scalar>

    /// Scores of the item rows `items` for each row of `hidden`, `[batch, items.count]`,
    /// recorded for backward: what training uses (targets and shared negative samples).
    func scores(_ hidden: Tensor<Scalar>, items: [Int]) -> Tensor<Scalar>

    /// Scores of every item for each row of `hidden`, `[batch, itemCount]`: what evaluation and
    /// recommendation use. The default scores every item with ``scores(_:items:)`` without
    /// recording a graph.
    func allScores(_ hidden: Tensor<Scalar>) -> Tensor<Scalar>

    /// The output layer the model scores items with, if its scores are that layer's
    /// `hidden · W[i]ᵀ + b[i]`: the default ``allScores(_:)`` is then the layer's one matrix
    /// product, and evaluation ranks targets from the layer's rows without scoring every item in
    /// full precision (``SessionModelScorer``). The default is `nil`.
    var itemOutput: ItemOutput<Scalar>? { get }
}

extension SessionModel {
    /// No output layer named: items are scored through ``scores(_:items:)``.
    public var itemOutput: ItemOutput<Scalar>? { nil }

    /// Every item in one product of ``itemOutput``'s rows when the model names it, else every
    /// item through ``scores(_:items:)``; without recording a graph.
    public func allScores(_ hidden: Tensor<Scalar>) -> Tensor<Scalar> {
        if let itemOutput { return itemOutput.allScores(hidden) }
        return withNoGrad { scores(hidden, items: Array(0..<itemCount)) }
    }
}

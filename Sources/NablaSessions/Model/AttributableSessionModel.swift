import Nabla
import NablaNN

/// A session model that can also be stepped from input vectors, so that a score can be
/// differentiated with respect to what each step read.
///
/// An item enters a model as an index, and nothing can be differentiated with respect to an
/// index. But every model turns the index into a vector before it does any arithmetic (an
/// embedding row, an item row of the output layer, a row of a one-hot layer's input table), and
/// a score *can* be differentiated with respect to that vector. A model that exposes the split,
///
///     step(items) = step(inputVectors: inputVectors(items))
///
/// gets attributions (``SessionAttribution``): how much each step of a session contributed to
/// one item's score, by gradient × input or by integrated gradients.
///
/// The two requirements are all a model adds; ``SessionModel/step(_:states:)`` then comes for
/// free (a model may keep its own, for speed or for named scopes in drawings, as long as it
/// computes the same function).
///
/// ```swift
/// extension MyRecommender: AttributableSessionModel {
///     func inputVectors(_ items: [Int]) -> Tensor<Float> { output.weight.gather(rows: items) }
///     func step(inputVectors x: Tensor<Float>, states: inout [Tensor<Float>]) -> Tensor<Float> {
///         let (h, c) = cell(x, (states[0], states[1]))
///         states = [h, c]
///         return h
///     }
/// }
/// ```
public protocol AttributableSessionModel<Scalar>: SessionModel {
    /// The vectors the model reads for `items`, `[items.count, D]`: the input that attributions
    /// are taken with respect to. Recorded for backward like any lookup.
    func inputVectors(_ items: [Int]) -> Tensor<Scalar>

    /// One step over a batch of sessions from input vectors `[batch, D]` (rows of
    /// ``inputVectors(_:)`` or any point between them and a baseline): advances `states` and
    /// returns the output that items are scored from, `[batch, H]`.
    func step(inputVectors: Tensor<Scalar>, states: inout [Tensor<Scalar>]) -> Tensor<Scalar>
}

extension AttributableSessionModel {
    /// One step from item rows: their input vectors through ``step(inputVectors:states:)``.
    public func step(_ items: [Int], states: inout [Tensor<Scalar>]) -> Tensor<Scalar> {
        step(inputVectors: inputVectors(items), states: &states)
    }
}

import Foundation
import Nabla
import NablaNN

/// Scores that are NaN or infinite: ranks and probabilities made from them would be
/// meaningless (every item tied at +∞ ranks first, a NaN compares with nothing), so evaluation
/// and recommendation stop with this error instead of reporting them.
public struct NonFiniteScoresError: Error, CustomStringConvertible, Sendable {
    /// How many scores were NaN or infinite.
    public let nonFinite: Int
    /// How many scores there were.
    public let total: Int
    /// What made them so, in words, when it can be told (a weight too large, a hidden state
    /// that is not finite).
    public let cause: String

    /// Counts the non-finite values of `scores` and names the cause from `model`'s weights and
    /// the `hidden` state the scores were computed from.
    public init<Model: Module>(scores: [Model.Scalar], model: Model, hidden: [Model.Scalar]) {
        nonFinite = scores.count { !$0.isFinite }
        total = scores.count
        cause = Self.cause(model: model, hiddenIsFinite: hidden.allSatisfy(\.isFinite))
    }

    /// A scorer that is not a model: the count alone.
    public init(scores: [Float]) {
        nonFinite = scores.count { !$0.isFinite }
        total = scores.count
        cause = "the scorer produced them"
    }

    public var description: String {
        "the model scores \(nonFinite) of \(total) items as NaN or infinite, so they cannot be ranked: \(cause)"
    }

    /// The likeliest causes: a hidden state that is not finite, and a parameter whose values
    /// are so large that products with them overflow Float (past 1e18, squares and sums of a few
    /// hundred products reach Float's limit of 3.4e38). The parameter with the largest
    /// magnitude is named.
    static func cause<Model: Module>(model: Model, hiddenIsFinite: Bool) -> String {
        var largest: (name: String, value: Double)?
        for (name, tensor) in model.namedParameters() {
            let magnitude = tensor.scalars.lazy.map { abs(Double($0)) }.max() ?? 0
            if magnitude > largest?.value ?? -1 { largest = (name, magnitude) }
        }
        var causes: [String] = []
        if !hiddenIsFinite { causes.append("the model's output before scoring holds NaN or infinite values") }
        if let largest, !(largest.value < 1e18) {
            causes.append("its weights are too large for Float (the largest, in '\(largest.name)', is "
                + "\(String(format: "%.3g", largest.value))), so the products overflow")
        }
        return causes.isEmpty ? "the scores overflow Float although every weight is below 1e18" : causes.joined(separator: "; ")
    }
}

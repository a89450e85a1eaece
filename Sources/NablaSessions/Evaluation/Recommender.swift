import Foundation
import Nabla
import NablaKernels

/// Next-item recommendations for a session prefix, in the user's item ids.
public enum Recommender {
    /// One recommended item.
    public struct Recommendation: Sendable, Equatable {
        /// The user's item id.
        public let item: String
        /// The model's raw score (higher is better); only its order among items means something.
        public let score: Double
        /// The softmax of the scores over every item the model knows: the probability the model
        /// gives this item of coming next (what training with cross-entropy fits).
        public let probability: Double
    }

    /// The `count` best next items after the session `prefix` (the user's item ids, oldest first),
    /// by any ``SessionModel``, starting from its zero state. With `excludingSeen`, items of the
    /// prefix are not recommended again.
    ///
    /// - Throws: ``DataError`` naming an item the model does not know; ``NonFiniteScoresError``
    ///   naming the cause when the model scores an item as NaN or infinite (such scores have no
    ///   order and no probability, so they are never printed as recommendations).
    public static func recommend<Model: SessionModel>(
        _ model: Model, itemMap: ItemMap, after prefix: [String], count: Int = 10, excludingSeen: Bool = false
    ) throws -> [Recommendation] {
        let rows = try itemMap.rows(ofSession: prefix)
        model.eval()
        let (scores, hidden): ([Model.Scalar], [Model.Scalar]) = withNoGrad {
            var states = model.zeroStates(batchSize: 1)
            var output: Tensor<Model.Scalar>? = nil
            for row in rows { output = model.step([row], states: &states) }
            return (model.allScores(output!).scalars, output!.scalars)
        }
        guard VectorKernels.allFinite(scores) else {
            throw NonFiniteScoresError(scores: scores, model: model, hidden: hidden)
        }
        let seen = excludingSeen ? Set(rows) : []
        let best = scores.indices.filter { !seen.contains($0) }.sorted { (scores[$0], -$0) > (scores[$1], -$1) }.prefix(count)
        let largest = scores.lazy.map { Double($0) }.max() ?? 0
        let normaliser = scores.reduce(0.0) { $0 + Foundation.exp(Double($1) - largest) }
        return best.map {
            Recommendation(item: itemMap.ids[$0], score: Double(scores[$0]),
                           probability: Foundation.exp(Double(scores[$0]) - largest) / normaliser)
        }
    }
}

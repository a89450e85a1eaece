import Foundation
import Nabla

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
    /// - Throws: ``DataError`` naming an item the model does not know, or when the model scores
    ///   an item as NaN (it never prints NaN as a recommendation).
    public static func recommend<Model: SessionModel>(
        _ model: Model, itemMap: ItemMap, after prefix: [String], count: Int = 10, excludingSeen: Bool = false
    ) throws -> [Recommendation] {
        let rows = try itemMap.rows(ofSession: prefix)
        model.eval()
        let scores: [Model.Scalar] = withNoGrad {
            var states = model.zeroStates(batchSize: 1)
            var output: Tensor<Model.Scalar>? = nil
            for row in rows { output = model.step([row], states: &states) }
            return model.allScores(output!).scalars
        }
        guard scores.allSatisfy({ !$0.isNaN }) else {
            throw DataError(file: "model", "the model scores some items as NaN after this session; it cannot rank them")
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

import Nabla

/// Next-item recommendations for a session prefix, in the user's item ids.
public enum Recommender {
    /// One recommended item.
    public struct Recommendation: Sendable, Equatable {
        /// The user's item id.
        public let item: String
        /// The model's score (higher is better).
        public let score: Double
    }

    /// The `count` best next items after the session `prefix` (the user's item ids, oldest first),
    /// by any ``SessionModel``, starting from its zero state.
    ///
    /// - Throws: ``DataError`` naming an item the model does not know, or when the model scores
    ///   an item as NaN (it never prints NaN as a recommendation).
    public static func recommend<Model: SessionModel>(
        _ model: Model, itemMap: ItemMap, after prefix: [String], count: Int = 10
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
        let best = scores.indices.sorted { (scores[$0], -$0) > (scores[$1], -$1) }.prefix(count)
        return best.map { Recommendation(item: itemMap.ids[$0], score: Double(scores[$0])) }
    }
}

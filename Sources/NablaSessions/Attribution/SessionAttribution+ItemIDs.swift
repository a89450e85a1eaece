extension SessionAttribution {
    /// Attributes the score of `target` (by default the top recommendation) after a session given
    /// in the user's item ids, oldest first.
    ///
    /// - Parameters:
    ///   - model: any session model that exposes its input vectors.
    ///   - itemMap: the model's item ids.
    ///   - session: the session's item ids, oldest first.
    ///   - target: the item whose score is explained; `nil` explains the top recommendation.
    ///   - method: gradient × input, or integrated gradients with a step count.
    ///   - baseline: where integrated gradients start.
    /// - Throws: ``DataError`` for an empty session or an item the model does not know (the same
    ///   errors as ``Recommender/recommend(_:itemMap:after:count:excludingSeen:)``), or when the model's score
    ///   or an attribution is not a number.
    public static func explain<Model: AttributableSessionModel>(
        _ model: Model, itemMap: ItemMap, session: [String], target: String? = nil,
        method: AttributionMethod = .integratedGradients(steps: 64), baseline: AttributionBaseline = .zeros
    ) throws -> SessionAttribution {
        let rows = try itemMap.rows(ofSession: session)
        let targetID = try target ?? Recommender.recommend(model, itemMap: itemMap, after: session, count: 1)[0].item
        guard let targetRow = itemMap.row(of: targetID) else {
            throw DataError(file: "target", "item '\(targetID)' is not known to the model")
        }
        let attribution = SessionAttribution(model: model, session: rows, target: targetRow, method: method, baseline: baseline)
        guard ([attribution.score, attribution.baselineScore] + attribution.attributions).allSatisfy(\.isFinite) else {
            throw DataError(file: "model", "the model's score of '\(targetID)' or its gradient is not a finite number after this session")
        }
        return attribution
    }
}

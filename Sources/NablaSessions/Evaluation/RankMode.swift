/// How a target's rank is counted when other items have exactly its score.
public enum RankMode: String, Sendable, CaseIterable {
    /// `#(score ≥ target)`: ties count against the model, the honest choice: a model that scores
    /// everything equally gets the worst rank. The default of the official evaluation code
    /// (its `run.py` defaults to `standard`).
    case conservative
    /// `#(score > target) + 1`: ties count in the model's favour.
    case standard
    /// The mean of the two: ties split evenly.
    case median

    /// The rank from the number of items scoring strictly higher and the number scoring the
    /// same as the target (the target included).
    public func rank(higher: Int, equal: Int) -> Double {
        switch self {
        case .conservative: return Double(higher + equal)
        case .standard: return Double(higher + 1)
        case .median: return Double(higher) + Double(equal + 1) / 2
        }
    }
}

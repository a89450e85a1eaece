import Nabla
import NablaNN

/// A faithfulness check of attributions: if a step really drove a score, removing that step from
/// the session should hurt the target more than removing a step picked at random.
///
/// For each test session of at least three events, the prefix is every event but the last and the
/// target is the last event (or the model's top recommendation after the prefix). The steps of
/// the prefix are attributed; then one step is removed at a time, chosen by each ``Choice``, and
/// the target's rank among all items (conservative: the number of items scoring at least as high)
/// is measured again. An attribution that tells the truth makes "highest attribution" hurt the
/// most and "lowest attribution" the least.
public enum DeletionTest {
    /// What is explained in each session.
    public enum Target: String, Sendable, CaseIterable {
        /// The session's real last item.
        case nextItem = "next-item"
        /// The model's top recommendation after the prefix (rank 1 before any removal).
        case topRecommendation = "top"
    }

    /// Which step of the prefix is removed.
    public enum Choice: Sendable, Equatable, CustomStringConvertible {
        /// The step with the highest attribution by this method.
        case highestAttribution(AttributionMethod)
        /// The step with the lowest attribution by this method.
        case lowestAttribution(AttributionMethod)
        /// A step drawn uniformly at random.
        case random
        /// The most recent step, the one just before the target.
        case lastStep

        /// `highest integrated gradients (64 steps)`, `random step`, ...
        public var description: String {
            switch self {
            case .highestAttribution(let method): return "highest \(method)"
            case .lowestAttribution(let method): return "lowest \(method)"
            case .random: return "random step"
            case .lastStep: return "last step"
            }
        }
    }

    /// What removing the steps of one choice did, averaged over the sessions.
    public struct Outcome: Sendable {
        /// Which step was removed.
        public let choice: Choice
        /// The mean of rank after − rank before (positive: the target fell).
        public let meanRankIncrease: Double
        /// The median of rank after − rank before.
        public let medianRankIncrease: Double
        /// The fraction of sessions in which the target fell (rank after > rank before).
        public let fractionFallen: Double
        /// The mean of score before − score after.
        public let meanScoreDrop: Double
        /// The fraction of sessions in which this choice removed the last step.
        public let fractionLastStep: Double
        /// How many sessions this choice removed another step than the last.
        public let sessionsNotLastStep: Int
        /// In those sessions, the mean rank increase from removing this choice's step.
        public let meanRankIncreaseNotLastStep: Double
        /// In the same sessions, the mean rank increase from removing the last step instead: the
        /// comparison that tells an attribution apart from "the most recent item matters most".
        public let lastStepMeanRankIncreaseThere: Double
    }

    /// The result over every session tested.
    public struct Result: Sendable {
        /// How many sessions were tested.
        public let sessions: Int
        /// The mean prefix length (steps that could be removed).
        public let meanPrefixLength: Double
        /// The mean rank of the target before any removal.
        public let meanRankBefore: Double
        /// One outcome per choice, in the order asked.
        public let outcomes: [Outcome]
    }

    /// Runs the deletion test on the first `sessionLimit` sessions of `data` that have at least
    /// three events (all of them when `nil`).
    ///
    /// - Parameters:
    ///   - model: the model whose attributions are tested.
    ///   - data: test sessions, in the model's item rows.
    ///   - sessionLimit: at most this many sessions.
    ///   - target: the real next item or the top recommendation.
    ///   - choices: which steps to remove, each compared over the same sessions.
    ///   - baseline: where integrated gradients start.
    ///   - seed: seeds the random choice.
    ///   - progress: called with the number of sessions done.
    /// - Returns: the mean rank before, and what each choice of removal did.
    public static func run<Model: AttributableSessionModel>(
        model: Model, data: SessionData, sessionLimit: Int? = nil, target: Target = .nextItem,
        choices: [Choice], baseline: AttributionBaseline = .zeros, seed: UInt64 = 1,
        progress: (Int) -> Void = { _ in }
    ) -> Result {
        model.eval()
        var generator = SeededRandomGenerator(seed: seed)
        let sessions = (0..<data.sessionCount).filter { data.session($0).count >= 3 }.prefix(sessionLimit ?? .max)
        var increases = [[Double]](repeating: [], count: choices.count)
        var drops = [[Double]](repeating: [], count: choices.count)
        var lastSteps = [Int](repeating: 0, count: choices.count)
        var elsewhere = [(own: [Double], lastStep: [Double])](repeating: ([], []), count: choices.count)
        var ranksBefore: [Double] = [], prefixLengths = 0
        for (done, index) in sessions.enumerated() {
            let events = data.session(index).map(Int.init)
            let prefix = Array(events.dropLast())
            let before = scores(model, prefix)
            let targetRow = target == .nextItem ? events.last! : before.indices.max { (before[$0], -$0) < (before[$1], -$1) }!
            let rankBefore = rank(of: targetRow, in: before)
            ranksBefore.append(rankBefore)
            prefixLengths += prefix.count
            var attributions: [AttributionMethod: [Double]] = [:]
            let lastStepIncrease = rank(of: targetRow, in: scores(model, Array(prefix.dropLast()))) - rankBefore
            for (slot, choice) in choices.enumerated() {
                let removed: Int
                switch choice {
                case .highestAttribution(let method), .lowestAttribution(let method):
                    let values = attributions[method] ?? SessionAttribution(
                        model: model, session: prefix, target: targetRow, method: method, baseline: baseline).attributions
                    attributions[method] = values
                    let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
                    removed = if case .highestAttribution = choice { order.last! } else { order.first! }
                case .random:
                    removed = generator.nextInt(below: prefix.count)
                case .lastStep:
                    removed = prefix.count - 1
                }
                var shortened = prefix
                shortened.remove(at: removed)
                let after = scores(model, shortened)
                let increase = rank(of: targetRow, in: after) - rankBefore
                increases[slot].append(increase)
                drops[slot].append(Double(before[targetRow] - after[targetRow]))
                if removed == prefix.count - 1 {
                    lastSteps[slot] += 1
                } else {
                    elsewhere[slot].own.append(increase)
                    elsewhere[slot].lastStep.append(lastStepIncrease)
                }
            }
            progress(done + 1)
        }
        let count = Double(sessions.count)
        let outcomes = choices.indices.map { slot in
            Outcome(choice: choices[slot],
                    meanRankIncrease: mean(increases[slot]),
                    medianRankIncrease: median(increases[slot]),
                    fractionFallen: Double(increases[slot].filter { $0 > 0 }.count) / max(count, 1),
                    meanScoreDrop: mean(drops[slot]),
                    fractionLastStep: Double(lastSteps[slot]) / max(count, 1),
                    sessionsNotLastStep: elsewhere[slot].own.count,
                    meanRankIncreaseNotLastStep: mean(elsewhere[slot].own),
                    lastStepMeanRankIncreaseThere: mean(elsewhere[slot].lastStep))
        }
        return Result(sessions: sessions.count, meanPrefixLength: Double(prefixLengths) / max(count, 1),
                      meanRankBefore: mean(ranksBefore), outcomes: outcomes)
    }

    /// Every item's score after `session`.
    static func scores<Model: AttributableSessionModel>(_ model: Model, _ session: [Int]) -> [Model.Scalar] {
        withNoGrad {
            var states = model.zeroStates(batchSize: 1)
            var output: Tensor<Model.Scalar>? = nil
            for item in session { output = model.step([item], states: &states) }
            return model.allScores(output!).scalars
        }
    }

    /// The conservative rank of `item`: how many items score at least as high.
    static func rank<Scalar: TensorScalar>(of item: Int, in scores: [Scalar]) -> Double {
        let score = scores[item]
        return RankMode.conservative.rank(higher: scores.filter { $0 > score }.count, equal: scores.filter { $0 == score }.count)
    }

    /// The mean, or 0 for no values.
    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// The middle value (the mean of the two middle values for an even count).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

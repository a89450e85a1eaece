import Foundation
import Nabla
import NablaNN
import NablaSessions
import Testing

/// The deletion test removes the step each choice picks and measures the target's fall; on a
/// model linear in its inputs the score drops by exactly the removed step's attribution.
@Suite struct DeletionTestTests {
    /// Sessions "s0" … of the given item rows, as test data over 6 items named "0" … "5".
    static func data(_ sessions: [[Int]]) throws -> SessionData {
        let itemMap = try ItemMap(ids: (0..<6).map(String.init))
        var lines = ["SessionId\tItemId\tTime"]
        for (index, session) in sessions.enumerated() {
            for item in session { lines.append("s\(index)\t\(item)\t\(lines.count)") }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("deletion-test-\(UUID()).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return try SessionData.test(streamingFrom: file, itemMap: itemMap)
    }

    @Test func onALinearModelRemovingAStepDropsTheScoreByItsAttribution() throws {
        let model = SumOfInputsRecommender(itemCount: 6, size: 3)
        let sessions = [[1, 4, 2, 5], [0, 3, 3], [2, 1], [5, 0, 4, 1, 3]]      // [2, 1] is too short to test
        let method = AttributionMethod.integratedGradients(steps: 4)
        let result = DeletionTest.run(model: model, data: try Self.data(sessions), target: .nextItem,
                                      choices: [.highestAttribution(method), .lowestAttribution(method), .lastStep])
        #expect(result.sessions == 3 && result.meanPrefixLength == 3)
        var highest = 0.0, lowest = 0.0, last = 0.0
        for session in sessions where session.count >= 3 {
            let attribution = SessionAttribution(model: model, session: Array(session.dropLast()), target: session.last!, method: method)
            highest += attribution.attributions.max()! / 3
            lowest += attribution.attributions.min()! / 3
            last += attribution.attributions.last! / 3
        }
        expectCloseScalar(result.outcomes[0].meanScoreDrop, highest)
        expectCloseScalar(result.outcomes[1].meanScoreDrop, lowest)
        expectCloseScalar(result.outcomes[2].meanScoreDrop, last)
        #expect(result.outcomes[2].fractionLastStep == 1 && result.outcomes[2].sessionsNotLastStep == 0)
        #expect(result.outcomes[0].meanScoreDrop > result.outcomes[1].meanScoreDrop)
    }

    @Test func theTopRecommendationStartsAtRankOneAndTheLimitIsKept() throws {
        let model = SumOfInputsRecommender(itemCount: 6, size: 3)
        let result = DeletionTest.run(model: model, data: try Self.data([[1, 4, 2, 5], [0, 3, 3], [5, 0, 4, 1, 3]]),
                                      sessionLimit: 2, target: .topRecommendation, choices: [.random, .lastStep])
        #expect(result.sessions == 2 && result.meanRankBefore == 1)
        #expect(result.outcomes.allSatisfy { $0.meanRankIncrease >= 0 })
    }

    func expectCloseScalar(_ actual: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(actual - expected) < 1e-12, "\(actual), expected \(expected)", sourceLocation: sourceLocation)
    }
}

import Nabla
import NablaSessions
import NablaTestSupport
import Testing

/// `explainedScore(of:after:names:)`, the graph `explain --draw x.html` steps through: its score
/// is the attribution's, its leaves are the session's input vectors (named) whose gradient × input
/// is the gradient × input attribution, and a backward pass leaves the parameters holding that
/// pass alone, whatever ran before.
@Suite struct ExplainedScoreTests {
    let session = [2, 6, 0, 4], target = 1

    @Test func itsLeavesAreTheInputVectorsAndTheirGradientTimesInputIsTheAttribution() throws {
        let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
        let attribution = SessionAttribution(model: model, session: session, target: target, method: .gradientTimesInput)
        let score = model.explainedScore(of: target, after: session, names: ["a", "b", "c", "d"])
        #expect(score.shape == [1, 1])
        expectClose(score.scalars, [attribution.score])
        score.backward()
        let leaves = Self.leaves(of: score)
        let inputs = ["a", "b", "c", "d"].map { name in leaves.first { $0.name == name } }
        #expect(inputs.allSatisfy { $0 != nil }, "leaves named \(leaves.compactMap(\.name))")
        let gradientTimesInput = try inputs.map { input in
            let leaf = try #require(input)
            return zip(leaf.scalars, try #require(leaf.grad).scalars).map(*).reduce(0, +)
        }
        expectClose(gradientTimesInput, attribution.attributions)
    }

    /// Every leaf `output`'s recorded graph reaches, once each.
    static func leaves(of output: Tensor<Double>) -> [Tensor<Double>] {
        var leaves: [Tensor<Double>] = [], seen: Set<ObjectIdentifier> = [], pending = [output]
        while let tensor = pending.popLast() {
            guard seen.insert(ObjectIdentifier(tensor)).inserted else { continue }
            if let record = tensor.record { pending += record.inputs } else { leaves.append(tensor) }
        }
        return leaves
    }

    @Test func aBackwardPassLeavesTheParametersHoldingThatPassAlone() {
        let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
        model.eval()
        let inputs = model.inputVectors(session)
        model.score(of: target, afterReading: (0..<session.count).map { inputs.sliced($0..<$0 + 1).detached() }).backward()
        let once = model.parameters.map { $0.grad?.scalars ?? [] }
        model.score(of: target, afterReading: (0..<session.count).map { inputs.sliced($0..<$0 + 1).detached() }).backward()
        #expect(model.parameters.map { $0.grad?.scalars ?? [] } != once, "a second pass should have summed in")

        model.explainedScore(of: target, after: session).backward()
        for (parameter, expected) in zip(model.parameters, once) { expectClose(parameter.grad?.scalars ?? [], expected) }
    }

    @Test func anEmptySessionIsAClearMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
            _ = model.explainedScore(of: 1, after: [])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("explainedScore(of:after:names:): the session is empty"))
    }

    @Test func aNameCountOtherThanTheStepCountIsAClearMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
            _ = model.explainedScore(of: 1, after: [2, 6], names: ["a"])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("explainedScore(of:after:names:): 1 names for 2 steps"))
    }
}

import Foundation
import GRU4Rec
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Attributions of a score to the steps of a GRU4Rec session: integrated gradients add up to the
/// change of score (completeness) in every input mode, the path's gradients match finite
/// differences, and the input vectors are what the model really reads.
@Suite struct AttributionTests {
    static let modes = ["constrained_embedding=True", "constrained_embedding=False,embedding=5", "constrained_embedding=False,embedding=0"]

    /// A small GRU4Rec in Double with non-zero biases, so that scores are not symmetric around zero.
    static func gru4rec(_ mode: String, layers: String = "6", formulation: String = "pytorch") throws -> GRU4RecModel<Double> {
        let configuration = try GRU4RecConfiguration(parameters: "layers=\(layers),gru_formulation=\(formulation),dropout_p_embed=0.3,dropout_p_hidden=0.3,\(mode)")
        let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 9)
        var generator = SeededRandomGenerator(seed: 11)
        for parameter in model.parameters {
            parameter.scalars = Tensor<Double>.uniform(parameter.shape, in: -0.8..<0.8, using: &generator).scalars
        }
        return model
    }

    static let session = [3, 7, 1, 7]
    static let target = 5

    @Test(arguments: modes)
    func integratedGradientsAddUpToTheChangeOfScoreInEveryInputMode(mode: String) throws {
        let model = try Self.gru4rec(mode, layers: "6/4")
        let attribution = SessionAttribution(model: model, session: Self.session, target: Self.target,
                                             method: .integratedGradients(steps: 300))
        let change = attribution.score - attribution.baselineScore
        #expect(abs(change) > 0.05, "\(mode): the score hardly changes (\(change)); the test would prove little")
        #expect(abs(attribution.residual) <= 1e-6 * abs(change), "\(mode): residual \(attribution.residual) of \(change)")
        #expect(Set(attribution.attributions.map { ($0 * 1e6).rounded() }).count == 4, "\(mode): \(attribution.attributions)")
    }

    @Test func completenessHoldsForTheOriginalFormulationTheFusedCellAndTheMeanBaseline() throws {
        for (mode, formulation) in [(Self.modes[0], "original"), (Self.modes[2], "original")] {
            let model = try Self.gru4rec(mode, formulation: formulation)
            for implementation in GRUImplementation.allCases {
                model.implementation = implementation
                let attribution = SessionAttribution(model: model, session: Self.session, target: Self.target,
                                                     method: .integratedGradients(steps: 300), baseline: .meanInputVector)
                let change = attribution.score - attribution.baselineScore
                #expect(abs(attribution.residual) <= 1e-6 * abs(change), "\(mode), \(implementation): \(attribution.residual) of \(change)")
            }
        }
    }

    @Test func theResidualShrinksWithTheSquareOfTheStepCount() throws {
        let model = try Self.gru4rec(Self.modes[0])
        let residual = { (steps: Int) in
            abs(SessionAttribution(model: model, session: Self.session, target: Self.target, method: .integratedGradients(steps: steps)).residual)
        }
        let coarse = residual(8), fine = residual(32)
        #expect(fine < coarse / 8, "8 steps: \(coarse), 32 steps: \(fine)")
    }

    @Test(arguments: modes)
    func theGradientsAlongThePathMatchFiniteDifferences(mode: String) throws {
        let model = try Self.gru4rec(mode, layers: "5/3")
        model.eval()
        for implementation in GRUImplementation.allCases {
            model.implementation = implementation
            let inputs = withNoGrad { model.inputVectors(Self.session) }
            // Three points of the straight path from zero, one per row, at every step.
            let alphas = Tensor<Double>([0.2, 0.55, 0.9], shape: [3, 1])
            let points = (0..<Self.session.count).map { step in
                let row = alphas * inputs.sliced(step..<step + 1)
                return Tensor(row.scalars, shape: row.shape, requiresGrad: true)
            }
            expectGradientsMatch(points) { model.score(of: Self.target, afterReading: $0) }
        }
    }

    @Test(arguments: modes)
    func steppingFromInputVectorsEqualsSteppingFromItems(mode: String) throws {
        let model = try Self.gru4rec(mode, layers: "6/4")
        model.eval()
        var fromItems = model.zeroStates(batchSize: 2), fromVectors = model.zeroStates(batchSize: 2)
        for items in [[3, 4], [7, 0], [1, 1]] {
            let a = withNoGrad { model.step(items, states: &fromItems) }
            let b = withNoGrad { model.step(inputVectors: model.inputVectors(items), states: &fromVectors) }
            expectClose(a.scalars, b.scalars, tolerance: 1e-14)
        }
    }

    @Test func inOneHotModeTheTableRowIsTheOneHotVectorSeenThroughTheFirstLayer() throws {
        // Gradient × input of the row equals the gradient of the one-hot coordinate (times 1).
        let model = try Self.gru4rec(Self.modes[2])
        let attribution = SessionAttribution(model: model, session: Self.session, target: Self.target, method: .gradientTimesInput)
        model.eval()
        let table = model.gru.layers[0].weightIH
        let oneHots = Self.session.map { item in
            Tensor<Double>((0..<model.itemCount).map { $0 == item ? 1 : 0 }, shape: [1, model.itemCount], requiresGrad: true)
        }
        model.score(of: Self.target, afterReading: oneHots.map { matmul($0, table) }).sum().backward()
        let coordinates = zip(oneHots, Self.session).map { $0.grad!.scalars[$1] }
        expectClose(attribution.attributions, coordinates, tolerance: 1e-12)
    }

    @Test func gradientTimesInputDoesNotPromiseCompleteness() throws {
        let model = try Self.gru4rec(Self.modes[0])
        let attribution = SessionAttribution(model: model, session: Self.session, target: Self.target, method: .gradientTimesInput)
        #expect(abs(attribution.residual) > 1e-3, "a nonlinear model; residual \(attribution.residual)")
        #expect(attribution.shares.map { abs($0.reduce(0, +) - 1) < 1e-12 } == true)
    }

    @Test func explainingByItemIDsUsesTheTopRecommendationAndRefusesBadInput() throws {
        let model = try Self.gru4rec(Self.modes[0])
        let itemMap = try ItemMap(ids: ["a", "b", "c", "d", "e", "f", "g", "h", "i"])
        let explained = try SessionAttribution.explain(model, itemMap: itemMap, session: ["d", "h"])
        let top = try Recommender.recommend(model, itemMap: itemMap, after: ["d", "h"], count: 1)[0]
        #expect(itemMap.ids[explained.target] == top.item && explained.session == [3, 7])
        #expect(abs(explained.score - top.score) < 1e-12)
        #expect(throws: DataError(file: "session", "item 'z' is not known to the model")) {
            try SessionAttribution.explain(model, itemMap: itemMap, session: ["d", "z"])
        }
        #expect(throws: DataError(file: "session", "the session prefix is empty")) {
            try SessionAttribution.explain(model, itemMap: itemMap, session: [])
        }
        #expect(throws: DataError(file: "target", "item 'zz' is not known to the model")) {
            try SessionAttribution.explain(model, itemMap: itemMap, session: ["d"], target: "zz")
        }
    }

    @Test func explainingRefusesAModelThatScoresNaN() throws {
        let model = try Self.gru4rec(Self.modes[0])
        model.output.bias.scalars[2] = .nan
        let itemMap = try ItemMap(ids: ["a", "b", "c", "d", "e", "f", "g", "h", "i"])
        #expect(throws: DataError.self) { try SessionAttribution.explain(model, itemMap: itemMap, session: ["d"], target: "c") }
    }

    @Test func theDrawingColoursStepsByAttributionAndEscapesItemIDs() throws {
        let model = try Self.gru4rec(Self.modes[0])
        let itemMap = try ItemMap(ids: ["a", "b", "c", "say \"hi\"", "e", "f", "g", "h", "i"])
        let attribution = SessionAttribution(model: model, session: [3, 7], target: 5)
        let dot = attribution.dot(itemMap: itemMap, title: "why f")
        #expect(dot.hasPrefix("digraph attribution {") && dot.contains("rankdir=LR"))
        #expect(dot.contains("1. say \\\"hi\\\"") && dot.contains("step0 -> step1;") && dot.contains("step1 -> target;"))
        #expect(dot.contains("why f\\nintegrated gradients (64 steps), zero baseline"))
        // The step with the largest attribution gets the full colour: red if it raised the score.
        let strongest = attribution.attributions.indices.max { abs(attribution.attributions[$0]) < abs(attribution.attributions[$1]) }!
        let colour = attribution.attributions[strongest] > 0 ? "#d73027" : "#4575b4"
        #expect(dot.contains("step\(strongest) [label=") && dot.contains("fillcolor=\"\(colour)\""))
    }
}

import Nabla
import NARM
import NablaNN
import NablaSessions
import NablaTestSupport
import Testing

/// NARM's gradients against finite differences: through a step and its scores, and into the
/// hidden states its window holds.
@Suite struct NARMGradientTests {
    @Test(arguments: ["scores", "softmax"])
    func twoStepsAndTheirScoresMatchFiniteDifferencesForEveryParameter(attention: String) throws {
        let model = try smallNARM(attention: attention)
        #expect(model.namedParameters().map(\.name) == ["items.weight", "items.bias", "gru.weightIH", "gru.weightHH", "gru.biasIH",
                                                       "gru.biasHH", "attention.A1.weight", "attention.A2.weight", "attention.v.weight",
                                                       "B.weight"])
        expectGradientsMatch(model.parameters) { _ in
            var states = model.zeroStates(batchSize: 2)
            let first = model.scores(model.step([0, 3], states: &states), items: [1, 2, 5])
            let second = model.scores(model.step([1, 4], states: &states), items: [0, 2, 4, 5])
            return concat([first, second], axis: 1)
        }
    }

    @Test func theAttentionsGradientReachesTheHiddenStatesInTheWindow() throws {
        let model = try smallNARM()
        // A window of two states of each session (oldest position empty): the GRU reads only the
        // newest, so any gradient of the older one comes through the attention.
        let older = randomInput([2, 4], seed: 2), newest = randomInput([2, 4], seed: 3), empty = randomInput([2, 4], seed: 4)
        let mask = Tensor<Double>(rows: [[0, 1, 1], [0, 1, 1]])
        expectGradientsMatch([older, newest]) { inputs in
            var states = [empty] + inputs + [mask]
            return model.scores(model.step([2, 5], states: &states), items: [0, 1, 2, 3, 4, 5])
        }
        var states = [empty, older, newest, mask]
        model.scores(model.step([2, 5], states: &states), items: [1, 3]).sum().backward()
        #expect(older.grad!.scalars.contains { $0 != 0 })
        #expect(empty.grad?.scalars.allSatisfy { $0 == 0 } ?? true, "a masked position passed a gradient")
    }

    @Test func scoresAreTheEmbeddingRowsTimesTheBilinearRepresentationPlusBias() throws {
        let model = try smallNARM()
        model.items.bias.scalars = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        var states = model.zeroStates(batchSize: 1)
        let representation = model.step([2], states: &states)
        let all = model.allScores(representation)
        for item in 0..<6 {
            let expected = (0..<3).reduce(model.items.bias[item, 0]) { $0 + model.items.weight[item, $1] * representation[0, $1] }
            #expect(abs(all[0, item] - expected) < 1e-12)
        }
    }
}

import Nabla
import NablaSessions
import NablaTestSupport
import Testing

/// Attributions of a score on models built outside the library: integrated gradients add up to
/// the change of score on an LSTM, its path's gradients match finite differences, and on a score
/// linear in the inputs every method is exact.
@Suite struct CustomModelAttributionTests {
    @Test func completenessHoldsOnACustomModel() {
        let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
        let attribution = SessionAttribution(model: model, session: [2, 6, 6, 0, 4], target: 1,
                                             method: .integratedGradients(steps: 300))
        let change = attribution.score - attribution.baselineScore
        #expect(abs(change) > 0.05)
        #expect(abs(attribution.residual) <= 1e-6 * abs(change), "residual \(attribution.residual) of \(change)")
    }

    @Test func theGradientsAlongThePathOfTheCustomModelMatchFiniteDifferences() {
        let model = TinyLSTMRecommender<Double>(itemCount: 8, embeddingSize: 4, hiddenSize: 5, seed: 2)
        let points = (0..<3).map { randomInput([2, 4], seed: UInt64($0)) }
        expectGradientsMatch(points) { model.score(of: 3, afterReading: $0) }
    }

    @Test func everyMethodIsExactForAScoreLinearInTheInputs() {
        let model = SumOfInputsRecommender(itemCount: 6, size: 3)
        let ig = SessionAttribution(model: model, session: [1, 4, 2], target: 5, method: .integratedGradients(steps: 1))
        let gradientTimesInput = SessionAttribution(model: model, session: [1, 4, 2], target: 5, method: .gradientTimesInput)
        // s = (Σ x_t) · w + b, so step t contributes x_t · w.
        let w = model.output.weight.scalars.suffix(3)
        let expected = [1, 4, 2].map { item in zip(model.embedding.weight.scalars[(item * 3)..<(item * 3 + 3)], w).map(*).reduce(0, +) }
        expectClose(ig.attributions, expected, tolerance: 1e-12)
        expectClose(gradientTimesInput.attributions, expected, tolerance: 1e-12)
        #expect(abs(ig.residual) < 1e-12 && abs(ig.baselineScore - model.output.bias.scalars[5]) < 1e-12)
    }
}

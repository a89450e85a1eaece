import Nabla
import NablaTestSupport
import Testing

/// `gradcheck` passes correct rules and reports the worst element of a wrong one.
@Suite struct GradcheckTests {
    /// `x²` with a deliberately wrong derivative (`x` instead of `2x`).
    func wronglyDifferentiatedSquare(_ x: Tensor<Double>) -> Tensor<Double> {
        Tensor(op: "badSquare", inputs: [x], shape: x.shape, scalars: x.scalars.map { $0 * $0 }) { g in
            [.dense(g * x)]
        }
    }

    @Test func customOpWithCorrectRulePasses() {
        let x = randomInput([4], seed: 101)
        let result = gradcheck([x]) { inputs in
            let x = inputs[0]
            return Tensor(op: "square", inputs: [x], shape: x.shape, scalars: x.scalars.map { $0 * $0 }) { g in
                [.dense(g * 2 * x)]
            }
        }
        #expect(result.passed, "\(result)")
        #expect(result.checkedElements == 4)
    }

    @Test func wrongRuleFailsAndNamesTheWorstElement() {
        let x = Tensor<Double>(rows: [[0.1, -0.2], [3.0, 0.5]], requiresGrad: true)
        let other = Tensor<Double>([1, 1], requiresGrad: true)
        let result = gradcheck([other, x]) { self.wronglyDifferentiatedSquare($0[1]).sum() + $0[0].sum() }
        #expect(!result.passed)
        #expect(result.inputIndex == 1)
        #expect(result.elementIndex == [1, 0])
        #expect(abs(result.analytic - 3) < 1e-9)
        #expect(abs(result.numeric - 6) < 1e-6)
        #expect(abs(result.relativeError - 0.5) < 1e-6)
        #expect(result.description.contains("gradcheck failed"))
        #expect(result.description.contains("input 1, element [1, 0]"))
    }

    @Test func inputsAreRestoredAndGradientsCleared() {
        let x = randomInput([3], seed: 102)
        let before = x.scalars
        _ = gradcheck([x]) { $0[0].exp() }
        #expect(x.scalars == before)
        #expect(x.grad == nil)
    }

    @Test func nonScalarOutputsAreCheckedThroughAWeightedSum() {
        let x = randomInput([2, 2], seed: 103)
        let bad = gradcheck([x]) { self.wronglyDifferentiatedSquare($0[0]) }
        #expect(!bad.passed)
    }
}

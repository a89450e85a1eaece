import Nabla
import NARM
import NablaSessions
import NablaTestSupport
import Testing

/// The window of hidden states NARM carries from step to step in session-parallel training.
@Suite struct NARMWindowTests {
    @Test func theStateIsTheWindowOfHiddenStatesThenItsMask() throws {
        let model = try smallNARM(window: 3)
        #expect(model.zeroStates(batchSize: 5).map(\.shape) == [[5, 4], [5, 4], [5, 4], [5, 3]])
    }

    @Test func afterKPlusTwoStepsTheWindowHoldsTheLastKHiddenStatesThemselves() throws {
        let model = try smallNARM(window: 3)
        var states = model.zeroStates(batchSize: 2)
        var hiddenStates: [Tensor<Double>] = []
        for (step, items) in [[0, 1], [2, 3], [4, 5], [1, 0], [3, 2]].enumerated() {
            _ = model.step(items, states: &states)
            hiddenStates.append(states[2])
            let filled = min(step + 1, 3)
            #expect(states[3].scalars == Array(repeating: Array(repeating: 0.0, count: 3 - filled) + Array(repeating: 1.0, count: filled),
                                               count: 2).flatMap { $0 })
        }
        // The same tensors, not copies: a graph kept over these steps runs through them.
        #expect(states[0] === hiddenStates[2] && states[1] === hiddenStates[3] && states[2] === hiddenStates[4])
    }

    @Test func aNewSessionInASlotStartsWithAnEmptyWindow() throws {
        let model = try smallNARM(window: 3)
        var states = model.zeroStates(batchSize: 2)
        for items in [[0, 1], [2, 3], [4, 5]] { _ = model.step(items, states: &states) }
        states = carryStates(states, along: [nil, 1])           // slot 0: a new session; slot 1 continues
        #expect(states[3].scalars == [0, 0, 0, 1, 1, 1])
        #expect((0..<3).allSatisfy { position in (0..<4).allSatisfy { states[position][0, $0] == 0 } })
        var fresh = model.zeroStates(batchSize: 1)
        let alone = model.step([2], states: &fresh)
        let carried = model.step([2, 0], states: &states)
        #expect(states[3].scalars == [0, 0, 1, 1, 1, 1])
        #expect((0..<3).allSatisfy { abs(carried[0, $0] - alone[0, $0]) < 1e-12 }, "a reset slot differs from a session on its own")
    }

    @Test(arguments: ["scores", "softmax"])
    func maskedPositionsGetZeroAttention(weighting: String) throws {
        let model = try smallNARM(window: 4, attention: weighting)
        var states = model.zeroStates(batchSize: 1)
        var weights: [[Double]] = []
        for item in [3, 1, 4] {
            let hidden = model.stepWindow(inputVectors: model.inputVectors([item]), states: &states)
            weights.append(model.attentionWeights(hidden: hidden, states: states).scalars)
        }
        for (step, stepWeights) in weights.enumerated() {
            #expect(stepWeights[..<(3 - step)].allSatisfy { $0 == 0 } && stepWeights[(3 - step)...].allSatisfy { $0 != 0 }, "\(weights)")
            if weighting == "softmax" { #expect(abs(stepWeights.reduce(0, +) - 1) < 1e-15) }
        }
    }

    @Test func aWindowOfOneAttendsToTheCurrentStateAlone() throws {
        let model = try smallNARM(window: 1, attention: "softmax")
        var states = model.zeroStates(batchSize: 2)
        for items in [[0, 1], [2, 3]] {
            let hidden = model.stepWindow(inputVectors: model.inputVectors(items), states: &states)
            #expect(model.attentionWeights(hidden: hidden, states: states).scalars == [1, 1])
            #expect(states[0] === hidden && states[1].scalars == [1, 1])
        }
    }
}

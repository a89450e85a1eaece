import Nabla
import NablaNN
import Testing

/// A GRU stepped without a time takes the one set around it by `withRecurrentTime`, so a model
/// that steps it for a caller tags its steps as an unrolled GRU does.
@Suite struct RecurrentTimeTests {
    @Test func aStepWithoutATimeTakesTheTimeSetAroundIt() {
        var generator = SeededRandomGenerator(seed: 4)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [3, 3], using: &generator)
        var states = gru.zeroStates(batchSize: 1)
        let x = Tensor<Double>(ones: [1, 2])
        #expect(gru.step(x, states: &states).scope == "layer1")
        #expect(RecurrentTime.current == nil)
        let timed = withRecurrentTime(2) { withScope("gru") { gru.step(x, states: &states) } }
        #expect(timed.scope == "gru.layer1.t2" && states[0].scope == "gru.layer0.t2")
        #expect(withRecurrentTime(2) { gru.step(x, states: &states, time: 5) }.scope == "layer1.t5", "an explicit time wins")
        #expect(RecurrentTime.current == nil)
    }
}

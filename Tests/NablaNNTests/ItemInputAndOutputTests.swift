import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// The layers GRU4Rec is assembled from: a GRU reading item indices, dropout between stacked
/// layers, the item output layer, and the optimizer state a checkpoint saves.
@Suite struct ItemInputAndOutputTests {
    @Test(arguments: GRUFormulation.allCases)
    func anItemInputCellEqualsAVectorCellFedOneHotVectors(formulation: GRUFormulation) {
        var generator = SeededRandomGenerator(seed: 4)
        let items = GRUCell<Double>(input: .items(count: 5), hiddenSize: 3, formulation: formulation, using: &generator)
        let vectors = GRUCell<Double>(inputSize: 5, hiddenSize: 3, formulation: formulation, using: &generator)
        // The same weights: the table is W_ihᵀ.
        vectors.weightIH.scalars = items.weightIH.transposed().scalars
        vectors.biasIH.scalars = items.biasIH.scalars
        vectors.weightHH.scalars = items.weightHH.scalars
        let h = randomInput([3, 3], seed: 5)
        let oneHot = Tensor<Double>([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1], shape: [3, 5])
        expectClose(items([2, 0, 4], h).scalars, vectors(oneHot, h).scalars, tolerance: 1e-14)
        #expect(items.localParameters.map(\.name).first == "inputTable")
    }

    @Test(arguments: GRUFormulation.allCases, GRUImplementation.allCases)
    func aStackReadingItemsMatchesFiniteDifferences(formulation: GRUFormulation, implementation: GRUImplementation) {
        var generator = SeededRandomGenerator(seed: 6)
        let gru = GRU<Double>(input: .items(count: 6), hiddenSizes: [4, 3], formulation: formulation,
                              implementation: implementation, using: &generator)
        let start = gru.zeroStates(batchSize: 2).map { Tensor<Double>.uniform($0.shape, in: -0.5..<0.5, using: &generator) }
        expectGradientsMatch(gru.parameters) { _ in
            var states = start
            _ = gru.step(items: [1, 5], states: &states)
            return gru.step(items: [3, 0], states: &states).tanh().sum() + states[0].sum()
        }
    }

    @Test func dropoutBetweenLayersIsCarriedAsTheStateAndOffInEvaluation() {
        var generator = SeededRandomGenerator(seed: 7)
        let gru = GRU<Double>(input: .vectors(size: 3), hiddenSizes: [8, 8], dropout: 0.5, dropoutSeed: 3, using: &generator)
        let x = randomInput([2, 3], seed: 8)
        var states = gru.zeroStates(batchSize: 2)
        let output = gru.step(x, states: &states)
        #expect(output.scalars == states[1].scalars)
        #expect(states[0].scalars.contains(0) && states[1].scalars.contains(0), "no element was dropped")
        gru.eval()
        var first = gru.zeroStates(batchSize: 2), second = gru.zeroStates(batchSize: 2)
        #expect(gru.step(x, states: &first).scalars == gru.step(x, states: &second).scalars)
        #expect(gru.randomStreamOwners.map(\.name) == ["dropout0", "dropout1"])
    }

    @Test(arguments: GRUImplementation.allCases)
    func itemOutputScoresMatchFiniteDifferencesAndEachOther(implementation: GRUImplementation) {
        var generator = SeededRandomGenerator(seed: 9)
        let output = ItemOutput<Double>(itemCount: 7, inputSize: 3, using: &generator)
        output.implementation = implementation
        output.bias.scalars = Tensor<Double>.uniform([7, 1], in: -1..<1, using: &generator).scalars
        let hidden = randomInput([2, 3], seed: 10)
        let columns = [1, 4, 4, 0]
        expectGradientsMatch([hidden, output.weight, output.bias]) { _ in output.scores(hidden, items: columns).tanh().sum() }
        let expected = (matmul(hidden, output.weight, transposeB: true) + output.bias.reshaped([1, -1])).scalars
        let all = withNoGrad { output.allScores(hidden) }
        #expect(all.shape == [2, 7])
        expectClose(all.scalars, expected, tolerance: 1e-14)
        let chosen = withNoGrad { output.scores(hidden, items: columns) }
        for (position, column) in columns.enumerated() {
            #expect(abs(chosen[1, position] - all[1, column]) < 1e-14)
        }
    }

    @Test func everyOptimizersStateRoundTripsAndAMismatchIsAnError() throws {
        var generator = SeededRandomGenerator(seed: 11)
        let parameter = Tensor<Double>.uniform([3, 2], in: -1..<1, using: &generator, requiresGrad: true)
        parameter.name = "w"
        let optimizers: [any Optimizer<Double>] = [SGD(parameters: [parameter], learningRate: 0.1, momentum: 0.5),
                                                   Adagrad(parameters: [parameter], learningRate: 0.1, momentum: 0.2),
                                                   Adam(parameters: [parameter], learningRate: 0.1)]
        for optimizer in optimizers {
            parameter.zeroGrad()
            (parameter * parameter).sum().backward()
            optimizer.step()
            let saved = optimizer.state
            #expect(!saved.buffers.isEmpty)
            try optimizer.restore(saved)
            #expect(optimizer.state.buffers == saved.buffers && optimizer.state.counters == saved.counters)
            var wrong = saved
            wrong.buffers[saved.buffers.keys.first!] = [[1]]
            #expect(throws: OptimizerStateError.self) { try optimizer.restore(wrong) }
            #expect(optimizer.state.buffers == saved.buffers, "a refused state changed the optimizer")
        }
        #expect(optimizers[2].state.counters == ["step": 1])
    }

    @Test func anItemInputCellReadingATensorIsANamedMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededRandomGenerator(seed: 1)
            let cell = GRUCell<Float>(input: .items(count: 4), hiddenSize: 2, using: &generator)
            _ = cell(Tensor<Float>(zeros: [1, 4]), Tensor<Float>(zeros: [1, 2]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("this cell reads item indices"))
    }

    @Test func anItemOutsideTheTableIsANamedMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var generator = SeededRandomGenerator(seed: 1)
            let cell = GRUCell<Float>(input: .items(count: 4), hiddenSize: 2, using: &generator)
            _ = cell([4], Tensor<Float>(zeros: [1, 2]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("item 4 is out of range for 4 items"))
    }
}

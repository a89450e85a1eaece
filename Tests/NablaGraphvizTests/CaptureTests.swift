import Nabla
import NablaGraphviz
import NablaNN
import Testing

/// Capturing a recorded graph: nodes, kinds, scopes, gradients; the graph itself is untouched.
@Suite struct CaptureTests {
    @Test func nodesKindsAndEdgesOfASmallExpression() {
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        let x = Tensor<Double>([1, 2])
        let y = (w * x).sum()
        let graph = ComputationGraph.capture(y)
        #expect(graph.nodes.map(\.kind) == [.parameter, .input, .op, .output])
        #expect(graph.nodes.map(\.op) == [nil, nil, "mul", "sum"])
        #expect(graph.nodes[0].label == "w\n[2]")
        #expect(graph.edges == [.init(from: 0, to: 2), .init(from: 1, to: 2), .init(from: 2, to: 3)])
        #expect(!graph.hasGradients)
    }

    @Test func captureWorksAfterBackwardAndChangesNothing() {
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        let y = (w * w).tanh().sum()
        let before = ComputationGraph.capture(y)
        #expect(y.record?.isFreed == false)
        y.backward()
        let after = ComputationGraph.capture(y)
        #expect(after.nodes.map(\.op) == before.nodes.map(\.op))
        #expect(after.edges == before.edges)
        #expect(after.nodes[0].gradientNorm != nil)
        #expect(after.nodes[1].gradientNorm == nil)      // intermediates keep no gradient unless asked
    }

    @Test func retainedGradientsGiveEveryNodeANorm() {
        let w = Tensor<Double>([3, 4], requiresGrad: true)
        let y = (w * 1).sum()
        ComputationGraph.retainGradients(of: y)
        y.backward()
        let graph = ComputationGraph.capture(y)
        #expect(graph.nodes.filter { $0.kind != .input }.allSatisfy { $0.gradientNorm != nil })
        #expect(graph.nodes[0].gradientNorm == 2.0.squareRoot())
    }

    @Test func rowSparseGradientNormsNeedNoDenseCopy() {
        let table = Tensor<Double>(zeros: [1000, 4], requiresGrad: true)
        table.gather(rows: [3, 3]).sum().backward()
        let graph = ComputationGraph.capture(table.gather(rows: [0]))
        #expect(graph.nodes[0].gradientNorm == 4)    // row 3 twice: four elements of 2, norm √16
    }

    @Test func parametersCarryTheirModuleNames() {
        var generator = SeededRandomGenerator(seed: 1)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [3], using: &generator)
        gru.labelParameters(prefix: "gru")
        let h = gru.step(Tensor(ones: [1, 2]), gru.zeroStates(batchSize: 1))[0]
        let names = ComputationGraph.capture(h).nodes.filter { $0.kind == .parameter }.compactMap(\.name)
        #expect(Set(names) == ["gru.layer0.weightIH", "gru.layer0.weightHH", "gru.layer0.biasIH", "gru.layer0.biasHH"])
    }

    @Test(arguments: GRUFormulation.allCases)
    func composedGRUStepContainsEveryGate(formulation: GRUFormulation) {
        var generator = SeededRandomGenerator(seed: 2)
        let cell = GRUCell<Double>(inputSize: 2, hiddenSize: 3, formulation: formulation, implementation: .composed, using: &generator)
        let h = cell(Tensor(ones: [1, 2]), Tensor(zeros: [1, 3]))
        let graph = ComputationGraph.capture(h)
        let gateScopes: [String] = formulation == .pytorch ? ["r", "z", "n"] : ["r", "z", "candidate"]
        for gate in gateScopes {
            let ops = graph.nodes.filter { $0.scope == gate }.compactMap(\.op)
            #expect(ops.contains(gate == "r" || gate == "z" ? "sigmoid" : "tanh"), "gate \(gate): \(ops)")
        }
        #expect(graph.nodes.filter { $0.op == "matmul" }.count == (formulation == .pytorch ? 2 : 4))
    }

    @Test func fusedGRUStepIsOneRecurrenceOpNamedForItsFormulation() {
        var generator = SeededRandomGenerator(seed: 3)
        for formulation in GRUFormulation.allCases {
            let cell = GRUCell<Double>(inputSize: 2, hiddenSize: 3, formulation: formulation, using: &generator)
            let graph = ComputationGraph.capture(cell(Tensor(ones: [1, 2]), Tensor(zeros: [1, 3])))
            #expect(graph.nodes.compactMap(\.op) == ["matmul", "add", "gru.\(formulation.rawValue)"])
        }
    }

    @Test func unrolledStepsAreTaggedPerLayerAndTime() {
        var generator = SeededRandomGenerator(seed: 4)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [3, 3], implementation: .composed, using: &generator)
        let inputs = (0..<4).map { _ in Tensor<Double>(ones: [1, 2]) }
        let graph = ComputationGraph.capture(gru.unrolled(inputs).outputs[3].sum())
        let steps = Set(graph.nodes.compactMap(\.scope).compactMap { scope in
            scope.split(separator: ".").prefix(2).joined(separator: ".")
        })
        #expect(steps == Set((0..<2).flatMap { layer in (0..<4).map { "layer\(layer).t\($0)" } }))
    }
}

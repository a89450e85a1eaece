import Nabla
import NablaGraphviz
import NablaNN
import Testing

/// DOT text: exact for a small expression, deterministic, escaped, clustered by scope.
@Suite struct DOTTests {
    func smallExpression() -> Tensor<Double> {
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        return withScope("block") { (w * 2).tanh() }.sum()
    }

    @Test func exactTextForASmallExpression() {
        let expected = """
        digraph computation {
          rankdir=LR;
          compound=true; newrank=true; fontname="Helvetica";
          node [fontname="Helvetica", fontsize=10];
          edge [fontname="Helvetica", fontsize=8, color="#555555"];
          n0 [label="w\\n[2]", shape=box, style=filled, fillcolor="#cfe2ff"];
          n1 [label="2", shape=ellipse, style=filled, fillcolor="#eeeeee"];
          n4 [label="sum (axes: [0])\\n[]", shape=doubleoctagon, style=filled, fillcolor="#ffe4b5"];
          subgraph cluster_block {
            label="block"; style="rounded,dashed"; color="#8888aa"; fontcolor="#444466";
            n2 [label="mul\\n[2]", shape=box, style="rounded,filled", fillcolor="#fff8dc"];
            n3 [label="tanh\\n[2]", shape=box, style="rounded,filled", fillcolor="#fff8dc"];
          }
          n0 -> n2;
          n1 -> n2;
          n2 -> n3;
          n3 -> n4;
        }

        """
        #expect(smallExpression().graphDOT(DOTOptions(direction: .leftToRight, showLegend: false)) == expected)
    }

    @Test func constantsMasksAndStartingStatesAreLabelledByTheirRole() {
        var generator = SeededRandomGenerator(seed: 3)
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [4, 4], implementation: .composed, using: &generator)
        let dropout = Dropout<Double>(probability: 0.5, seed: 1)
        let x = Tensor<Double>.uniform([2, 3], in: -1..<1, using: &generator)
        let states = gru.step(x, gru.zeroStates(batchSize: 2), time: 0)
        let labels = ComputationGraph.capture(dropout(states[1]).sum()).nodes.filter { $0.kind == .input }.map(\.label)
        #expect(labels.contains("1"), "the 1 of 1 − z: \(labels)")
        #expect(labels.contains("dropout mask\n[2, 4]"), "\(labels)")
        #expect(labels.contains("h₀ layer 0\n[2, 4]") && labels.contains("h₀ layer 1\n[2, 4]"), "\(labels)")
        #expect(labels.filter { $0.hasPrefix("input") } == ["input\n[2, 3]"], "only x is an unnamed input: \(labels)")
    }

    @Test func sameGraphGivesTheSameText() {
        let y = smallExpression()
        #expect(y.graphDOT() == y.graphDOT())
        #expect(smallExpression().graphDOT() == smallExpression().graphDOT())
    }

    @Test func legendListsEveryNodeKindDrawn() {
        let text = smallExpression().graphDOT()
        for kind in ComputationGraph.NodeKind.allCases {
            #expect(text.contains("legend_\(kind.rawValue) [label=\"\(kind.rawValue)\""))
        }
    }

    @Test func labelsAreEscaped() {
        let x = Tensor<Double>([1], requiresGrad: true)
        x.name = #"a "quoted" \ name"#
        #expect((x * 1).graphDOT().contains(#"label="a \"quoted\" \\ name\n[1]""#))
    }

    @Test func beforeBackwardTheDrawingSaysGradientsAreNotComputed() {
        let y = smallExpression()
        let text = y.graphDOT(DOTOptions(showGradients: true))
        #expect(text.contains("gradients not computed yet: call backward() first"))
        #expect(!text.contains("‖∇‖ = 0"))
    }

    @Test func afterBackwardNodesShowNormsAndTheHeatLegend() {
        let y = smallExpression()
        ComputationGraph.retainGradients(of: y)
        y.backward()
        let text = y.graphDOT(DOTOptions(showGradients: true))
        #expect(text.contains("‖∇‖ = "))
        #expect(text.contains("legend_scale") && text.contains("log scale, fitted to this graph"))
        #expect(text.contains("penwidth="))
        #expect(!text.contains("not computed yet"))
    }

    @Test func nestedScopesBecomeNestedClusters() {
        var generator = SeededRandomGenerator(seed: 5)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [2], implementation: .composed, using: &generator)
        let y = gru.unrolled([Tensor(ones: [1, 2]), Tensor(ones: [1, 2])]).outputs[1].sum()
        let text = y.graphDOT(DOTOptions(arrangeTimeSteps: false))
        #expect(text.contains("subgraph cluster_layer0 {"))
        #expect(text.contains("  subgraph cluster_layer0_t1 {"))
        #expect(text.contains("subgraph cluster_layer0_t1_r {"))
    }

    @Test func identicalTimeStepsCollapseIntoOneMarkedCluster() {
        var generator = SeededRandomGenerator(seed: 6)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [2], implementation: .composed, using: &generator)
        let inputs = (0..<4).map { _ in Tensor<Double>(ones: [1, 2]) }
        let y = gru.unrolled(inputs).outputs[3].sum()
        let full = ComputationGraph.capture(y)
        let collapsed = full.collapsingRepeatedSteps()
        #expect(collapsed.repeatCounts == ["layer0.t3": 4])
        #expect(collapsed.nodes.count < full.nodes.count / 3)
        #expect(Set(collapsed.nodes.compactMap(\.scope).map { $0.split(separator: ".").prefix(2).joined(separator: ".") }) == ["layer0.t3"])
        #expect(y.graphDOT(DOTOptions(collapseRepeatedSteps: true)).contains("label=\"layer0.t* × 4\""))
        #expect(collapsed.stepGradientNorms == ["layer0.t3": [nil, nil, nil, nil]], "no backward yet")
    }
}

import Foundation
import Nabla
import NablaGraphviz
import NablaNN
import Testing

/// Recurrent graphs drawn as a grid: positions read back from Graphviz's layout, named states,
/// edges by kind, shared weights, the loss box, constants, the colour bar, collapsed steps and
/// gradients summed over several backward passes.
@Suite struct GridDrawingTests {
    /// A 2-layer GRU unrolled over `steps` steps with a loss on the last output, after `backward()`.
    static func unrolledLoss(implementation: GRUImplementation = .fused, steps: Int = 4) -> Tensor<Double> {
        var generator = SeededRandomGenerator(seed: 11)
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [4, 4], implementation: implementation, using: &generator)
        let output = Dense<Double>(inputSize: 4, outputSize: 5, using: &generator)
        gru.labelParameters(prefix: "gru")
        output.labelParameters(prefix: "output")
        let inputs = (0..<steps).map { _ in Tensor<Double>.uniform([1, 3], in: -1..<1, using: &generator) }
        let logits = output(gru.unrolled(inputs).outputs[steps - 1])
        let loss = withScope("loss") { Losses.softmaxCrossEntropy(logits: logits, labels: [2]) }
        ComputationGraph.retainGradients(of: loss)
        loss.backward()
        return loss
    }

    /// The id of each step's state, the last node whose scope is within `layerL.tT`.
    static func states(in graph: ComputationGraph) -> [String: Int] {
        var result: [String: Int] = [:]
        for node in graph.nodes {
            guard let scope = node.scope, scope.hasPrefix("layer") else { continue }
            result[scope.split(separator: ".").prefix(2).joined(separator: ".")] = node.id
        }
        return result
    }

    @Test(arguments: [GRUImplementation.fused, .composed])
    func timeRunsLeftToRightAndLayersBottomToTop(implementation: GRUImplementation) throws {
        let loss = Self.unrolledLoss(implementation: implementation)
        let graph = ComputationGraph.capture(loss)
        let states = Self.states(in: graph)
        let centres = try Graphviz.nodeCenters(dot: graph.dot(DOTOptions(showGradients: true)))
        func centre(_ layer: Int, _ time: Int) -> SIMD2<Double> { centres["n\(states["layer\(layer).t\(time)"]!)"]! }
        for layer in 0..<2 {
            for time in 1..<4 {
                #expect(centre(layer, time - 1).x < centre(layer, time).x, "layer \(layer): t\(time - 1) is not left of t\(time)")
                #expect(centre(layer, time - 1).y == centre(layer, time).y, "layer \(layer): t\(time - 1) and t\(time) on different rows")
            }
        }
        for time in 0..<4 {
            #expect(centre(0, time).y < centre(1, time).y, "t\(time): layer 0 is not below layer 1")
        }
    }

    @Test func statesAreNamedAndEdgesSayWhatTheyCarry() {
        let text = Self.unrolledLoss().graphDOT()
        #expect(text.contains("h⁰₀ = gru.pytorch") && text.contains("h¹₃ = gru.pytorch"))
        let edges = text.split(separator: "\n").filter { $0.contains(" -> n") }
        let recurrent = edges.filter { $0.contains("xlabel=\"h⁰₀\"") }
        let upward = edges.filter { $0.contains(" label=\"h⁰₀\"") || $0.contains("[label=\"h⁰₀\"") }
        #expect(recurrent.count == 1 && recurrent[0].contains("style=dashed"), "\(recurrent)")
        #expect(upward.count == 1 && !upward[0].contains("dashed"), "\(upward)")
        #expect(text.contains("legend_recurrent_from") && text.contains("row_0 [label=\"layer0\""))
    }

    @Test func aModelsOwnNameNamesItsState() {
        var generator = SeededRandomGenerator(seed: 12)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [3], using: &generator)
        let outputs = gru.unrolled([Tensor(ones: [1, 2]), Tensor(ones: [1, 2])]).outputs
        outputs[0].name = "after the first click"
        let text = outputs[1].sum().graphDOT()
        #expect(text.contains("after the first click = gru.pytorch"))
        #expect(text.contains("xlabel=\"after the first click\""))
    }

    @Test func sharedWeightsAreDrawnOnceBesideTheGridWithOneEdge() {
        let loss = Self.unrolledLoss()
        let graph = ComputationGraph.capture(loss)
        let text = graph.dot()
        #expect(text.contains("label=\"layer0 weights, shared by t0–t3\""))
        let weight = graph.nodes.first { $0.name == "gru.layer0.weightHH" }!
        let edgesFromWeight = text.split(separator: "\n").filter { $0.hasPrefix("  n\(weight.id) -> ") }
        #expect(edgesFromWeight.count <= 1, "\(edgesFromWeight)")
        #expect(text.contains("label=\"read by t0–t3\""))
    }

    @Test func parametersAreColouredOnlyWhenAsked() {
        let loss = Self.unrolledLoss()
        let graph = ComputationGraph.capture(loss)
        let weight = graph.nodes.first { $0.name == "output.weight" }!
        func line(_ options: DOTOptions) -> String {
            String(graph.dot(options).split(separator: "\n").first { $0.contains("n\(weight.id) [label=") }!)
        }
        #expect(line(DOTOptions(showGradients: true)).contains("fillcolor=\"#cfe2ff\""))
        #expect(line(DOTOptions(showGradients: true)).contains("‖∇‖ = "))
        #expect(!line(DOTOptions(showGradients: true, colorParameters: true)).contains("#cfe2ff"))
        #expect(graph.dot(DOTOptions(showGradients: true, colorParameters: true)).contains("parameter\\n(coloured by ‖∇‖)"))
    }

    @Test func theLegendShowsOnlyWhatIsDrawn() {
        let w = Tensor<Double>([1, 2], requiresGrad: true)
        let text = (w * 3).sum().graphDOT()
        for drawn in ["legend_input", "legend_parameter", "legend_op", "legend_output"] { #expect(text.contains(drawn)) }
        for absent in ["legend_state", "legend_box", "legend_scale", "legend_summed", "legend_recurrent"] { #expect(!text.contains(absent)) }
        let grid = Self.unrolledLoss().graphDOT(DOTOptions(showGradients: true))
        for drawn in ["legend_state", "legend_box", "legend_scale", "legend_recurrent"] { #expect(grid.contains(drawn)) }
    }

    @Test func theColourBarPrintsItsScaleFittedOrFixed() {
        let loss = Self.unrolledLoss()
        let fitted = loss.graphDOT(DOTOptions(showGradients: true))
        #expect(fitted.contains("‖∇‖, log scale, fitted to this graph"))
        let scale = GradientScale(lower: 1e-3, upper: 10)
        let fixed = loss.graphDOT(DOTOptions(showGradients: true, gradientScale: scale))
        #expect(fixed.contains("‖∇‖, log scale, fixed"))
        #expect(fixed.contains(">0.001</TD>") && fixed.contains(">0.1</TD>") && fixed.contains(">10</TD>"))
        let linear = loss.graphDOT(DOTOptions(showGradients: true, gradientScale: GradientScale(lower: 0, upper: 2, logarithmic: false)))
        #expect(linear.contains("‖∇‖, linear scale, fixed") && linear.contains(">1</TD>"))
    }

    @Test func oneFixedScaleGivesTwoDrawingsTheSameColours() {
        /// The colour of `w` (‖∇‖ = √2) in a graph that also holds `u`, with a gradient 1000 times
        /// smaller, and `v`, whose gradient grows with `spread`.
        func colourOfW(spread: Double, _ options: DOTOptions) -> String {
            let w = Tensor<Double>([3, 4], requiresGrad: true), v = Tensor<Double>([3, 4], requiresGrad: true)
            let u = Tensor<Double>([3, 4], requiresGrad: true)
            w.name = "w"
            let y = w.sum() + (v * spread).sum() + (u * 0.001).sum()
            y.backward()
            let line = y.graphDOT(options).split(separator: "\n").first { $0.contains("[label=\"w\\n") }!
            return String(line.split(separator: "fillcolor=").last!)
        }
        let fixed = DOTOptions(showGradients: true, colorParameters: true, gradientScale: GradientScale(lower: 0.01, upper: 1e4))
        #expect(colourOfW(spread: 10, fixed) == colourOfW(spread: 1000, fixed))
        let fitted = DOTOptions(showGradients: true, colorParameters: true)
        #expect(colourOfW(spread: 10, fitted) != colourOfW(spread: 1000, fitted))
    }

    @Test func aLossIsOneNamedBoxThatOpensOnRequest() {
        let loss = Self.unrolledLoss()
        let closed = loss.graphDOT()
        #expect(closed.contains("[label=\"loss\\n") && closed.contains("shape=box3d"))
        #expect(!closed.contains("[label=\"exp\\n"))
        #expect(closed.contains("n\(ComputationGraph.capture(loss).nodes.last!.id) [label=\"loss"), "the box keeps the loss's node name")
        let opened = loss.graphDOT(DOTOptions(closedScopes: []))
        #expect(opened.contains("[label=\"exp\\n") && !opened.contains("shape=box3d"))
    }

    @Test func decimalConstantsAreFoldedIntoTheirOpWholeNumbersStay() {
        let w = Tensor<Double>([1, 2], requiresGrad: true)
        let text = ((1 - w) * 0.1564).sum().graphDOT(DOTOptions(showLegend: false))
        #expect(text.contains("mul\\nwith constant 0.1564"))
        #expect(!text.contains("[label=\"0.1564\""))
        #expect(text.contains("[label=\"1\", shape=ellipse"))
    }

    @Test func collapsedStepsKeepEveryStepsGradientNorm() {
        let loss = Self.unrolledLoss(implementation: .composed)
        let graph = ComputationGraph.capture(loss).collapsingRepeatedSteps()
        let norms = graph.stepGradientNorms["layer1.t3"]!
        #expect(norms.count == 4 && norms.allSatisfy { $0 != nil })
        let text = loss.graphDOT(DOTOptions(showGradients: true, collapseRepeatedSteps: true))
        for time in 0..<4 { #expect(text.contains(">t\(time)<BR/>")) }
        #expect(text.contains("state ‖∇‖ per step"))
    }

    @Test func gradientsSummedOverSeveralBackwardPassesAreMarked() {
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        (w * 2).sum().backward()
        let second = (w * 3).sum()
        second.backward()
        #expect(w.backwardPasses == 2)
        let node = ComputationGraph.capture(second).nodes.first { $0.name == "w" }!
        #expect(node.backwardPasses == 2)
        let text = second.graphDOT(DOTOptions(showGradients: true))
        #expect(text.contains("sum of 2 backward()") && text.contains("peripheries=2"))
        #expect(text.contains("legend_summed"))
        w.zeroGrad()
        (w * 4).sum().backward()
        #expect(w.backwardPasses == 1)
        #expect(!(w * 1).sum().graphDOT(DOTOptions(showGradients: true)).contains("sum of"))
    }

    /// Graphviz 2.42 corrupts its memory on some cluster layouts, which shows only on a later
    /// layout in the same process: the grid drawings are laid out several times in a child process.
    @Test func gridDrawingsCanBeLaidOutAgainAndAgain() async {
        await #expect(processExitsWith: .success) {
            for implementation in [GRUImplementation.fused, .composed] {
                let loss = GridDrawingTests.unrolledLoss(implementation: implementation)
                for options in [DOTOptions(showGradients: true), DOTOptions(showGradients: true, collapseRepeatedSteps: true),
                                DOTOptions(closedScopes: [])] {
                    let dot = loss.graphDOT(options)
                    for _ in 0..<3 { _ = try Graphviz.render(dot: dot, format: .svg) }
                }
            }
        }
    }

    /// The DOT text of a small recurrent graph, compared with the one recorded in
    /// `SmallGridSnapshot.swift`; set `NABLA_RECORD_SNAPSHOTS=1` to record it anew.
    @Test func smallGridMatchesItsRecordedText() throws {
        var generator = SeededRandomGenerator(seed: 13)
        let gru = GRU<Double>(inputSize: 2, hiddenSizes: [2, 2], using: &generator)
        gru.labelParameters(prefix: "gru")
        let inputs = [Tensor<Double>(ones: [1, 2]), Tensor<Double>(zeros: [1, 2])]
        let state = gru.unrolled(inputs).outputs[1]
        let loss = withScope("loss") { state.sum() * 0.5 }
        ComputationGraph.retainGradients(of: loss)
        loss.backward()
        let text = loss.graphDOT(DOTOptions(showGradients: true, gradientScale: GradientScale(lower: 1e-3, upper: 1)))
        if ProcessInfo.processInfo.environment["NABLA_RECORD_SNAPSHOTS"] != nil {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("SmallGridSnapshot.swift")
            let source = try String(contentsOf: url, encoding: .utf8)
            let head = source.components(separatedBy: "let smallGridSnapshot = ")[0]
            // A multi-line literal leaves out the line break before its closing delimiter.
            try (head + "let smallGridSnapshot = ##\"\"\"\n" + text + "\n\"\"\"##\n").write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(text == smallGridSnapshot, "the drawing changed; record it with NABLA_RECORD_SNAPSHOTS=1 and read the difference")
    }
}

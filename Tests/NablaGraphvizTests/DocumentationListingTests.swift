import Nabla
import NablaGraphviz
import NablaNN
import NablaTestSupport
import Testing

/// The listings in `Docs/visualization.md` compile, run and print what the page shows.
@Suite struct DocumentationListingTests {
    @Test func visualizationBasicsListingRuns() throws {
        // snippet: visualization-basics
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        let y = withScope("block") { (w * 2).tanh() }.sum()

        let dot = y.graphDOT(DOTOptions(direction: .leftToRight))   // DOT text, pure Swift
        let svg = try y.renderGraph(.svg)                           // bytes, in memory
        ComputationGraph.retainGradients(of: y)                     // keep gradients of every op
        y.backward()
        let png = try y.renderGraph(.png, options: DOTOptions(showGradients: true))
        // end snippet

        #expect(dot.contains("subgraph cluster_block"))
        #expect(String(decoding: svg.prefix(5), as: UTF8.self) == "<?xml")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func composedStepsAreManyNodesUntilRepeatedStepsCollapse() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: visualization-collapse
        var generator = SeededRandomGenerator(seed: 42)
        let gru = GRU<Float>(inputSize: 4, hiddenSizes: [5, 5], implementation: .composed, using: &generator)
        let inputs = (0..<4).map { _ in Tensor<Float>.uniform([1, 4], in: -1..<1, using: &generator) }
        let composed = gru.unrolled(inputs).outputs[3].sum()
        let graph = ComputationGraph.capture(composed)
        print("composed, 2 layers × 4 steps:", graph.nodes.count, "nodes")
        print("repeated steps collapsed:", graph.collapsingRepeatedSteps().nodes.count, "nodes")
        let collapsed = try composed.renderGraph(.svg, options: DOTOptions(collapseRepeatedSteps: true))
        gru.implementation = .fused
        print("fused cells:", ComputationGraph.capture(gru.unrolled(inputs).outputs[3].sum()).nodes.count, "nodes")
        // end snippet

        DocumentSnippets.expectOutput("visualization-collapse", printer.text)
        #expect(String(decoding: collapsed, as: UTF8.self).contains("× 4"))
    }

    @Test func gridListingDrawsSharedScalesAndReadsTheGridBack() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: visualization-grid
        var generator = SeededRandomGenerator(seed: 42)
        let gru = GRU<Float>(inputSize: 4, hiddenSizes: [5, 5], using: &generator)
        let head = Dense<Float>(inputSize: 5, outputSize: 6, using: &generator)
        gru.labelParameters(prefix: "gru")
        head.labelParameters(prefix: "head")
        let inputs = (0..<4).map { _ in Tensor<Float>.uniform([1, 4], in: -1..<1, using: &generator) }
        let states = gru.unrolled(inputs).outputs
        states[3].name = "last state"                           // the model's own name for a state
        let logits = head(states[3])
        let loss = withScope("loss") { Losses.softmaxCrossEntropy(logits: logits, labels: [2]) }
        ComputationGraph.retainGradients(of: loss)
        loss.backward()

        let shared = DOTOptions(showGradients: true, gradientScale: GradientScale(lower: 0.01, upper: 2))
        let grid = try loss.renderGraph(.svg, options: shared)  // the loss as one box
        var detailed = shared
        detailed.closedScopes.remove("loss")                    // the loss's ops
        detailed.colorParameters = true                         // parameters coloured too
        let opened = try loss.renderGraph(.svg, options: detailed)

        let graph = ComputationGraph.capture(loss)
        let centres = try Graphviz.nodeCenters(dot: graph.dot(shared))
        for layer in [1, 0] {
            let row = graph.nodes.filter { $0.op == "gru.pytorch" && $0.scope!.hasPrefix("layer\(layer)") }
            let norms = row.map { String(format: "%.3f", $0.gradientNorm!) }
            let leftToRight = zip(row, row.dropFirst()).allSatisfy { centres["n\($0.id)"]!.x < centres["n\($1.id)"]!.x }
            print("layer \(layer), t0 … t3: ‖∇h‖", norms.joined(separator: " "), "drawn left to right:", leftToRight)
        }
        print("per step, collapsed:", graph.collapsingRepeatedSteps().stepGradientNorms["layer1.t3"]!.map { String(format: "%.3f", $0!) })
        // end snippet

        DocumentSnippets.expectOutput("visualization-grid", printer.text)
        let gridText = String(decoding: grid, as: UTF8.self), openedText = String(decoding: opened, as: UTF8.self)
        #expect(gridText.contains("last state = gru.pytorch") && gridText.contains("fixed"))
        #expect(!gridText.contains(">exp</text>") && openedText.contains(">exp</text>"))
    }

    @Test func accumulatedGradientsListingRuns() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: visualization-accumulated
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        (w * 2).sum().backward()
        let second = (w * 3).sum()
        second.backward()                                       // adds into w's gradient
        print("backward passes in w's gradient:", w.backwardPasses)
        print("drawn as a sum:", second.graphDOT(DOTOptions(showGradients: true)).contains("sum of 2 backward()"))
        // end snippet

        DocumentSnippets.expectOutput("visualization-accumulated", printer.text)
    }

    @Test func backpropagationPageListingNamesEachDerivative() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: visualization-page
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        w.name = "w"
        let y = (w * 2).tanh().sum()
        ComputationGraph.retainGradients(of: y)                 // every op keeps its gradient
        y.backward()
        let page = try BackpropagationPage(of: y, title: "tanh(2w)")
        for step in page.trace.backward { print(step.rule) }
        let html = try page.html                                // or page.write(to: url)
        // end snippet

        DocumentSnippets.expectOutput("visualization-page", printer.text)
        #expect(html.contains(#"id="trace""#) && !html.contains("http:"))
    }
}

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
}

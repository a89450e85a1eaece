import Nabla
import NablaGraphviz
import Testing

/// The listing in `Docs/visualization.md` compiles and runs.
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
}

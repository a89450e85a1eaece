import Foundation
import Nabla
import NablaGraphviz
import NablaNN
import NablaTestSupport
import Testing

/// Tutorial 4: the GRU cell from its equations, its listings run in order as one program.
@Suite struct Tutorial4Tests {
    @Test func gruFromEquationsDrawnAndUnrolled() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t4-equations
        /// One GRU step in PyTorch's formulation, straight from its equations.
        func myGRUStep(_ x: Tensor<Double>, _ h: Tensor<Double>, cell: GRUCell<Double>) -> Tensor<Double> {
            let input = (matmul(x, cell.weightIH, transposeB: true) + cell.biasIH).chunked(into: 3, axis: 1)
            let hidden = (matmul(h, cell.weightHH, transposeB: true) + cell.biasHH!).chunked(into: 3, axis: 1)
            let r = (input[0] + hidden[0]).sigmoid()              // reset gate
            let z = (input[1] + hidden[1]).sigmoid()              // update gate
            let n = (input[2] + r * hidden[2]).tanh()             // candidate
            return (1 - z) * n + z * h                            // keep z of the old state
        }

        var generator = SeededRandomGenerator(seed: 4)
        let cell = GRUCell<Double>(inputSize: 3, hiddenSize: 5, formulation: .pytorch, using: &generator)
        let x = Tensor<Double>.uniform([2, 3], in: -1..<1, using: &generator)
        let h = Tensor<Double>.uniform([2, 5], in: -1..<1, using: &generator)
        let mine = myGRUStep(x, h, cell: cell)
        let fused = cell(x, h)                                    // one op, hand-written backward
        let difference = zip(mine.scalars, fused.scalars).map { abs($0 - $1) }.max()!
        print("largest difference:", difference < 1e-12 ? "below 1e-12" : "\(difference)")
        let check = gradcheck([x, h].map { Tensor($0.scalars, shape: $0.shape, requiresGrad: true) }) {
            myGRUStep($0[0], $0[1], cell: cell)
        }
        print("gradcheck:", check.passed)
        // end snippet

        let printedByEquations = printer.text
        DocumentSnippets.expectOutput("t4-equations", printedByEquations)

        // snippet: t4-draw
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [4], implementation: .composed, using: &generator)
        gru.labelParameters(prefix: "gru")
        let input = Tensor<Double>.uniform([1, 3], in: -1..<1, using: &generator)
        let step = gru.step(input, gru.zeroStates(batchSize: 1), time: 0)[0]
        let picture = FileManager.default.temporaryDirectory.appendingPathComponent("gru-step.svg")
        try step.sum().renderGraph(.svg, to: picture)
        let graph = ComputationGraph.capture(step)
        print("gates:", Set(graph.nodes.compactMap(\.scope)).sorted())
        // end snippet
        let printedBeforePage = printer.text

        // snippet: t4-page
        let page = try BackpropagationPage.backpropagating(step.sum(), title: "One GRU step")   // runs backward()
        try page.write(to: FileManager.default.temporaryDirectory.appendingPathComponent("gru-step.html"))
        print(page.trace.backward.count, "derivatives, from", page.trace.backward.first!.op, "to", page.trace.backward.last!.op)
        gru.zeroGrad()                                 // forget the parameters' gradients: the next listing starts afresh
        // end snippet
        let printedByPage = String(printer.text.dropFirst(printedBeforePage.count))

        // snippet: t4-fading
        let steps = (0..<6).map { _ in Tensor<Double>.uniform([1, 3], in: -1..<1, using: &generator) }
        let states = gru.unrolled(steps).outputs
        let loss = states[5].sum()                     // a loss on the last step only
        ComputationGraph.retainGradients(of: loss)     // keep every op's gradient, the states' too
        loss.backward()
        for (t, state) in states.enumerated() {
            let norm = state.grad!.scalars.map { $0 * $0 }.reduce(0, +).squareRoot()
            print("t\(t): ‖∂loss/∂h‖ =", String(format: "%.4f", norm))
        }
        let fading = FileManager.default.temporaryDirectory.appendingPathComponent("gru-fading.svg")
        try loss.renderGraph(.svg, to: fading, options: DOTOptions(showGradients: true, collapseRepeatedSteps: true))
        // end snippet
        let printedBeforeGates = printer.text

        // snippet: t4-gates
        /// The norm of ∂(last state's sum)/∂state at every step of a recurrence run over `inputs`.
        func stateGradientNorms(_ inputs: [Tensor<Double>], step: (Tensor<Double>, Tensor<Double>) -> Tensor<Double>) -> [Double] {
            var h = Tensor<Double>(zeros: [1, 4])
            var states: [Tensor<Double>] = []
            for x in inputs {
                h = step(x, h)
                h.retainGrad()
                states.append(h)
            }
            states.last!.sum().backward()
            return states.map { $0.grad!.scalars.map { $0 * $0 }.reduce(0, +).squareRoot() }
        }
        let w = Dense<Double>(inputSize: 3, outputSize: 4, using: &generator)
        let u = Dense<Double>(inputSize: 4, outputSize: 4, hasBias: false, using: &generator)
        let long = (0..<20).map { _ in Tensor<Double>.uniform([1, 3], in: -1..<1, using: &generator) }
        let plain = stateGradientNorms(long) { x, h in (w(x) + u(h)).tanh() }      // h' = tanh(W x + U h + b)
        let gated = stateGradientNorms(long) { x, h in gru.layers[0](x, h) }
        gru.layers[0].biasHH!.updateScalars { bias in for i in 4..<8 { bias[i] = 3 } }   // z = σ(… + 3) ≈ 0.95
        let open = stateGradientNorms(long) { x, h in gru.layers[0](x, h) }
        for t in [0, 5, 10, 15, 19] {
            print(String(format: "step %2d: plain RNN %.1e   GRU %.1e   GRU, update gate open %.1e", t, plain[t], gated[t], open[t]))
        }
        // end snippet

        DocumentSnippets.expectOutput("t4-draw", String(printedBeforePage.dropFirst(printedByEquations.count)))
        DocumentSnippets.expectOutput("t4-page", printedByPage)
        DocumentSnippets.expectOutput("t4-fading", String(printedBeforeGates.dropFirst(printedBeforePage.count + printedByPage.count)))
        DocumentSnippets.expectOutput("t4-gates", String(printer.text.dropFirst(printedBeforeGates.count)))
        let pageFile = FileManager.default.temporaryDirectory.appendingPathComponent("gru-step.html")
        try Self.expectStepPage(page, graph: graph, file: pageFile)
        if let folder = ProcessInfo.processInfo.environment["NABLA_RECORD_OUTPUTS"] {   // for Scripts/browser-test.sh
            try String(contentsOf: pageFile, encoding: .utf8).write(toFile: "\(folder)/tutorial4-gru-step.html", atomically: true, encoding: .utf8)
        }
        try? FileManager.default.removeItem(at: pageFile)
        let drawn = try String(contentsOf: picture, encoding: .utf8)
        #expect(drawn.contains(">layer0.t0.r<"))
        // The picture the tutorial shows is the one this listing draws: the same texts in it.
        if let folder = ProcessInfo.processInfo.environment["NABLA_RECORD_OUTPUTS"] {
            try drawn.write(toFile: "\(folder)/tutorial4-gru-step.svg", atomically: true, encoding: .utf8)
        }
        let shown = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/tutorial4-gru-step.svg"),
                               encoding: .utf8)
        #expect(Self.texts(in: shown) == Self.texts(in: drawn), "Docs/images/tutorial4-gru-step.svg differs from what t4-draw draws")
        #expect(Self.texts(in: drawn).contains("h₀ layer 0") && Self.texts(in: drawn).contains("1"))

        // The fading picture: six steps drawn once, each step's state norm in the bar.
        let fadingDrawn = try String(contentsOf: fading, encoding: .utf8)
        for (t, norm) in ["0.338", "0.527", "0.64", "0.992", "1.2", "2"].enumerated() {
            #expect(fadingDrawn.contains(">t\(t)</text>") && fadingDrawn.contains(">\(norm)</text>"), "t\(t) ‖∇h‖ \(norm) not drawn")
        }
        if let folder = ProcessInfo.processInfo.environment["NABLA_RECORD_OUTPUTS"] {
            try fadingDrawn.write(toFile: "\(folder)/tutorial4-gru-fading.svg", atomically: true, encoding: .utf8)
        }
        let fadingShown = try String(contentsOf: DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/tutorial4-gru-fading.svg"),
                                     encoding: .utf8)
        #expect(Self.texts(in: fadingShown) == Self.texts(in: fadingDrawn), "Docs/images/tutorial4-gru-fading.svg differs from what t4-fading draws")
    }

    /// The page of one GRU step: every op of the step in the trace, the step's gates among them,
    /// the gradient each derivative sent recorded, and the page written where the listing says.
    static func expectStepPage(_ page: BackpropagationPage, graph: ComputationGraph, file: URL) throws {
        let html = try String(contentsOf: file, encoding: .utf8)
        #expect(page.trace.backward.count == graph.nodes.filter { $0.op != nil }.count + 1, "every op of the step, and the sum")
        #expect(page.trace.backward.first?.op == "sum" && Set(page.trace.backward.map(\.op)).isSuperset(of: ["sigmoid", "tanh", "matmul"]))
        #expect(page.trace.backward.allSatisfy { $0.sent != nil }, "backpropagating records what each derivative sent")
        // What the tutorial says of its screenshot at step 11: a slice feeding the reset gate, whose
        // gradient is 0 (h₀ and the biases are zero), z's gradient waiting for `sub` at step 13,
        // and weightHH's gradient 0.
        let middle = page.trace.backward[11]
        #expect(middle.op == "slice" && page.trace.nodes[middle.node].gradient?.norm == 0)
        #expect(page.trace.backward[13].op == "sub")
        #expect(page.trace.nodes.first { $0.name == "gru.layer0.weightHH" }?.gradient?.norm == 0)
        #expect(html.contains(#"<script type="application/json" id="trace">"#) && html.contains("layer0.t0.z"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the page needs no network")
    }

    /// The texts drawn in an SVG picture, sorted: node labels, cluster names, the legend.
    static func texts(in svg: String) -> [String] {
        svg.components(separatedBy: "<text").dropFirst().compactMap { element in
            element.split(separator: ">", maxSplits: 1).last?.components(separatedBy: "</text").first
        }.sorted()
    }
}

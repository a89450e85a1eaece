import Foundation
import Nabla
import NablaGraphviz
import NablaTestSupport
import Testing

/// Tutorial 2: how backward works inside Nabla.
@Suite struct Tutorial2Tests {
    @Test func readingTheRecordedGraph() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-records
        let w = Tensor<Double>([0.5, -1], requiresGrad: true)
        let y = (w * 2).tanh().sum()
        var pending: [(tensor: Tensor<Double>, depth: Int)] = [(y, 0)]    // a stack: depth-first
        while let (tensor, depth) = pending.popLast() {
            let indent = String(repeating: "    ", count: depth)
            if let record = tensor.record {
                print(indent + record.op, tensor.shape)
                pending += record.inputs.reversed().map { ($0, depth + 1) }   // every input, not only the first
            } else {
                print(indent + "leaf", tensor.shape, "requiresGrad:", tensor.requiresGrad)
            }
        }
        // end snippet

        DocumentSnippets.expectOutput("t2-records", printer.text)
    }

    @Test func aBackwardPassByHandDrawnWithItsGradients() throws {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-by-hand
        let a = Tensor<Double>(scalar: 2, requiresGrad: true)
        let b = Tensor<Double>(scalar: -3, requiresGrad: true)
        let c = Tensor<Double>(scalar: 10, requiresGrad: true)
        let e = a * b                        // −6
        let d = e + c                        // 4
        let L = d.pow(2)                     // 16
        [e, d, L].forEach { $0.retainGrad() }   // keep the gradients of intermediates too
        L.backward()
        print("L =", L.item)
        print("∂L/∂d =", d.grad!.item, " ∂L/∂e =", e.grad!.item)
        print("∂L/∂a =", a.grad!.item, " ∂L/∂b =", b.grad!.item, " ∂L/∂c =", c.grad!.item)
        // end snippet

        let printedByHand = printer.text
        DocumentSnippets.expectOutput("t2-by-hand", printedByHand)

        // snippet: t2-draw
        (a.name, b.name, c.name) = ("a", "b", "c")             // names to draw the leaves by
        let picture = FileManager.default.temporaryDirectory.appendingPathComponent("backward-pass.svg")
        try L.renderGraph(.svg, to: picture, options: DOTOptions(direction: .leftToRight, showGradients: true))
        for node in ComputationGraph.capture(L).nodes {
            print(node.label.split(separator: "\n")[0], "‖∇‖ =", node.gradientNorm.map { "\($0)" } ?? "none")
        }
        // end snippet

        DocumentSnippets.expectOutput("t2-draw", String(printer.text.dropFirst(printedByHand.count)))
        // The picture the tutorial shows is the one this listing draws: the same texts in it.
        let svg = try String(contentsOf: picture, encoding: .utf8)
        let committed = DocumentSnippets.packageRoot.appendingPathComponent("Docs/images/tutorial2-backward-pass.svg")
        if ProcessInfo.processInfo.environment["NABLA_RECORD_PICTURES"] != nil {
            try svg.write(to: committed, atomically: true, encoding: .utf8)
        }
        let shown = try String(contentsOf: committed, encoding: .utf8)
        #expect(Self.texts(in: shown) == Self.texts(in: svg), "Docs/images/tutorial2-backward-pass.svg differs from what t2-draw draws")
        #expect(Self.texts(in: svg).contains("‖∇‖ = 24"))
        try? FileManager.default.removeItem(at: picture)
        let printedByDrawing = printer.text

        // snippet: t2-page
        let page = try BackpropagationPage(of: L, title: "L = (a·b + c)²")   // reads the gradients kept above
        let pageFile = FileManager.default.temporaryDirectory.appendingPathComponent("backward-pass.html")
        try page.write(to: pageFile)
        for step in page.trace.backward { print(step.rule) }
        // end snippet

        DocumentSnippets.expectOutput("t2-page", String(printer.text.dropFirst(printedByDrawing.count)))
        // The page steps through the expression's three ops, in the order backward() ran them, and
        // shows the gradients of the table: a's is -24 (norm 24), the seed's 1.
        let html = try String(contentsOf: pageFile, encoding: .utf8)
        #expect(page.trace.backward.map(\.op) == ["pow", "add", "mul"])
        #expect(page.trace.nodes.compactMap(\.name).sorted() == ["a", "b", "c"])
        let gradientOfA = try #require(page.trace.nodes.first { $0.name == "a" }?.gradient)
        #expect(gradientOfA.first == [-24] && page.trace.nodes[page.trace.backward[0].node].gradient?.first == [1])
        #expect(html.contains(#"<script type="application/json" id="trace">"#) && html.contains("<svg"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the page needs no network")
        if let folder = ProcessInfo.processInfo.environment["NABLA_RECORD_OUTPUTS"] {   // for Scripts/browser-test.sh
            try html.write(toFile: "\(folder)/tutorial2-backward-pass.html", atomically: true, encoding: .utf8)
        }
        try? FileManager.default.removeItem(at: pageFile)
    }

    @Test func broadcastingSumsTheGradientBack() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-broadcast
        let v = Tensor<Double>([0.5, -1], requiresGrad: true)
        let two = Tensor<Double>(scalar: 2, requiresGrad: true)    // shape []: one number
        (v * two).sum().backward()                                 // two is read by both elements
        print("∂/∂v =", v.grad!, " ∂/∂two =", two.grad!, "of shape", two.grad!.shape)
        let perElement = Tensor<Double>([1, 1]) * v                // mul's rule for two: g · v, shape [2]...
        print(perElement.sum(toShape: []))                         // ...summed back to two's shape
        let rowGradients = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
        print(rowGradients.sum(toShape: [3]))                      // a [3] added to every row: sum over rows
        // end snippet

        DocumentSnippets.expectOutput("t2-broadcast", printer.text)
    }

    @Test func yourOwnOp() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-custom-op
        /// `x³`, with its derivative `3x²` written by hand.
        func cube(_ x: Tensor<Double>) -> Tensor<Double> {
            Tensor(op: "cube", inputs: [x], shape: x.shape, scalars: x.scalars.map { $0 * $0 * $0 }) { g in
                [.dense(g * 3 * x * x)]
            }
        }
        let x = Tensor<Double>([1, 2], requiresGrad: true)
        cube(x).sum().backward()
        print(x.grad!)
        print(gradcheck([Tensor([0.3, -0.7], requiresGrad: true)]) { cube($0[0]) }.passed)
        // end snippet

        DocumentSnippets.expectOutput("t2-custom-op", printer.text)
    }

    @Test func noGradAndFreedGraphs() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-no-grad
        let weights = Tensor<Double>([1, 2], requiresGrad: true)
        let frozen = withNoGrad { weights * 10 }
        print(frozen.requiresGrad, frozen.record == nil)
        let loss = (weights * weights).sum()
        loss.backward(retainGraph: true)     // keep the closures for a second pass
        loss.backward()                      // now they are released
        print(weights.grad!, loss.record!.isFreed)
        // end snippet

        DocumentSnippets.expectOutput("t2-no-grad", printer.text)
    }

    @Test func checkYourself() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t2-questions
        /// The gradients of a, b and c at the worked example's point (2, −3, 10) for another loss.
        func gradients(_ loss: (Tensor<Double>, Tensor<Double>, Tensor<Double>) -> Tensor<Double>) -> [Double] {
            let inputs = [2.0, -3, 10].map { Tensor<Double>(scalar: $0, requiresGrad: true) }
            loss(inputs[0], inputs[1], inputs[2]).backward()
            return inputs.map { $0.grad!.item }
        }
        print("1:", gradients { a, b, c in (a * b + c).pow(2) + c })
        print("2:", gradients { a, b, c in (a * b + c) * (a * b + c) })
        let bias = Tensor<Double>([0, 1, 2], requiresGrad: true)
        (Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]]) + bias).sum().backward()
        print("3:", bias.grad!)
        // end snippet

        DocumentSnippets.expectOutput("t2-questions", printer.text)
    }

    /// The texts drawn in an SVG picture, sorted: node labels, the legend.
    static func texts(in svg: String) -> [String] {
        svg.components(separatedBy: "<text").dropFirst().compactMap { element in
            element.split(separator: ">", maxSplits: 1).last?.components(separatedBy: "</text").first
        }.sorted()
    }
}

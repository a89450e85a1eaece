import Nabla
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
        var tensor: Tensor<Double>? = y
        while let current = tensor, let record = current.record {
            print(record.op, current.shape, "reads", record.inputs.map(\.shape))
            tensor = record.inputs.first
        }
        print("leaf:", tensor!.shape, "requiresGrad:", tensor!.requiresGrad)
        // end snippet

        DocumentSnippets.expectOutput("t2-records", printer.text)
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
}

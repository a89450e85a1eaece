import Nabla
import NablaTestSupport
import Testing

/// Tutorial 1: tensors and your first gradient. Every listing runs here and its output is checked.
@Suite struct Tutorial1Tests {
    @Test func creatingTensors() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t1-create
        let a = Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor<Float>.arange(0, 3)                  // [0, 1, 2]
        print(a + b)                                        // b is broadcast over both rows
        print((a * 2).sum(axes: [1]))                       // row sums
        var generator = SeededRandomGenerator(seed: 42)
        let noise = Tensor<Float>.normal([2, 2], using: &generator)
        print(noise.shape, noise.count)
        // end snippet

        DocumentSnippets.expectOutput("t1-create", printer.text)
    }

    @Test func firstGradient() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t1-first-gradient
        let x = Tensor<Double>(scalar: 3, requiresGrad: true)
        let y = x * x + x            // x is used twice
        y.backward()
        print("y =", y.item)         // 9 + 3
        print("dy/dx =", x.grad!.item)   // 2x + 1: both uses contribute
        // end snippet

        DocumentSnippets.expectOutput("t1-first-gradient", printer.text)
    }

    @Test func gradientsAccumulate() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t1-accumulate
        let w = Tensor<Double>([1, -2], requiresGrad: true)
        (w * w).sum().backward()
        (w * w).sum().backward()     // a second, separate computation
        print(w.grad!)               // 2w, twice
        w.zeroGrad()                 // what a training loop does before each step
        (w * w).sum().backward()
        print(w.grad!)
        // end snippet

        DocumentSnippets.expectOutput("t1-accumulate", printer.text)
    }

    @Test func checkingGradients() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t1-gradcheck
        let input = Tensor<Double>([0.5, -1.2, 2.0], requiresGrad: true)
        let result = gradcheck([input]) { inputs in
            let x = inputs[0]
            return (x.tanh() * x).sum() + x.sigmoid().log().sum()
        }
        print(result.passed, result.checkedElements)
        // end snippet

        DocumentSnippets.expectOutput("t1-gradcheck", printer.text)
        #expect(result.relativeError < 1e-8)
    }

    @Test func checkYourself() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t1-questions
        let column = Tensor<Float>.arange(0, 3).reshaped([3, 1])
        print("1:", (column + Tensor<Float>.arange(0, 2)).shape)
        let z = Tensor<Double>(scalar: 2, requiresGrad: true)
        (z * z * z).backward()
        (z * z * z).backward()
        print("2:", z.grad!.item)
        let m = Tensor<Double>([1, -2, 3], requiresGrad: true)
        m.mean().backward()
        print("3:", m.grad!)
        // end snippet

        DocumentSnippets.expectOutput("t1-questions", printer.text)
    }
}

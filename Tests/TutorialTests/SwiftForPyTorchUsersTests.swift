import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Tutorials/swift-for-pytorch-users.md: its listings run in order as one program, and print
/// what the page shows.
@Suite struct SwiftForPyTorchUsersTests {
    @Test func theListingsOfThePage() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }
        var printedBefore = ""
        func expect(_ name: String) {
            DocumentSnippets.expectOutput(name, String(printer.text.dropFirst(printedBefore.count)))
            printedBefore = printer.text
        }

        // snippet: swift-for-pytorch-call
        /// Multiplies by a fixed factor: a value that is called like a function.
        struct Scale {
            let factor: Double
            func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> { x * factor }
        }
        let triple = Scale(factor: 3)
        print(triple(Tensor([1, 2])))                  // the same as triple.callAsFunction(Tensor([1, 2]))
        // end snippet
        expect("swift-for-pytorch-call")

        // snippet: swift-for-pytorch-inout
        /// Adds one to a counter that the caller owns.
        func increment(_ counter: inout Int) { counter += 1 }
        var count = 0
        increment(&count)                              // & : count may be changed by the call
        increment(&count)
        var generator = SeededRandomGenerator(seed: 7)
        let first = Tensor<Float>.normal([2], using: &generator)    // the generator moves on...
        let second = Tensor<Float>.normal([2], using: &generator)   // ...so this draw differs
        print(count, first.scalars == second.scalars)
        // end snippet
        expect("swift-for-pytorch-inout")

        // snippet: swift-for-pytorch-optionals
        let w = Tensor<Double>([1, 2], requiresGrad: true)
        print(w.grad == nil)                           // no backward() yet: grad is nil, Python's None
        (w * w).sum().backward()
        print(w.grad!)                                 // ! unwraps: "it is there" (stops the program if nil)
        if let gradient = w.grad { print(gradient.shape) }    // unwraps only when it is there
        print(w.grad?.shape ?? [])                     // ?. and ?? : a shape, or [] when there is none
        // end snippet
        expect("swift-for-pytorch-optionals")

        // snippet: swift-for-pytorch-any-module
        let layers: [any Module<Float>] = [
            Embedding<Float>(count: 10, dimension: 4, using: &generator),
            Dense<Float>(inputSize: 4, outputSize: 3, using: &generator),
        ]
        for layer in layers { print(type(of: layer), layer.parameterCount) }
        // end snippet
        expect("swift-for-pytorch-any-module")

        // snippet: swift-for-pytorch-key-paths
        let named = layers[1].namedParameters()
        print(named.map(\.name))                       // [p.name for p in named]
        print(named.map(\.tensor.shape))               // a path through two properties
        let shapeOf = \Tensor<Float>.shape             // a key path is a value too
        print(named[0].tensor[keyPath: shapeOf])
        // end snippet
        expect("swift-for-pytorch-key-paths")

        // snippet: swift-for-pytorch-value-reference
        let values = [1.0, 2.0]                        // Array is a value type (a struct)...
        var copied = values
        copied[0] = 100                                // ...so this changes the copy only
        print(values, copied)
        let tensor = Tensor<Double>([1, 2])            // Tensor is a class, a reference type...
        let sameTensor = tensor
        sameTensor.updateScalars { $0[0] = 100 }       // ...so both names see the change
        print(tensor, tensor === sameTensor)
        // end snippet
        expect("swift-for-pytorch-value-reference")

        // snippet: swift-for-pytorch-throws
        var file = SafeTensors()                       // a safetensors file, in memory
        file.add(Tensor<Float>([1, 2, 3]), named: "bias")
        do {
            let bias = try file.tensor(named: "bias", as: Float.self)     // try: this call may throw
            print(bias)
            _ = try file.tensor(named: "weight", as: Float.self)         // there is none: it throws
            print("not reached")
        } catch {
            print("caught:", error)                    // Python: except Exception as error
        }
        print((try? file.tensor(named: "weight", as: Float.self)) == nil)   // try? : nil instead of an error
        // end snippet
        expect("swift-for-pytorch-throws")

        // snippet: swift-for-pytorch-generics
        /// The mean of the squares of `x`, for Float and Double tensors alike.
        func meanSquare<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { (x * x).mean() }
        print(meanSquare(Tensor<Float>([1, 2])), meanSquare(Tensor<Double>([1, 2])))
        let single = Tensor<Float>([0.1])
        let double = Tensor<Double>(single.scalars.map(Double.init), shape: single.shape)   // a conversion you write
        print(double)
        // end snippet
        expect("swift-for-pytorch-generics")
    }
}

import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Tutorial 3: layers and training, its listings run in order as one program (the training
/// continues the random stream the layers drew from).
@Suite struct Tutorial3Tests {
    @Test func layersThenATinyModelThatLearns() {
        let printer = DocumentSnippets.Printer()
        func print(_ items: Any...) { printer.print(items.map { "\($0)" }.joined(separator: " ")) }

        // snippet: t3-layers
        var generator = SeededRandomGenerator(seed: 1)
        let embedding = Embedding<Float>(count: 10, dimension: 4, using: &generator)
        let dense = Dense<Float>(inputSize: 4, outputSize: 3, using: &generator)
        let vectors = embedding([7, 2, 7])              // rows 7, 2 and 7 of the table
        let logits = dense(vectors)                     // x · Wᵀ + b
        print(vectors.shape, logits.shape)
        print(dense.namedParameters().map(\.name), dense.parameterCount)
        // end snippet

        let printedByLayers = printer.text
        DocumentSnippets.expectOutput("t3-layers", printedByLayers)

        // snippet: t3-train
        // Learn XOR: no straight line separates the classes, so the hidden layer must bend space.
        let inputs = Tensor<Float>(rows: [[0, 0], [0, 1], [1, 0], [1, 1]])
        let labels = [0, 1, 1, 0]
        let hidden = Dense<Float>(inputSize: 2, outputSize: 8, using: &generator)
        let output = Dense<Float>(inputSize: 8, outputSize: 2, using: &generator)
        let optimizer = Adam(parameters: hidden.parameters + output.parameters, learningRate: 0.05)
        for step in 1...300 {
            optimizer.parameters.forEach { $0.zeroGrad() }
            let loss = Losses.softmaxCrossEntropy(logits: output(hidden(inputs).tanh()), labels: labels)
            loss.backward()
            optimizer.step()
            if step % 100 == 0 { print("step", step, "loss", loss.item < 0.01 ? "< 0.01" : "\(loss.item)") }
        }
        let predictions = withNoGrad { output(hidden(inputs).tanh()) }
        print((0..<4).map { predictions[$0, 1] > predictions[$0, 0] ? 1 : 0 })
        // end snippet

        DocumentSnippets.expectOutput("t3-train", String(printer.text.dropFirst(printedByLayers.count)))
    }
}

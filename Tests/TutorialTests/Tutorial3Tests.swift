import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

// snippet: t3-module
/// Two dense layers with a tanh between them: a module made of two modules.
final class TwoLayers: Module {
    let hidden: Dense<Float>
    let output: Dense<Float>
    var isTraining = true            // training mode; `train()` and `eval()` set it

    init(inputSize: Int, hiddenSize: Int, outputSize: Int, using generator: inout SeededRandomGenerator) {
        hidden = Dense(inputSize: inputSize, outputSize: hiddenSize, using: &generator)
        output = Dense(inputSize: hiddenSize, outputSize: outputSize, using: &generator)
    }

    /// The modules this one is made of, by name: any module whose parameters are `Float`.
    var submodules: [(name: String, module: any Module<Float>)] { [("hidden", hidden), ("output", output)] }

    func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { output(hidden(x).tanh()) }
}
// end snippet

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
        let model = TwoLayers(inputSize: 2, hiddenSize: 8, outputSize: 2, using: &generator)
        print(model.namedParameters().map(\.name))
        let optimizer = Adam(parameters: model.parameters, learningRate: 0.05)
        for step in 1...300 {
            model.zeroGrad()
            let loss = Losses.softmaxCrossEntropy(logits: model(inputs), labels: labels)
            loss.backward()
            optimizer.step()
            if [1, 10, 25, 50, 100, 300].contains(step) { print("step", step, "loss", String(format: "%.4f", loss.item)) }
        }
        model.eval()                         // evaluation mode: a dropout layer would now pass everything
        let predictions = withNoGrad { model(inputs) }
        print((0..<4).map { predictions[$0, 1] > predictions[$0, 0] ? 1 : 0 })
        // end snippet

        let printedByTraining = printer.text
        DocumentSnippets.expectOutput("t3-train", String(printedByTraining.dropFirst(printedByLayers.count)))

        // snippet: t3-questions
        print("1:", Losses.softmaxCrossEntropy(logits: Tensor<Float>(zeros: [4, 3]), labels: [0, 1, 2, 0]).item)
        let weight = model.hidden.weight             // the model's own tensor object, not a copy
        let before = weight.scalars                  // an Array: a copy of the values
        model.zeroGrad()
        Losses.softmaxCrossEntropy(logits: model(inputs), labels: labels).backward()
        optimizer.step()
        print("2:", weight.scalars == before, weight === model.parameters[0])
        let linear = Dense<Float>(inputSize: 2, outputSize: 2, using: &generator)
        let linearOptimizer = Adam(parameters: linear.parameters, learningRate: 0.05)
        var linearLoss: Float = 0
        for _ in 1...300 {
            linear.zeroGrad()
            let loss = Losses.softmaxCrossEntropy(logits: linear(inputs), labels: labels)
            loss.backward()
            linearOptimizer.step()
            linearLoss = loss.item
        }
        print("3:", String(format: "%.4f", linearLoss))
        // end snippet

        DocumentSnippets.expectOutput("t3-questions", String(printer.text.dropFirst(printedByTraining.count)))
    }
}

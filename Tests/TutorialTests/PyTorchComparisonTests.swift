import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// The Nabla side of every snippet in Docs/pytorch-comparison.md runs here.
@Suite struct PyTorchComparisonTests {
    @Test func trainingStep() {
        // snippet: compare-training-step
        var generator = SeededRandomGenerator(seed: 0)
        let model = Dense<Float>(inputSize: 4, outputSize: 2, using: &generator)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
        let x = Tensor<Float>.normal([8, 4], using: &generator)
        let labels = [0, 1, 1, 0, 1, 0, 0, 1]
        model.zeroGrad()
        let loss = Losses.softmaxCrossEntropy(logits: model(x), labels: labels)
        loss.backward()
        optimizer.step()
        // end snippet
        #expect(loss.item.isFinite)
    }

    @Test func gruCell() {
        // snippet: compare-gru
        var generator = SeededRandomGenerator(seed: 0)
        let cell = GRUCell<Float>(inputSize: 10, hiddenSize: 20, formulation: .pytorch, using: &generator)
        let x = Tensor<Float>.normal([3, 10], using: &generator)
        var h = Tensor<Float>(zeros: [3, 20])
        for _ in 0..<5 { h = cell(x, h) }
        // end snippet
        #expect(h.shape == [3, 20])
    }

    @Test func noGradDetachAndSave() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        var generator = SeededRandomGenerator(seed: 0)
        let model = Dense<Float>(inputSize: 4, outputSize: 2, using: &generator)
        let x = Tensor<Float>(ones: [1, 4])
        // snippet: compare-no-grad
        let prediction = withNoGrad { model(x) }         // no graph recorded
        let constant = model(x).detached()              // a leaf, cut from the graph
        try model.safeTensors().write(to: url)          // torch's safetensors.torch.save_file
        try model.loadParameters(from: SafeTensors.read(from: url))
        // end snippet
        #expect(!prediction.requiresGrad && constant.isLeaf)
    }
}

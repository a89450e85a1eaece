import Nabla
import NablaNN
import Testing

/// Modules name their parameters by path, count them, and switch modes together.
@Suite struct ModuleTests {
    final class Tiny: Module {
        let encoder: GRU<Double>
        let head: Dense<Double>
        var isTraining = true
        init() {
            var generator = SeededRandomGenerator(seed: 1)
            encoder = GRU(inputSize: 3, hiddenSizes: [4, 2], using: &generator)
            head = Dense(inputSize: 2, outputSize: 5, using: &generator)
            labelParameters()
        }
        var submodules: [(name: String, module: any Module<Double>)] { [("gru", encoder), ("output", head)] }
    }

    @Test func nestedModulesComposeDottedNames() {
        let model = Tiny()
        #expect(model.namedParameters().map(\.name) == [
            "gru.layer0.weightIH", "gru.layer0.weightHH", "gru.layer0.biasIH", "gru.layer0.biasHH",
            "gru.layer1.weightIH", "gru.layer1.weightHH", "gru.layer1.biasIH", "gru.layer1.biasHH",
            "output.weight", "output.bias",
        ])
        #expect(model.encoder.layers[1].weightHH.name == "gru.layer1.weightHH")
    }

    @Test func parameterCountAddsEveryTensor() {
        // layer0: 12·3 + 12·4 + 12 + 12; layer1: 6·4 + 6·2 + 6 + 6; output: 5·2 + 5
        #expect(Tiny().parameterCount == (36 + 48 + 24) + (24 + 12 + 12) + 15)
    }

    @Test func evalAndTrainReachEverySubmodule() {
        let model = Tiny()
        model.eval()
        #expect(!model.isTraining && !model.encoder.isTraining && !model.encoder.layers[1].isTraining && !model.head.isTraining)
        model.train()
        #expect(model.encoder.layers[0].isTraining)
    }

    @Test func zeroGradClearsEveryParameter() {
        let model = Tiny()
        let x = Tensor<Double>(ones: [1, 3])
        model.head(model.encoder.step(x, model.encoder.zeroStates(batchSize: 1)).last!).sum().backward()
        #expect(model.parameters.allSatisfy { $0.grad != nil })
        model.zeroGrad()
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }
}

import Nabla
import NablaNN
import Testing

/// A module that forgets to list a layer or a tensor is refused by the first loss that reaches
/// it, with the stored property that holds it and what to list.
@Suite struct ParameterCoverageTests {
    final class TwoLayers: Module {
        let first: Dense<Double>
        let second: Dense<Double>
        let listsSecond: Bool
        var isTraining = true
        init(listsSecond: Bool) {
            var generator = SeededRandomGenerator(seed: 1)
            first = Dense(inputSize: 3, outputSize: 4, using: &generator)
            second = Dense(inputSize: 4, outputSize: 2, using: &generator)
            self.listsSecond = listsSecond
        }
        var submodules: [(name: String, module: any Module<Double>)] {
            listsSecond ? [("first", first), ("second", second)] : [("first", first)]
        }
        func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> { second(first(x).tanh()) }
    }

    /// Lists its layer but forgets its own scale.
    final class Scaled: Module {
        let layer: Dense<Double>
        let scale = Tensor<Double>([2], shape: [1], requiresGrad: true)
        var isTraining = true
        init() {
            var generator = SeededRandomGenerator(seed: 2)
            layer = Dense(inputSize: 3, outputSize: 2, using: &generator)
        }
        var submodules: [(name: String, module: any Module<Double>)] { [("layer", layer)] }
        func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> { layer(x) * scale }
    }

    /// Holds its layers in an array and lists only the first.
    final class Stack: Module {
        let layers: [Dense<Double>]
        var isTraining = true
        init() {
            var generator = SeededRandomGenerator(seed: 3)
            layers = (0..<2).map { _ in Dense(inputSize: 3, outputSize: 3, using: &generator) }
        }
        var submodules: [(name: String, module: any Module<Double>)] { [("layer0", layers[0])] }
        func callAsFunction(_ x: Tensor<Double>) -> Tensor<Double> { layers[1](layers[0](x)) }
    }

    let input = Tensor<Double>([0.5, -1, 2], shape: [1, 3])

    func refusal<M: Module>(_ module: M, _ loss: Tensor<M.Scalar>) -> String? {
        do {
            try module.checkParameters(cover: loss)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aModuleListingEverythingPasses() throws {
        let model = TwoLayers(listsSecond: true)
        try model.checkParameters(cover: model(input).sum())
    }

    @Test func aForgottenSubmoduleIsNamedByItsProperty() throws {
        let model = TwoLayers(listsSecond: false)
        let message = try #require(refusal(model, model(input).sum()))
        #expect(message.contains("'second.weight' [2, 4] requires a gradient and reaches the loss, but is not among TwoLayers's "
            + "parameters: list 'second' in the submodules of TwoLayers"), "\(message)")
        #expect(message.contains("'second.bias' [2]"), "\(message)")
        #expect(!message.contains("first"), "\(message)")
    }

    @Test func aForgottenLocalParameterIsNamedWithItsModule() throws {
        let model = Scaled()
        let message = try #require(refusal(model, model(input).sum()))
        #expect(message.hasSuffix("'scale' [1] requires a gradient and reaches the loss, but is not among Scaled's parameters: "
            + "list 'scale' in the localParameters of Scaled"), "\(message)")
    }

    @Test func aLayerInAnArrayIsNamedByItsIndex() throws {
        let model = Stack()
        let message = try #require(refusal(model, model(input).sum()))
        #expect(message.contains("'layers[1].weight' [3, 3]") && message.contains("list 'layers[1]' in the submodules of Stack"),
                "\(message)")
    }

    @Test func aTensorNoPropertyHoldsIsNamedByShapeAndTheOpThatReadIt() throws {
        let model = TwoLayers(listsSecond: true)
        let stray = Tensor<Double>([1, 2], shape: [2], requiresGrad: true)
        let message = try #require(refusal(model, (model(input) * stray).sum()))
        #expect(message.hasPrefix("a tensor [2] read by '"), "\(message)")
        #expect(message.contains("is not among TwoLayers's parameters"), "\(message)")
    }
}

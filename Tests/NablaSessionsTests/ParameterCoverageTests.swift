import Foundation
import Nabla
import NablaNN
import NablaSessions
import Testing

/// The trainer refuses, on its first step, a model whose loss reaches a tensor it does not list
/// as a parameter, so a forgotten layer is never silently left untrained.
@Suite struct ParameterCoverageTests {
    /// A recurrent recommender whose recurrent layer can be left out of its submodules.
    final class ForgetfulRecommender: SessionModel {
        let output: ItemOutput<Float>
        let input: Dense<Float>
        let recurrent: Dense<Float>
        let listsRecurrent: Bool
        var isTraining = true

        init(itemCount: Int, listsRecurrent: Bool) {
            var generator = SeededRandomGenerator(seed: 4)
            input = Dense(inputSize: 6, outputSize: 6, using: &generator)
            recurrent = Dense(inputSize: 6, outputSize: 6, hasBias: false, using: &generator)
            output = ItemOutput(itemCount: itemCount, inputSize: 6, using: &generator)
            self.listsRecurrent = listsRecurrent
        }

        var submodules: [(name: String, module: any Module<Float>)] {
            [("items", output), ("input", input)] + (listsRecurrent ? [("recurrent", recurrent)] : [])
        }
        var itemCount: Int { output.itemCount }
        func zeroStates(batchSize: Int) -> [Tensor<Float>] { [Tensor(zeros: [batchSize, 6])] }
        func step(_ items: [Int], states: inout [Tensor<Float>]) -> Tensor<Float> {
            let h = (input(output.weight.gather(rows: items)) + recurrent(states[0])).tanh()
            states = [h]
            return h
        }
        func scores(_ hidden: Tensor<Float>, items: [Int]) -> Tensor<Float> { output.scores(hidden, items: items) }
    }

    func demoData() throws -> SessionData {
        try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 100).utf8), source: "demo.tsv"), source: "demo.tsv")
    }

    func trainer<Model: SessionModel>(_ model: Model, _ data: SessionData) -> SessionTrainer<Model> {
        SessionTrainer(model: model, data: data, options: SessionTrainingOptions(batchSize: 4, sampleCount: 3),
                       optimizer: Adagrad(parameters: model.parameters, learningRate: 0.1))
    }

    @Test func aForgottenLayerStopsTrainingOnTheFirstStepByName() throws {
        let data = try demoData()
        let model = ForgetfulRecommender(itemCount: data.itemMap.count, listsRecurrent: false)
        let before = model.namedParameters().map(\.tensor.scalars)
        do {
            try trainer(model, data).trainEpoch()
            Issue.record("a model that forgets a layer trained")
        } catch let error as UnlistedParameterError {
            #expect(error.message == "'recurrent.weight' [6, 6] requires a gradient and reaches the loss, but is not among "
                + "ForgetfulRecommender's parameters: list 'recurrent' in the submodules of ForgetfulRecommender")
        }
        #expect(model.namedParameters().map(\.tensor.scalars) == before, "a refused step updated the model")

        let complete = ForgetfulRecommender(itemCount: data.itemMap.count, listsRecurrent: true)
        try trainer(complete, data).trainEpoch()
    }

    @Test func theTestLSTMListsEveryTensorItTrains() throws {
        let data = try demoData()
        let model = TinyLSTMRecommender<Float>(itemCount: data.itemMap.count, embeddingSize: 4, hiddenSize: 5, seed: 1)
        try model.checkParameters(cover: trainer(model, data).lossOfFirstStep())
    }
}

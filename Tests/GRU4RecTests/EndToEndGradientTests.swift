import GRU4Rec
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// One full GRU4Rec training step, differentiated by hand-written and composed backward rules,
/// against finite differences in Double: every loss, every input mode, every parameter.
@Suite struct EndToEndGradientTests {
    static let losses = GRU4RecConfiguration.Loss.allCases
    static let modes = ["constrained_embedding=True", "constrained_embedding=False,embedding=3", "constrained_embedding=False,embedding=0"]

    @Test(arguments: losses, modes)
    func oneTrainingStepMatchesFiniteDifferences(loss: GRU4RecConfiguration.Loss, mode: String) throws {
        // 6 items, 3 sessions in the batch, 4 hidden units, 3 shared samples.
        let extra = loss == .crossEntropy ? ",logq=1.0" : loss == .bprMax ? ",bpreg=1.5,elu_param=0.5" : ""
        let configuration = try GRU4RecConfiguration(parameters: "loss=\(loss.rawValue),layers=4,batch_size=3,n_sample=3,\(mode)\(extra)")
        let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 6)
        for parameter in model.parameters where parameter.name?.contains("bias") == true {
            var generator = SeededRandomGenerator(seed: 5)
            parameter.scalars = Tensor<Double>.uniform(parameter.shape, in: -0.3..<0.3, using: &generator).scalars
        }
        let support = [5, 3, 8, 1, 2, 4]
        var generator = SeededRandomGenerator(seed: 6)
        let earlier = model.zeroStates(batchSize: 3).map {
            Tensor<Double>.uniform($0.shape, in: -0.5..<0.5, using: &generator)
        }
        let parameters = model.parameters
        let result = gradcheck(parameters) { _ in
            var states = earlier
            return trainingLoss(model, inputs: [0, 2, 5], targets: [1, 3, 2], samples: [4, 0, 3],
                                      states: &states, support: support)
        }
        #expect(result.passed, "\(loss.rawValue), \(mode): \(result)")
        #expect(result.checkedElements == model.parameterCount)
    }

    @Test func twoLayersAndTheOriginalFormulation() throws {
        for formulation in ["pytorch", "original"] {
            let configuration = try GRU4RecConfiguration(parameters: "loss=cross-entropy,layers=4/3,batch_size=2,n_sample=2,gru_formulation=\(formulation),constrained_embedding=False,embedding=0")
            let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 5)
            let result = gradcheck(model.parameters) { _ in
                var states = model.zeroStates(batchSize: 2)
                _ = model.step([1, 2], states: &states)
                return trainingLoss(model, inputs: [3, 4], targets: [0, 1], samples: [2, 2], states: &states,
                                          support: [1, 1, 1, 1, 1])
            }
            #expect(result.passed, "\(formulation): \(result)")
        }
    }

    @Test func composedAndFusedModelsAgree() throws {
        let configuration = try GRU4RecConfiguration(parameters: "loss=bpr-max,layers=4/4,batch_size=3,n_sample=2")
        let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 6)
        var gradients: [[[Double]]] = []
        for implementation in GRUImplementation.allCases {
            model.implementation = implementation
            model.zeroGrad()
            var states = model.zeroStates(batchSize: 3)
            _ = model.step([0, 1, 2], states: &states)
            trainingLoss(model, inputs: [3, 4, 5], targets: [1, 2, 0], samples: [5, 4], states: &states,
                               support: [1, 2, 3, 4, 5, 6]).backward()
            gradients.append(model.parameters.map { $0.grad!.scalars })
        }
        for (composed, fused) in zip(gradients[0], gradients[1]) { expectClose(fused, composed, tolerance: 1e-12) }
    }

    /// One whole GRU4Rec training step, in Double, once with every fused op and once inside
    /// `withComposedOps`: the loss and every parameter's gradient agree.
    @Test(arguments: losses, modes)
    func aWholeTrainingStepIsTheSameFusedAndComposed(loss: GRU4RecConfiguration.Loss, mode: String) throws {
        let extra = loss == .crossEntropy ? ",logq=1.0" : loss == .bprMax ? ",bpreg=1.5,elu_param=0.5" : ""
        let configuration = try GRU4RecConfiguration(parameters: "loss=\(loss.rawValue),layers=5/4,batch_size=3,n_sample=3,\(mode)\(extra)")
        let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 7)
        let support = [5, 3, 8, 1, 2, 4, 6]
        func step() -> (loss: Double, gradients: [String: [Double]]) {
            model.zeroGrad()
            var states = model.zeroStates(batchSize: 3)
            _ = model.step([6, 1, 4], states: &states)
            let value = trainingLoss(model, inputs: [0, 2, 5], targets: [1, 3, 2], samples: [4, 0, 6], states: &states, support: support)
            value.backward()
            return (value.item, Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor.grad?.scalars ?? []) }))
        }
        let fused = step()
        let composed = withComposedOps { step() }
        #expect(abs(fused.loss - composed.loss) <= 1e-12 * max(1, abs(fused.loss)), "\(loss.rawValue) \(mode)")
        #expect(fused.gradients.keys.sorted() == composed.gradients.keys.sorted())
        for (name, gradient) in fused.gradients {
            #expect(!gradient.isEmpty, "\(name) got no gradient")
            expectClose(gradient, composed.gradients[name]!, tolerance: 1e-10)
        }
    }

    @Test func trainingScoresOnlyTheSampledColumns() throws {
        let configuration = try GRU4RecConfiguration(parameters: "layers=4,batch_size=2,n_sample=3")
        let model = GRU4RecModel<Double>(configuration: configuration, itemCount: 1000)
        var states = model.zeroStates(batchSize: 2)
        let loss = trainingLoss(model, inputs: [1, 2], targets: [3, 4], samples: [5, 6, 7], states: &states,
                                      support: [Int](repeating: 1, count: 1000))
        loss.backward()
        guard case .rowSparse(let sparse)? = model.output.weight.gradient else {
            Issue.record("the item matrix should get a row-sparse gradient")
            return
        }
        #expect(Set(sparse.coalesced().rowIndices) == [1, 2, 3, 4, 5, 6, 7])
    }
}

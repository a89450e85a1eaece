import Nabla
import NablaNN
import Testing

/// Hyperparameters are `Double` whatever the model's scalar type: a rate read from a
/// configuration passes as it is, a literal too, and the update rounds it once.
@Suite struct HyperparameterTypeTests {
    @Test func optimizersTakeADoubleVariableOrALiteralForFloatAndDoubleModels() {
        let rate = 0.05, momentum = 0.2    // as read from a configuration
        let float = Tensor<Float>([1, -2], shape: [2], requiresGrad: true)
        let double = Tensor<Double>([1, -2], shape: [2], requiresGrad: true)
        let optimizers: [any AnyObject] = [
            Adagrad(parameters: [float], learningRate: rate, momentum: momentum), Adagrad(parameters: [double], learningRate: rate),
            Adagrad(parameters: [float], learningRate: 0.05, momentum: 0.2), Adagrad(parameters: [double], learningRate: 0.05),
            SGD(parameters: [float], learningRate: rate, momentum: momentum), SGD(parameters: [double], learningRate: 0.1),
            Adam(parameters: [float], learningRate: rate, beta1: 0.8), Adam(parameters: [double], learningRate: 0.01),
        ]
        #expect(optimizers.count == 8)
    }

    @Test func aFloatModelStepsByTheRateRoundedToFloat() {
        let rate = 0.1
        let w = Tensor<Float>([1, -2], shape: [2], requiresGrad: true)
        (w * w).sum().backward()
        SGD(parameters: [w], learningRate: rate).step()
        #expect(w.scalars == [1 - Float(rate) * 2, -2 - Float(rate) * -4])
    }

    @Test func bprMaxTakesItsRegulariserAsADouble() {
        let bpreg = 0.9
        let scores = Tensor<Float>([1, 0.5, -1, 0.2, 2, 0.1], shape: [2, 3])
        let float = Losses.bprMax(scores, bpreg: bpreg).item
        let double = Losses.bprMax(Tensor<Double>(scores.scalars.map(Double.init), shape: [2, 3]), bpreg: 0.9).item
        #expect(abs(Double(float) - double) < 1e-5)
    }
}

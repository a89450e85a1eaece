import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// One step on known gradients gives hand-computed values; sparse and dense Adagrad agree.
@Suite struct OptimizerTests {
    /// A parameter with the given values whose gradient is `gradient` (by backward of `Σ w·g`).
    func parameter(_ values: [Double], gradient: [Double]) -> Tensor<Double> {
        let w = Tensor<Double>(values, requiresGrad: true)
        (w * Tensor(gradient)).sum().backward()
        return w
    }

    @Test func sgdPlainMomentumAndNesterov() {
        let plain = parameter([1, 2], gradient: [0.5, -1])
        SGD(parameters: [plain], learningRate: 0.1).step()
        expectClose(plain.scalars, [0.95, 2.1])

        let w = parameter([1], gradient: [2])
        let momentum = SGD(parameters: [w], learningRate: 0.1, momentum: 0.9)
        momentum.step()                       // v = 2, w = 1 − 0.2
        momentum.step()                       // v = 0.9·2 + 2 = 3.8, w = 0.8 − 0.38
        expectClose(w.scalars, [0.42])

        let n = parameter([1], gradient: [2])
        let nesterov = SGD(parameters: [n], learningRate: 0.1, momentum: 0.9, nesterov: true)
        nesterov.step()                       // v = 2, step = 2 + 1.8 = 3.8
        expectClose(n.scalars, [0.62])
    }

    @Test func adagradWithMomentumByHand() {
        let w = parameter([1, -1], gradient: [0.5, 2])
        let adagrad = Adagrad(parameters: [w], learningRate: 0.2, momentum: 0.5)
        adagrad.step()
        // acc = [0.25, 4]; v = −0.2·g/√(acc + 1e−6)
        let v1 = [-0.2 * 0.5 / (0.25 + 1e-6).squareRoot(), -0.2 * 2 / (4 + 1e-6).squareRoot()]
        expectClose(w.scalars, [1 + v1[0], -1 + v1[1]], tolerance: 1e-15)
        adagrad.step()                        // same gradient again: acc doubles, v = 0.5 v1 − ...
        let v2 = [0.5 * v1[0] - 0.2 * 0.5 / (0.5 + 1e-6).squareRoot(), 0.5 * v1[1] - 0.2 * 2 / (8 + 1e-6).squareRoot()]
        expectClose(w.scalars, [1 + v1[0] + v2[0], -1 + v1[1] + v2[1]], tolerance: 1e-15)
    }

    @Test func sparseAdagradTouchesOnlyGatheredRowsAndAgreesWithDense() {
        var generator = SeededRandomGenerator(seed: 61)
        let initial = Tensor<Double>.uniform([6, 3], in: -1..<1, using: &generator).scalars
        let sparseTable = Tensor<Double>(initial, shape: [6, 3], requiresGrad: true)
        let denseTable = Tensor<Double>(initial, shape: [6, 3], requiresGrad: true)
        let sparse = Adagrad(parameters: [sparseTable], learningRate: 0.1, momentum: 0.3)
        let dense = Adagrad(parameters: [denseTable], learningRate: 0.1, momentum: 0.3)
        let weights = Tensor<Double>.uniform([4, 3], in: -1..<1, using: &generator)
        for _ in 0..<3 {
            sparseTable.zeroGrad(); denseTable.zeroGrad()
            (sparseTable.gather(rows: [4, 1, 4, 0]) * weights).sum().backward()
            let denseGradient = sparseTable.grad!                                  // the same gradient, densified
            (denseTable * denseGradient).sum().backward()
            sparse.step(); dense.step()
        }
        for row in [0, 1, 4] {
            expectClose((0..<3).map { sparseTable[row, $0] }, (0..<3).map { denseTable[row, $0] }, tolerance: 1e-15)
        }
        for row in [2, 3, 5] {
            #expect((0..<3).map { sparseTable[row, $0] } == (0..<3).map { initial[row * 3 + $0] })
            #expect(sparse.accumulators[0][(row * 3)..<(row * 3 + 3)].allSatisfy { $0 == 0 })
        }
    }

    @Test func duplicateRowsAreSummedBeforeTheUpdate() {
        let table = Tensor<Double>(zeros: [2, 1], requiresGrad: true)
        table.gather(rows: [1, 1]).sum().backward()                              // row 1 gradient: 1 + 1
        Adagrad(parameters: [table], learningRate: 1).step()
        expectClose(table.scalars, [0, -2 / (4 + 1e-6).squareRoot()], tolerance: 1e-15)
    }

    @Test func adamFirstStepMovesByTheLearningRate() {
        let w = parameter([1, 1], gradient: [0.3, -5])
        let adam = Adam(parameters: [w], learningRate: 0.01)
        adam.step()
        // m̂ = g, v̂ = g², so each weight moves by lr·g/(|g| + ε)
        expectClose(w.scalars, [1 - 0.01 * 0.3 / (0.3 + 1e-8), 1 + 0.01 * 5 / (5 + 1e-8)], tolerance: 1e-15)
        #expect(adam.stepCount == 1)
    }

    @Test func parametersWithoutGradientsAreLeftAlone() {
        let w = Tensor<Double>([1, 2], requiresGrad: true)
        SGD(parameters: [w], learningRate: 1).step()
        Adagrad(parameters: [w], learningRate: 1).step()
        Adam(parameters: [w]).step()
        #expect(w.scalars == [1, 2])
    }
}

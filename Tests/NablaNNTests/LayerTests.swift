import Nabla
import NablaKernels
import NablaNN
import NablaTestSupport
import Testing

/// Embedding, Dense and Dropout: values, gradients and modes.
@Suite struct LayerTests {
    @Test func embeddingLooksUpRowsWithASparseGradient() {
        var generator = SeededRandomGenerator(seed: 2)
        let embedding = Embedding<Double>(count: 6, dimension: 3, using: &generator)
        let rows = embedding([4, 1, 4])
        #expect(rows.shape == [3, 3])
        #expect(rows[2, 1] == embedding.weight[4, 1])
        rows.sum().backward()
        guard case .rowSparse(let sparse)? = embedding.weight.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        #expect(sparse.rowIndices == [4, 1, 4])
        expectGradientsMatch([embedding.weight]) { _ in embedding([0, 5, 5]).tanh() }
    }

    @Test func embeddingInitialisationIsGlorotUniform() {
        var generator = SeededRandomGenerator(seed: 3)
        let embedding = Embedding<Double>(count: 100, dimension: 50, using: &generator)
        let limit = (6.0 / 150).squareRoot()
        #expect(embedding.weight.scalars.allSatisfy { abs($0) <= limit })
        #expect(embedding.weight.scalars.max()! > 0.9 * limit)
    }

    @Test func denseComputesXTimesWTransposedPlusBias() {
        var generator = SeededRandomGenerator(seed: 4)
        let dense = Dense<Double>(inputSize: 2, outputSize: 3, using: &generator)
        dense.weight.scalars = [1, 2, 3, 4, 5, 6]          // rows: outputs
        dense.bias!.scalars = [0.5, 0, -1]
        expectTensor(dense(Tensor(rows: [[1, 1], [2, 0]])), shape: [2, 3], [3.5, 7, 10, 2.5, 6, 9])
        #expect(dense.namedParameters().map(\.name) == ["weight", "bias"])
    }

    @Test func denseGradientsWithAndWithoutBias() {
        var generator = SeededRandomGenerator(seed: 5)
        let withBias = Dense<Double>(inputSize: 3, outputSize: 2, using: &generator)
        let withoutBias = Dense<Double>(inputSize: 3, outputSize: 2, hasBias: false, using: &generator)
        let x = randomInput([4, 3], seed: 6)
        expectGradientsMatch([x, withBias.weight, withBias.bias!]) { _ in withBias(x).tanh() }
        expectGradientsMatch([x, withoutBias.weight]) { _ in withoutBias(x).sigmoid() }
        #expect(withoutBias.parameterCount == 6)
    }

    @Test func dropoutIsTheIdentityInEvaluation() {
        let dropout = Dropout<Double>(probability: 0.5)
        dropout.eval()
        let x = Tensor<Double>.arange(0, 10)
        #expect(dropout(x) === x)
    }

    @Test func dropoutDropsWithProbabilityPAndScalesSurvivors() {
        let dropout = Dropout<Double>(probability: 0.3, seed: 7)
        let y = dropout(Tensor(ones: [20_000]))
        let kept = y.scalars.filter { $0 != 0 }
        #expect(Set(kept) == [1 / 0.7])
        #expect(abs(Double(kept.count) / 20_000 - 0.7) < 0.015)
    }

    @Test func dropoutGradientIsTheSameMask() {
        let dropout = Dropout<Double>(probability: 0.5, seed: 8)
        let x = Tensor<Double>(repeating: 3, shape: [50], requiresGrad: true)
        let y = dropout(x)
        y.sum().backward()
        #expect(x.grad!.scalars == y.scalars.map { $0 / 3 })
    }

    @Test func fusedDropoutEqualsTheComposedProductBitForBit() {
        // The same seed draws the same mask; the one op and x * mask give the same bits forward and back.
        let x = randomInput([6, 5], seed: 9), upstream = randomInput([6, 5], seed: 10).detached()
        let fused = Dropout<Double>(probability: 0.4, seed: 11)(x)
        #expect(fused.record?.op == "dropout")
        (fused * upstream).sum().backward()
        let fusedGradient = x.grad!.scalars
        x.zeroGrad()
        let composed = withComposedOps { Dropout<Double>(probability: 0.4, seed: 11)(x) }
        #expect(composed.record?.op == "mul")
        (composed * upstream).sum().backward()
        #expect(fused.scalars == composed.scalars)
        #expect(fusedGradient == x.grad!.scalars)
        // A new layer with the same seed draws the same mask on every call: a fixed function to check.
        expectGradientsMatch([x]) { Dropout<Double>(probability: 0.4, seed: 12)($0[0]).tanh() }
    }
}

/// The fused sampled output layer equals its composed definition.
@Suite struct SampledScoresTests {
    @Test func fusedScoresEqualGatherMatmulAndBias() {
        let hidden = randomInput([3, 4], seed: 91)
        let weights = randomInput([7, 4], seed: 92), bias = randomInput([7, 1], seed: 93)
        let columns = [2, 5, 2, 0, 6]
        let upstream = randomInput([3, 5], seed: 94).detached()
        let fused = sampledScores(hidden: hidden, weights: weights, bias: bias, columns: columns)
        (fused * upstream).sum().backward()
        let fusedGradients = [hidden, weights, bias].map { $0.grad!.scalars }
        for tensor in [hidden, weights, bias] { tensor.zeroGrad() }
        let composed = matmul(hidden, weights.gather(rows: columns), transposeB: true) + bias.gather(rows: columns).reshaped([1, -1])
        (composed * upstream).sum().backward()
        expectClose(fused.scalars, composed.scalars, tolerance: 1e-12)
        for (a, b) in zip(fusedGradients, [hidden, weights, bias].map { $0.grad!.scalars }) { expectClose(a, b, tolerance: 1e-12) }
        guard case .rowSparse(let sparse)? = weights.gradient else {
            Issue.record("the weights' gradient should be row-sparse")
            return
        }
        #expect(sparse.rowIndices == columns)
        expectGradientsMatch([hidden, weights, bias]) { sampledScores(hidden: $0[0], weights: $0[1], bias: $0[2], columns: columns) }
    }

    @Test(arguments: [1, 2])
    func manyColumnsScoredInBlocksEqualTheComposedLayer(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        // 700 columns: two full blocks of 256 and a partial one, spread over the threads.
        var generator = SeededRandomGenerator(seed: 95)
        let hidden = randomInput([6, 8], seed: 96)
        let weights = randomInput([900, 8], seed: 97), bias = randomInput([900, 1], seed: 98)
        let columns = (0..<700).map { _ in Int.random(in: 0..<900, using: &generator) }
        let upstream = randomInput([6, 700], seed: 99).detached()
        let fused = sampledScores(hidden: hidden, weights: weights, bias: bias, columns: columns)
        (fused * upstream).sum().backward()
        let fusedGradients = [hidden, weights, bias].map { $0.grad!.scalars }
        for tensor in [hidden, weights, bias] { tensor.zeroGrad() }
        let composed = matmul(hidden, weights.gather(rows: columns), transposeB: true) + bias.gather(rows: columns).reshaped([1, -1])
        (composed * upstream).sum().backward()
        expectClose(fused.scalars, composed.scalars, tolerance: 1e-12)
        // The backward products also run block by block: the same gradients as the composed layer.
        for (a, b) in zip(fusedGradients, [hidden, weights, bias].map { $0.grad!.scalars }) { expectClose(a, b, tolerance: 1e-12) }
    }

    @Test func gradientsOverSeveralBlocksPassTheGradientCheck() {
        // 600 columns over 300 rows: three blocks, every row drawn about twice.
        var generator = SeededRandomGenerator(seed: 100)
        let columns = (0..<600).map { _ in Int.random(in: 0..<300, using: &generator) }
        let hidden = randomInput([2, 3], seed: 101)
        let weights = randomInput([300, 3], seed: 102), bias = randomInput([300, 1], seed: 103)
        expectGradientsMatch([hidden, weights, bias]) { sampledScores(hidden: $0[0], weights: $0[1], bias: $0[2], columns: columns) }
    }
}

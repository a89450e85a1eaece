import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Both GRU formulations, composed and fused, against each other, finite differences, hand
/// computation and PyTorch.
@Suite struct GRUTests {
    /// A cell with biases set to non-zero values, so every parameter matters.
    func makeCell(_ formulation: GRUFormulation, inputSize: Int = 3, hiddenSize: Int = 4, seed: UInt64 = 1) -> GRUCell<Double> {
        var generator = SeededRandomGenerator(seed: seed)
        let cell = GRUCell<Double>(inputSize: inputSize, hiddenSize: hiddenSize, formulation: formulation, using: &generator)
        for bias in [cell.biasIH, cell.biasHH].compactMap({ $0 }) {
            bias.scalars = Tensor<Double>.uniform(bias.shape, in: -0.5..<0.5, using: &generator).scalars
        }
        return cell
    }

    @Test(arguments: GRUFormulation.allCases)
    func composedAndFusedAgreeOnOutputsAndEveryGradient(formulation: GRUFormulation) {
        let cell = makeCell(formulation)
        let x = randomInput([5, 3], seed: 11), h = randomInput([5, 4], seed: 12)
        let upstream = randomInput([5, 4], seed: 13).detached()
        var results: [[[Double]]] = []
        for implementation in GRUImplementation.allCases {
            cell.implementation = implementation
            cell.zeroGrad(); x.zeroGrad(); h.zeroGrad()
            let output = cell(x, h)
            (output * upstream).sum().backward()
            results.append([output.scalars, x.grad!.scalars, h.grad!.scalars] + cell.parameters.map { $0.grad!.scalars })
        }
        for (composed, fused) in zip(results[0], results[1]) {
            expectClose(fused, composed, tolerance: 1e-9)
        }
    }

    @Test(arguments: GRUFormulation.allCases, GRUImplementation.allCases)
    func gradientsMatchFiniteDifferences(formulation: GRUFormulation, implementation: GRUImplementation) {
        let cell = makeCell(formulation)
        cell.implementation = implementation
        let x = randomInput([2, 3], seed: 14), h = randomInput([2, 4], seed: 15)
        expectGradientsMatch([x, h] + cell.parameters) { inputs in cell(inputs[0], inputs[1]) }
    }

    @Test func originalFormulationMatchesItsEquationsByHand() {
        let cell = makeCell(.original, inputSize: 2, hiddenSize: 3)
        let x = Tensor<Double>(rows: [[0.3, -0.7]]), h = Tensor<Double>(rows: [[0.2, -0.1, 0.5]])
        let w = cell.weightIH, u = cell.weightHH, b = cell.biasIH
        func row(_ m: Tensor<Double>, _ r: Int, _ v: [Double]) -> Double {
            (0..<v.count).reduce(0) { $0 + m[r, $1] * v[$1] }
        }
        let xs = x.scalars, hs = h.scalars
        let sigmoid = { (v: Double) in 1 / (1 + Foundation.exp(-v)) }
        let r = (0..<3).map { sigmoid(row(w, $0, xs) + row(u, $0, hs) + b[$0]) }
        let z = (0..<3).map { sigmoid(row(w, 3 + $0, xs) + row(u, 3 + $0, hs) + b[3 + $0]) }
        let rh = (0..<3).map { r[$0] * hs[$0] }
        let candidate = (0..<3).map { Foundation.tanh(row(w, 6 + $0, xs) + row(u, 6 + $0, rh) + b[6 + $0]) }
        let expected = (0..<3).map { (1 - z[$0]) * hs[$0] + z[$0] * candidate[$0] }
        for implementation in GRUImplementation.allCases {
            cell.implementation = implementation
            expectTensor(cell(x, h), shape: [1, 3], expected, tolerance: 1e-14)
        }
    }

    @Test(arguments: GRUImplementation.allCases)
    func pytorchFormulationMatchesTorchGRUCell(implementation: GRUImplementation) throws {
        let url = try #require(Bundle.module.url(forResource: "gru_cell_pytorch", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONDecoder().decode(TorchGRUFixture.self, from: Data(contentsOf: url))
        var generator = SeededRandomGenerator(seed: 0)
        let cell = GRUCell<Double>(inputSize: fixture.inputSize, hiddenSize: fixture.hiddenSize,
                                   formulation: .pytorch, implementation: implementation, using: &generator)
        cell.weightIH.scalars = fixture.weightIH
        cell.weightHH.scalars = fixture.weightHH
        cell.biasIH.scalars = fixture.biasIH
        cell.biasHH!.scalars = fixture.biasHH
        let x = Tensor<Double>(fixture.x, shape: [fixture.batch, fixture.inputSize], requiresGrad: true)
        let h = Tensor<Double>(fixture.h, shape: [fixture.batch, fixture.hiddenSize], requiresGrad: true)
        let output = cell(x, h)
        output.backward(Tensor(fixture.upstream, shape: output.shape))
        expectClose(output.scalars, fixture.output, tolerance: 1e-5)
        expectClose(x.grad!.scalars, fixture.gradX, tolerance: 1e-5)
        expectClose(h.grad!.scalars, fixture.gradH, tolerance: 1e-5)
        expectClose(cell.weightIH.grad!.scalars, fixture.gradWeightIH, tolerance: 1e-5)
        expectClose(cell.weightHH.grad!.scalars, fixture.gradWeightHH, tolerance: 1e-5)
        expectClose(cell.biasIH.grad!.scalars, fixture.gradBiasIH, tolerance: 1e-5)
        expectClose(cell.biasHH!.grad!.scalars, fixture.gradBiasHH, tolerance: 1e-5)
        // Double against Double: in fact they agree to rounding.
        expectClose(output.scalars, fixture.output, tolerance: 1e-12)
    }

    @Test func weightsStartUniformPerGateBlock() {
        var generator = SeededRandomGenerator(seed: 21)
        let cell = GRUCell<Double>(inputSize: 30, hiddenSize: 10, using: &generator)
        let limit = (6.0 / 40).squareRoot()
        #expect(cell.weightIH.scalars.allSatisfy { abs($0) <= limit })
        #expect(cell.weightIH.scalars.max()! > 0.95 * limit)
        #expect(cell.biasIH.scalars.allSatisfy { $0 == 0 })
    }

    @Test func stackedGRUChainsLayersOfAnySize() {
        var generator = SeededRandomGenerator(seed: 22)
        let gru = GRU<Double>(inputSize: 3, hiddenSizes: [5, 2], using: &generator)
        let inputs = (0..<3).map { randomInput([4, 3], seed: UInt64(30 + $0)).detached() }
        let (outputs, finalState) = gru.unrolled(inputs)
        #expect(outputs.map(\.shape) == [[4, 2], [4, 2], [4, 2]])
        #expect(finalState.map(\.shape) == [[4, 5], [4, 2]])
        #expect(outputs[2].scope == "layer1.t2")
        for formulation in GRUFormulation.allCases {
            var g = SeededRandomGenerator(seed: 23)
            let stack = GRU<Double>(inputSize: 3, hiddenSizes: [3, 2], formulation: formulation, using: &g)
            let x = randomInput([2, 3], seed: 40)
            expectGradientsMatch([x] + stack.parameters) { inputs in
                stack.unrolled([inputs[0], inputs[0].tanh(), inputs[0] * 0.5]).outputs[2]
            }
        }
    }

    @Test func composedCellRecordsEveryGateAsItsOwnOp() {
        let cell = makeCell(.pytorch)
        cell.implementation = .composed
        let output = cell(randomInput([1, 3]), Tensor(zeros: [1, 4]))
        var scopes = Set<String>()
        var stack = [output]
        while let tensor = stack.popLast() {
            if let scope = tensor.scope { scopes.insert(scope) }
            stack += tensor.record?.inputs ?? []
        }
        #expect(scopes.isSuperset(of: ["r", "z", "n"]))
    }
}

/// The JSON written by `Fixtures/make_gru_fixtures.py`.
struct TorchGRUFixture: Decodable {
    let batch: Int, inputSize: Int, hiddenSize: Int
    let weightIH: [Double], weightHH: [Double], biasIH: [Double], biasHH: [Double]
    let x: [Double], h: [Double], upstream: [Double], output: [Double]
    let gradX: [Double], gradH: [Double], gradWeightIH: [Double], gradWeightHH: [Double]
    let gradBiasIH: [Double], gradBiasHH: [Double]
}

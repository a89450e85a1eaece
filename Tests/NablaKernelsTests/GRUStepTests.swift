import Nabla
import NablaKernels
import Testing

/// The GRU step kernel against the plain Swift loops it replaced, bit for bit.
@Suite struct GRUStepTests {
    /// The step written out in Swift, with the sigmoid and tanh of the vector kernels.
    static func referenceStep<Scalar: KernelScalar>(
        inputGates: [Scalar], hiddenGates: [Scalar], state: [Scalar], batch: Int, size: Int
    ) -> GRUStepValues<Scalar> {
        var r = [Scalar](repeating: 0, count: batch * size), z = r, n = r, hiddenN = r, output = r
        for b in 0..<batch {
            for j in 0..<size {
                let gate = b * 3 * size + j, cell = b * size + j
                r[cell] = inputGates[gate] + hiddenGates[gate]
                z[cell] = inputGates[gate + size] + hiddenGates[gate + size]
                hiddenN[cell] = hiddenGates[gate + 2 * size]
            }
        }
        VectorKernels.sigmoid(&r)
        VectorKernels.sigmoid(&z)
        for b in 0..<batch {
            for j in 0..<size {
                let cell = b * size + j
                n[cell] = inputGates[b * 3 * size + 2 * size + j] + r[cell] * hiddenN[cell]
            }
        }
        VectorKernels.tanh(&n)
        for cell in output.indices { output[cell] = (1 - z[cell]) * n[cell] + z[cell] * state[cell] }
        return GRUStepValues(reset: r, update: z, candidate: n, hiddenCandidate: hiddenN, output: output)
    }

    /// The backward written out in Swift.
    static func referenceGradients<Scalar: KernelScalar>(
        upstream g: [Scalar], state: [Scalar], step: GRUStepValues<Scalar>, batch: Int, size: Int
    ) -> (inputGates: [Scalar], hiddenGates: [Scalar], state: [Scalar]) {
        let (r, z, n, hiddenN) = (step.reset, step.update, step.candidate, step.hiddenCandidate)
        var inputSide = [Scalar](repeating: 0, count: batch * 3 * size), hiddenSide = inputSide
        var stateGradient = [Scalar](repeating: 0, count: batch * size)
        for b in 0..<batch {
            for j in 0..<size {
                let gate = b * 3 * size + j, cell = b * size + j
                let dz = g[cell] * (state[cell] - n[cell])
                let dn = g[cell] * (1 - z[cell])
                stateGradient[cell] = g[cell] * z[cell]
                let daN = dn * (1 - n[cell] * n[cell])
                let daZ = dz * z[cell] * (1 - z[cell])
                let daR = daN * hiddenN[cell] * r[cell] * (1 - r[cell])
                inputSide[gate] = daR; inputSide[gate + size] = daZ; inputSide[gate + 2 * size] = daN
                hiddenSide[gate] = daR; hiddenSide[gate + size] = daZ; hiddenSide[gate + 2 * size] = daN * r[cell]
            }
        }
        return (inputSide, hiddenSide, stateGradient)
    }

    static func check<Scalar: KernelScalar>(_ type: Scalar.Type, batch: Int, size: Int, seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        func values(_ count: Int, _ scale: Double) -> [Scalar] {
            (0..<count).map { _ in Scalar(Double.random(in: -scale...scale, using: &generator)) }
        }
        let inputGates = values(batch * 3 * size, 4), hiddenGates = values(batch * 3 * size, 4)
        let state = values(batch * size, 1), upstream = values(batch * size, 1)
        let step = gruStep(inputGates: inputGates, hiddenGates: hiddenGates, state: state, batch: batch, size: size)
        let expected = referenceStep(inputGates: inputGates, hiddenGates: hiddenGates, state: state, batch: batch, size: size)
        #expect(step.reset == expected.reset && step.update == expected.update && step.candidate == expected.candidate)
        #expect(step.hiddenCandidate == expected.hiddenCandidate && step.output == expected.output)
        let gradients = gruStepGradients(upstream: upstream, state: state, step: step, batch: batch, size: size)
        let expectedGradients = referenceGradients(upstream: upstream, state: state, step: expected, batch: batch, size: size)
        #expect(gradients.inputGates == expectedGradients.inputGates)
        #expect(gradients.hiddenGates == expectedGradients.hiddenGates)
        #expect(gradients.state == expectedGradients.state)
    }

    @Test(arguments: [(1, 1), (3, 7), (32, 100), (5, 0)])
    func theStepAndItsGradientsAreThoseOfThePlainLoops(batch: Int, size: Int) {
        Self.check(Float.self, batch: batch, size: size, seed: 31)
        Self.check(Double.self, batch: batch, size: size, seed: 32)
    }

    @Test(arguments: [(32, 100), (900, 37)])
    func twoThreadsGiveTheSameBits(batch: Int, size: Int) {
        // 32 rows: the step is split between the threads; 900 rows of 37: its gradients too.
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        Self.check(Float.self, batch: batch, size: size, seed: 33)
        Self.check(Double.self, batch: batch, size: size, seed: 34)
    }

    @Test func aStepWhoseArraysDoNotFitStopsWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = gruStep(inputGates: [1, 2, 3] as [Float], hiddenGates: [1, 2], state: [1], batch: 1, size: 1)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("gruStep:"), "\(message)")
    }
}

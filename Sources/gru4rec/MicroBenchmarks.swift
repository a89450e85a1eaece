import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN

/// Timings of the parts of a training step at GRU4Rec's rsc15 shapes.
enum MicroBenchmarks {
    /// Each part's name and its mean time per call in microseconds.
    static func run(itemCount: Int, support: [Int]) -> [(name: String, microseconds: Double)] {
        let batch = 32, hidden = 100, columns = batch + 2048
        var generator = SeededRandomGenerator(seed: 1)
        let h = Tensor<Float>.uniform([batch, hidden], in: -1..<1, using: &generator)
        let w = Tensor<Float>.uniform([columns, hidden], in: -1..<1, using: &generator)
        var results: [(name: String, microseconds: Double)] = []
        results.append(("sgemm_32x100x2080", time(200) { _ = gemm(transposeA: false, transposeB: true, m: batch, n: columns, k: hidden, a: h.scalars, b: w.scalars) }))
        let cell = GRUCell<Float>(inputSize: hidden, hiddenSize: hidden, using: &generator)
        let x = Tensor<Float>.uniform([batch, hidden], in: -1..<1, using: &generator)
        results.append(("gru_step_forward_backward", time(200) {
            let state = Tensor<Float>(h.scalars, shape: h.shape, requiresGrad: true)
            cell(x, state).sum().backward()
            cell.zeroGrad()
        }))
        var sampler = NegativeSampler(support: support, alpha: 0.5, sampleCount: 2048, seed: 2)
        results.append(("sample_2048", time(2000) { _ = sampler.next() }))
        let table = Tensor<Float>.uniform([itemCount, hidden], in: -1..<1, using: &generator, requiresGrad: true)
        let adagrad = Adagrad(parameters: [table], learningRate: 0.1, momentum: 0.2)
        let rows = (0..<columns).map { _ in generator.nextInt(below: itemCount) }
        table.gather(rows: rows).sum().backward()
        results.append(("sparse_adagrad_2080_rows", time(200) { adagrad.step() }))
        let scores = Tensor<Float>.uniform([batch, columns], in: -3..<3, using: &generator, requiresGrad: true)
        results.append(("cross_entropy_forward_backward", time(200) {
            Losses.crossEntropy(scores).backward()
            scores.zeroGrad()
        }))
        return results
    }

    /// Mean microseconds per call of `body` over `count` calls, after a warm-up.
    static func time(_ count: Int, _ body: () -> Void) -> Double {
        for _ in 0..<max(count / 10, 1) { body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count) / 1000
    }
}

import Foundation
import GRU4Rec
import Nabla

/// One GRU4Rec training step's loss from the public pieces, as ``SessionTrainer/loss(inputs:targets:samples:states:)``
/// computes it, with the item supports given directly.
func trainingLoss<Scalar>(
    _ model: GRU4RecModel<Scalar>, inputs: [Int], targets: [Int], samples: [Int], states: inout [Tensor<Scalar>], support: [Int]
) -> Tensor<Scalar> {
    let hidden = model.step(inputs, states: &states)
    let items = targets + samples
    let configuration = model.configuration
    let logSupport = SessionTrainer<GRU4RecModel<Scalar>>.logSupport(support)
    let batch = ScoredBatch(scores: model.scores(hidden, items: items), items: items, targetCount: targets.count,
                            logSupport: items.map { logSupport[$0] }, sampleAlpha: configuration.sampleAlpha)
    return configuration.sampledLoss(batch) / Scalar(configuration.batchSize)
}

/// Makes a sparse file of `size` zero bytes at `url`: large, but it takes no disk space.
func sparseFile(_ url: URL, size: UInt64) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: size)
    try handle.close()
}

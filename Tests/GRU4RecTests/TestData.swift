import Foundation
import GRU4Rec
import Nabla

/// One GRU4Rec training step's loss from the public pieces, as ``SessionTrainer/loss(inputs:targets:samples:states:)``
/// computes it, with the item supports given directly.
func trainingLoss<Scalar>(
    _ model: GRU4RecModel<Scalar>, inputs: [Int], targets: [Int], samples: [Int], states: inout [Tensor<Scalar>], support: [Int]
) -> Tensor<Scalar> {
    let hidden = model.step(inputs, states: &states)
    let columns = targets + samples
    let scores = model.scores(hidden, items: columns)
    let configuration = model.configuration
    return configuration.sampledLoss(scores, columns: columns, batchRows: targets.count,
                                     logSupport: SessionTrainer<GRU4RecModel<Scalar>>.logSupport(support),
                                     sampleAlpha: configuration.sampleAlpha) / Scalar(configuration.batchSize)
}

/// Makes a sparse file of `size` zero bytes at `url`: large, but it takes no disk space.
func sparseFile(_ url: URL, size: UInt64) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: size)
    try handle.close()
}

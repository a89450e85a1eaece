import Foundation
import GRU4Rec
import Nabla

/// Builds session data from item rows, one session per array, in the given time order.
func sessions(_ items: [[Int]], itemCount: Int? = nil) throws -> SessionData {
    var lines = ["SessionId\tItemId\tTime"]
    var time = 0
    for (index, session) in items.enumerated() {
        for item in session {
            lines.append("s\(index)\ti\(item)\t\(time)")
            time += 1
        }
    }
    let events = try SessionTSVReader.parse(Data(lines.joined(separator: "\n").utf8), source: "test.tsv")
    let count = itemCount ?? ((items.flatMap { $0 }.max() ?? 0) + 1)
    let map = try ItemMap(ids: (0..<count).map { "i\($0)" })
    return SessionData.test(events, source: "test.tsv", itemMap: map)
}

/// The folder of the shared real data, or `nil` (with the reason) when it is absent.
func sharedData(_ relative: String) -> URL? {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    let file = url.deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(relative)
    return FileManager.default.fileExists(atPath: file.path) ? file : nil
}

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

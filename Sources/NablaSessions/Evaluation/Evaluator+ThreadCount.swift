/// The earlier spellings with a thread count: ranking now runs on the compute threads
/// (`ComputeThreads` in NablaKernels), whose count `ComputeThreads.set(_:)` chooses.
extension Evaluator {
    /// ``evaluate(_:on:batchSize:cutoffs:mode:progress:)``; `threads` is not read.
    @available(*, deprecated, message: "ranks are counted on the compute threads: call ComputeThreads.set(_:) and leave out threads:")
    public static func evaluate<Scorer: NextItemScorer>(
        _ scorer: inout Scorer, on data: SessionData, batchSize: Int = defaultBatchSize, cutoffs: [Int] = [1, 5, 10, 20],
        mode: RankMode = .conservative, threads: Int, progress: (Int) -> Void = { _ in }
    ) throws -> RankingMetrics {
        try evaluate(&scorer, on: data, batchSize: batchSize, cutoffs: cutoffs, mode: mode, progress: progress)
    }
}

extension NextItemScorer {
    /// ``ranks(inputs:previousSlot:targets:mode:cutoff:)``; `threads` is not read.
    @available(*, deprecated, message: "ranks are counted on the compute threads: call ComputeThreads.set(_:) and leave out threads:")
    public mutating func ranks(
        inputs: [Int], previousSlot: [Int?], targets: [Int], mode: RankMode, cutoff: Int, threads: Int
    ) throws -> [Double] {
        try ranks(inputs: inputs, previousSlot: previousSlot, targets: targets, mode: mode, cutoff: cutoff)
    }
}

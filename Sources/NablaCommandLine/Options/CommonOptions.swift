import ArgumentParser
import Foundation
import Nabla
import NablaKernels
import NablaSessions

/// Column names of the session files.
package struct ColumnOptions: ParsableArguments {
    /// The options, for the argument parser.
    package init() {}

    @Option(name: [.customLong("session-key"), .customLong("sk", withSingleDash: true)], help: "Name of the session id column.")
    var sessionKey = "SessionId"
    @Option(name: [.customLong("item-key"), .customLong("ik", withSingleDash: true)], help: "Name of the item id column.")
    var itemKey = "ItemId"
    @Option(name: [.customLong("time-key"), .customLong("tk", withSingleDash: true)], help: "Name of the time column.")
    var timeKey = "Time"
    @Option(help: "The longest line accepted in a session file, in bytes.")
    var maxLineLength = 1 << 20

    package func validate() throws {
        guard (16...(1 << 30)).contains(maxLineLength) else {
            throw ValidationError("--max-line-length \(maxLineLength) must be from 16 to \(1 << 30) bytes")
        }
    }

    package var columns: SessionColumns {
        SessionColumns(session: sessionKey, item: itemKey, time: timeKey, maximumLineLength: maxLineLength)
    }
}

/// How evaluation ranks and reports.
package struct EvaluationOptions: ParsableArguments {
    /// The options, for the argument parser.
    package init() {}

    @Option(name: [.customLong("cutoffs"), .customShort("m")], parsing: .upToNextOption,
            help: "Cutoffs K of Recall@K and MRR@K, separated by commas or spaces (-m 1 5 10 20, as the official run.py).")
    var cutoffs: [String] = ["1,5,10,20"]
    @Option(name: [.customLong("rank-mode"), .customShort("e")],
            help: "How ties are ranked: conservative (the default of the official evaluation code), standard (the default of the official run.py's -e) or median.")
    var rankMode: String = "conservative"
    @Option(help: "Sessions evaluated in parallel (rows of one score matrix).")
    var evaluationBatchSize = 100
    @Flag(help: ArgumentHelp("Rank by scoring every item in full, also on CPUs with AVX2 or AVX-512 VNNI.",
                             discussion: "There, ranks otherwise come from 8-bit scores with error bounds and full Float scores for the items near each target."))
    package var everyScore = false

    /// Checks every option up front, so a long run never fails on one of them at its end.
    package func check() throws {
        _ = try parsedCutoffs()
        _ = try parsedMode()
        guard (1...1_000_000).contains(evaluationBatchSize) else {
            throw ValidationError("--evaluation-batch-size \(evaluationBatchSize) must be from 1 to 1000000")
        }
    }

    package func parsedCutoffs() throws -> [Int] {
        let given = cutoffs.joined(separator: " ")
        let values = given.split(whereSeparator: { $0 == "," || $0 == " " }).map { Int($0) }
        guard !values.isEmpty, values.allSatisfy({ (1...1_000_000_000).contains($0 ?? 0) }) else {
            throw ValidationError("--cutoffs '\(given)' must be positive integers separated by commas or spaces")
        }
        return values.map { $0! }
    }

    package func parsedMode() throws -> RankMode {
        guard let mode = RankMode(rawValue: rankMode) else {
            throw ValidationError("--rank-mode '\(rankMode)' must be conservative, standard or median")
        }
        return mode
    }
}

/// How much memory a command that trains may use.
package struct MemoryOptions: ParsableArguments {
    /// The options, for the argument parser.
    package init() {}

    @Option(help: "Memory training may use, in MB (default: what the system reports available).")
    var memoryLimit: Int?

    package func validate() throws {
        if let memoryLimit, !(32...(1 << 30)).contains(memoryLimit) {
            throw ValidationError("--memory-limit \(memoryLimit) must be a number of MB from 32 to \(1 << 30) (1 PB)")
        }
    }

    /// The memory training may use, in bytes: `--memory-limit`, or what the system reports available.
    package var availableMemory: Int? { memoryLimit.map { $0 << 20 } ?? MemoryBudget.availableBytes }
}

/// `--quiet`: no progress on standard error; results, warnings and errors still print.
package struct ProgressOptions: ParsableArguments {
    /// The options, for the argument parser.
    package init() {}

    @Flag(help: "Show no progress (bars on a terminal, progress lines in a log); results, warnings and errors still print.")
    var quiet = false

    /// Hides progress from now on when `--quiet` is given.
    package func apply() { ProgressBar.quiet.store(quiet, ordering: .relaxed) }
}

/// Threads for BLAS and ranking.
package struct ThreadOptions: ParsableArguments {
    /// The options, for the argument parser.
    package init() {}

    @Option(help: "Threads for matrix products (OpenBLAS) and for ranking in evaluation.")
    var threads = 1

    package func apply() { ComputeThreads.set(threads) }

    package func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads \(threads) must be from 1 to 256") }
    }
}

/// Threads for training: `--threads`, and whether training may fall back to one thread.
///
/// With `--threads` above 1 training is adaptive unless `--fixed-threads` is given: it times
/// windows of steps and runs with whichever of 1 thread and `--threads` is faster at the time
/// (two threads can be slower than one when the host places a virtual machine's CPUs apart).
/// The results are the same either way.
package struct TrainingThreadOptions: ParsableArguments {
    /// How training chooses its thread count.
    enum Policy: String, EnumerableFlag {
        case adaptiveThreads, fixedThreads

        static func help(for value: Policy) -> ArgumentHelp? {
            switch value {
            case .adaptiveThreads:
                return ArgumentHelp("Train with whichever of 1 thread and --threads is faster at the time, timed over windows of 200 steps "
                    + "(the default with --threads above 1).", discussion: "The results are the same either way; evaluation uses --threads.")
            case .fixedThreads:
                return "Train with exactly --threads threads throughout, even when one would be faster."
            }
        }
    }

    /// The options, for the argument parser.
    package init() {}

    @OptionGroup var base: ThreadOptions

    @Flag var policy: Policy?

    package var threads: Int { base.threads }

    /// Whether training switches between 1 thread and ``threads``: unless `--fixed-threads`, with more than one.
    package var adaptiveThreads: Bool { threads > 1 && policy != .fixedThreads }

    package func apply() { base.apply() }

    /// The tuner for a trainer, when training is adaptive.
    package func tuner() -> ThreadCountTuner? { adaptiveThreads ? ThreadCountTuner(maximum: threads) : nil }

    package func validate() throws {
        if policy == .adaptiveThreads && threads < 2 { throw ValidationError("--adaptive-threads needs --threads of 2 or more") }
    }
}

/// Reads a session file for training, stopping early if the data would need more than
/// `memoryLimit` bytes.
package func readTraining(_ path: String, columns: SessionColumns, memoryLimit: Int? = nil) throws -> SessionData {
    try SessionData.training(streamingFrom: URL(fileURLWithPath: path), columns: columns,
                             memoryLimit: memoryLimit.map { $0 - MemoryBudget.processBytes })
}

/// Reads a session file for testing against `itemMap`, reporting dropped events.
package func readTest(_ path: String, columns: SessionColumns, itemMap: ItemMap) throws -> SessionData {
    let data = try SessionData.test(streamingFrom: URL(fileURLWithPath: path), columns: columns, itemMap: itemMap)
    if data.droppedUnknownEvents > 0 {
        print("test data: dropped \(data.droppedUnknownEvents) events whose item the model does not know")
    }
    return data
}

/// Stops with an error naming `file` when the test data holds nothing to predict: no session
/// with two events whose items the model knows.
package func requirePredictions(_ data: SessionData, file: String) throws {
    guard data.eventCount > data.sessionCount else {
        throw DataError(file: file, "no test session has two events the model knows (\(data.droppedUnknownEvents) events had "
            + "items the model was not trained on), so there is nothing to evaluate")
    }
}

/// Evaluates any scorer with a progress bar and returns the metrics.
package func evaluateWithProgress<Scorer: NextItemScorer>(
    _ scorer: inout Scorer, name: String, on data: SessionData, options: EvaluationOptions
) throws -> (metrics: RankingMetrics, seconds: Double) {
    let total = data.eventCount - data.sessionCount
    var bar = ProgressBar(title: "evaluate \(name)", total: total)
    let start = Date()
    let metrics = try Evaluator.evaluate(&scorer, on: data, batchSize: options.evaluationBatchSize,
                                     cutoffs: try options.parsedCutoffs(), mode: try options.parsedMode()) { bar.update($0) }
    bar.finish()
    return (metrics, Date().timeIntervalSince(start))
}

/// Prints Recall@K and MRR@K for several models side by side.
package func printMetrics(_ results: [(name: String, metrics: RankingMetrics)]) {
    guard let cutoffs = results.first?.metrics.cutoffs else { return }
    let header = ["model"] + cutoffs.map { "Recall@\($0)" } + cutoffs.map { "MRR@\($0)" }
    let rows = results.map { result in
        [result.name] + cutoffs.map { fixed4(result.metrics.recall(at: $0)) } + cutoffs.map { fixed4(result.metrics.mrr(at: $0)) }
    }
    printTable(header, rows)
}

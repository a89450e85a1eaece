import ArgumentParser
import Foundation
import Nabla
import NablaKernels
import NablaNN
import NablaSessions

/// `benchmark`: training and evaluation speed, peak memory and accuracy with the model's
/// benchmark parameters (GRU4Rec: the official rsc15 setting), plus the registration's
/// micro-benchmarks of the parts, as one JSON line at the end.
public struct BenchmarkCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `benchmark`.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "benchmark",
            abstract: "Measure training and evaluation speed and peak memory (build with -c release).",
            discussion: "Example: swift run -c release \(programName) benchmark --data ../shared/data/yoochoose-1_64 --threads 1 --json")
    }

    /// The command, for the argument parser.
    public init() {}

    @Option(help: "A folder with train_full.tsv and test.tsv.")
    var data: String?

    @Option(help: "Instead of --data: generate a catalogue of this many items with power-law popularity (see --catalogue-events).")
    var catalogueItems: Int?

    @Option(help: "The events of the generated catalogue, training and test together.")
    var catalogueEvents = 1_000_000

    @Option(help: "Training epochs (wins over n_epochs in --parameters; default 10).")
    var epochs: Int?

    @Option(help: "Hyperparameters; default: the model's benchmark setting (GRU4Rec: the official rsc15 one).")
    var parameters = Registration.benchmarkParameters

    @OptionGroup var threadOptions: TrainingThreadOptions
    @OptionGroup var memoryOptions: MemoryOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Flag(help: "Print the results as one JSON object on the last line.")
    var json = false

    @Flag(help: "Skip the micro-benchmarks.")
    var skipMicro = false

    /// The largest catalogue generated: as many items and events as a configuration's counts.
    static var largestCatalogue: Int { 1 << 30 }

    public func validate() throws {
        guard (data == nil) != (catalogueItems == nil) else { throw ValidationError("give --data or --catalogue-items") }
        if let catalogueItems {
            for (option, value) in [("--catalogue-items", catalogueItems), ("--catalogue-events", catalogueEvents)]
            where !(2...Self.largestCatalogue).contains(value) {
                throw ValidationError("\(option) \(value) must be at least 2 and at most \(Self.largestCatalogue)")
            }
        }
        do { _ = try configuration() } catch { throw ValidationError("\(error)") }
    }

    /// `--parameters`, then `--epochs`, checked as every configuration is.
    func configuration() throws -> Registration.Hyperparameters {
        var configuration = Registration.Hyperparameters()
        try configuration.set(parameters)
        if let epochs { try configuration.set("n_epochs", to: String(epochs)) }
        try configuration.validate()
        return configuration
    }

    public func run() throws {
        progressOptions.apply()
        threadOptions.apply()
        let threads = threadOptions.threads
        let configuration = try configuration()
        let evaluationOptions = try EvaluationOptions.parse([])
        let folder = try dataFolder(configuration, evaluationBatchSize: evaluationOptions.evaluationBatchSize)
        defer { if data == nil { try? FileManager.default.removeItem(at: folder) } }
        let train = try readTraining(folder.appendingPathComponent("train_full.tsv").path, columns: SessionColumns(),
                                     memoryLimit: memoryOptions.availableMemory)
        let testPath = folder.appendingPathComponent("test.tsv").path
        let test = try readTest(testPath, columns: SessionColumns(), itemMap: train.itemMap)
        try requirePredictions(test, file: testPath)
        try Registration.checkMemory(configuration, itemCount: train.itemMap.count, dataBytes: MemoryBudget.sessionDataBytes(of: train),
                                     saving: .none, evaluationBatchSize: evaluationOptions.evaluationBatchSize,
                                     availableMemory: memoryOptions.availableMemory, source: train.source, purpose: "")
        print("data: \(train.eventCount) training events, \(train.itemMap.count) items; \(test.eventCount - test.sessionCount) test predictions")

        let model = Registration.makeModel(configuration, itemCount: train.itemMap.count)
        let tuner = threadOptions.tuner()
        let summaries = try trainModel(model, on: train, configuration, tuner: tuner)
        let trainSeconds = summaries.reduce(0) { $0 + $1.seconds }
        let trainEvents = summaries.reduce(0) { $0 + $1.events }
        var scorer = SessionModelScorer(model: model)
        let (metrics, evalSeconds) = try evaluateWithProgress(&scorer, name: Registration.displayName, on: test,
                                                              options: evaluationOptions)
        var report: [String: Any] = [
            "train_events_per_second": Double(trainEvents) / trainSeconds,
            "train_seconds": trainSeconds,
            "eval_events_per_second": Double(metrics.predictions) / evalSeconds,
            "eval_seconds": evalSeconds,
            "predictions": metrics.predictions,
            "evaluation_ranking": scorer.lastRanksUsedBounds ? "bounded" : "every score",
            "recall_at_20": metrics.recall(at: 20), "mrr_at_20": metrics.mrr(at: 20),
            "threads": threads, "adaptive_threads": threadOptions.adaptiveThreads, "thread_switches": tuner?.switches ?? 0,
            "epochs": configuration.epochs, "parameters": configuration.parameterString,
            "cpu_model": Machine.cpuModel, "cpu_cores": ProcessInfo.processInfo.activeProcessorCount,
            "cpu_vector_extensions": Machine.vectorExtensions, "blas_core": ComputeThreads.blasCoreName,
            "data": data ?? "generated: \(catalogueItems!) items, \(catalogueEvents) events",
        ]
        if !skipMicro {
            let micro = Registration.microBenchmarks(itemCount: train.itemMap.count, support: train.itemSupport())
            for (name, microseconds) in micro { report["micro_\(name)_us"] = microseconds }
            printTable(["part", "µs per call"], micro.map { [$0.0, String(format: "%.1f", $0.1)] })
        }
        report["peak_rss_bytes"] = Machine.peakResidentBytes
        let cpu = Machine.cpuSeconds
        report["user_cpu_seconds"] = cpu.user
        report["system_cpu_seconds"] = cpu.system
        printTable(["figure", "value"], [
            ["training predictions/s", String(Int(Double(trainEvents) / trainSeconds))],
            ["evaluation predictions/s", String(Int(Double(metrics.predictions) / evalSeconds))],
            ["peak resident memory (MB)", String(Machine.peakResidentBytes / 1_000_000)],
            ["CPU time: user / system (s)", String(format: "%.1f / %.1f", cpu.user, cpu.system)],
            ["Recall@20", fixed4(metrics.recall(at: 20))], ["MRR@20", fixed4(metrics.mrr(at: 20))],
        ])
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}

extension BenchmarkCommand {
    /// Trains `model` for the configured epochs. The trainer, with the optimizer's state, is
    /// released when training ends, so evaluation does not hold it (the peak memory reported is
    /// the larger of the two, not their sum).
    func trainModel(_ model: Registration.Model, on data: SessionData, _ configuration: Registration.Hyperparameters,
               tuner: ThreadCountTuner?) throws -> [EpochSummary] {
        let trainer = Registration.makeTrainer(model, data: data, hyperparameters: configuration)
        trainer.threadTuner = tuner
        return try trainWithProgress(trainer: trainer, epochs: configuration.epochs)
    }

    /// The folder given with `--data`, or a temporary one holding the generated catalogue, once
    /// generating it, and training `configuration` on it and evaluating in batches of
    /// `evaluationBatchSize` sessions, are known to fit in memory.
    func dataFolder(_ configuration: Registration.Hyperparameters, evaluationBatchSize: Int) throws -> URL {
        if let data { return URL(fileURLWithPath: data) }
        let items = catalogueItems!, events = catalogueEvents
        let catalogue = SyntheticCatalogue(itemCount: items, eventCount: events)
        let source = "--catalogue-items \(items) --catalogue-events \(events)"
        try MemoryBudget.check(MemoryBudget.processBytes + catalogue.generationBytes, available: memoryOptions.availableMemory,
                               for: "generating \(items) items and \(events) events", source: source)
        let sessions = Int(Double(events) / catalogue.meanLength)
        try Registration.checkMemory(configuration, itemCount: min(items, events),
                                     dataBytes: MemoryBudget.sessionDataBytes(events: events, sessions: sessions, items: min(items, events)),
                                     saving: .none, evaluationBatchSize: evaluationBatchSize,
                                     availableMemory: memoryOptions.availableMemory, source: source, purpose: "")
        // A folder of this run's own (made with mkdtemp, mode 0700), never a name another user
        // could have planted a link at; removed when the benchmark ends.
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("\(Registration.name)-catalogue-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DataError(file: FileManager.default.temporaryDirectory.path, "cannot create a folder for the catalogue: "
                + String(cString: strerror(errno)))
        }
        let folder = URL(fileURLWithPath: String(cString: made))
        try catalogue.write(to: folder)
        print("generated \(items) items with power-law popularity, \(events) events, in \(folder.path)")
        return folder
    }
}

/// Facts about the machine and the process.
package enum Machine {
    /// The CPU's model name from /proc/cpuinfo.
    static var cpuModel: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// The vector extensions the CPU reports that matter for speed: `avx2`, `fma`, `avx512f`,
    /// `avx512_vnni`.
    static var vectorExtensions: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        return ["avx2", "fma", "avx512f", "avx512_vnni"].filter(flags.contains).joined(separator: " ")
    }

    /// The CPU time this process has used so far, in user and in system (kernel) mode.
    static var cpuSeconds: (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    /// The peak resident set size of this process.
    static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}

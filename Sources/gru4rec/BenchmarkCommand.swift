import ArgumentParser
import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN

/// `gru4rec benchmark`: training and evaluation speed, peak memory and accuracy with the
/// official rsc15 parameters, plus micro-benchmarks of the parts, as one JSON line at the end.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure training and evaluation speed and peak memory (build with -c release).",
        discussion: "Example: swift run -c release gru4rec benchmark --data ../shared/data/yoochoose-1_64 --threads 1 --json")

    @Option(help: "A folder with train_full.tsv and test.tsv.")
    var data: String?

    @Option(help: "Instead of --data: generate a catalogue of this many items with power-law popularity (see --catalogue-events).")
    var catalogueItems: Int?

    @Option(help: "The events of the generated catalogue, training and test together.")
    var catalogueEvents = 1_000_000

    @Option(help: "Training epochs (wins over n_epochs in --parameters; default 10).")
    var epochs: Int?

    @Option(help: "Hyperparameters; default: the official rsc15 setting.")
    var parameters = "loss=cross-entropy,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1.0,constrained_embedding=True"

    @OptionGroup var threadOptions: TrainingThreadOptions
    @OptionGroup var memoryOptions: MemoryOptions

    @Flag(help: "Print the results as one JSON object on the last line.")
    var json = false

    @Flag(help: "Skip the micro-benchmarks.")
    var skipMicro = false

    /// The largest catalogue generated: as many items and events as a configuration's counts.
    static let largestCatalogue = GRU4RecConfiguration.maximumCount

    func validate() throws {
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
    func configuration() throws -> GRU4RecConfiguration {
        var configuration = GRU4RecConfiguration()
        try configuration.set(parameters)
        if let epochs { try configuration.set("n_epochs", to: String(epochs)) }
        try configuration.validate()
        return configuration
    }

    func run() throws {
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
        try configuration.validate(trainingOn: train, availableMemory: memoryOptions.availableMemory,
                                   evaluationBatchSize: evaluationOptions.evaluationBatchSize)
        print("data: \(train.eventCount) training events, \(train.itemMap.count) items; \(test.eventCount - test.sessionCount) test predictions")

        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: train.itemMap.count)
        let tuner = threadOptions.tuner()
        let summaries = try trainWithProgress(model: model, data: train, threadTuner: tuner)
        let trainSeconds = summaries.reduce(0) { $0 + $1.seconds }
        let trainEvents = summaries.reduce(0) { $0 + $1.events }
        var scorer = SessionModelScorer(model: model)
        let (metrics, evalSeconds) = try evaluateWithProgress(&scorer, name: "GRU4Rec", on: test,
                                                              options: evaluationOptions, threads: threads)
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
            let micro = MicroBenchmarks.run(itemCount: train.itemMap.count, support: train.itemSupport())
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
    /// The folder given with `--data`, or a temporary one holding the generated catalogue, once
    /// generating it, and training `configuration` on it and evaluating in batches of
    /// `evaluationBatchSize` sessions, are known to fit in memory.
    func dataFolder(_ configuration: GRU4RecConfiguration, evaluationBatchSize: Int) throws -> URL {
        if let data { return URL(fileURLWithPath: data) }
        let items = catalogueItems!, events = catalogueEvents
        let catalogue = SyntheticCatalogue(itemCount: items, eventCount: events)
        let source = "--catalogue-items \(items) --catalogue-events \(events)"
        try MemoryEstimate.check(MemoryEstimate.processBytes + catalogue.generationBytes, available: memoryOptions.availableMemory,
                                 for: "generating \(items) items and \(events) events", source: source)
        let sessions = Int(Double(events) / catalogue.meanLength)
        try configuration.validate(itemCount: min(items, events), availableMemory: memoryOptions.availableMemory,
                                   dataBytes: MemoryEstimate.sessionDataBytes(events: events, sessions: sessions, items: min(items, events)),
                                   evaluationBatchSize: evaluationBatchSize, source: source)
        // A folder of this run's own (made with mkdtemp, mode 0700), never a name another user
        // could have planted a link at; removed when the benchmark ends.
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-catalogue-XXXXXX").path.utf8CString)
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
enum Machine {
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

/// Timings of the parts of a training step at GRU4Rec's rsc15 shapes.
enum MicroBenchmarks {
    static func run(itemCount: Int, support: [Int]) -> [(String, Double)] {
        let batch = 32, hidden = 100, columns = batch + 2048
        var generator = SeededRandomGenerator(seed: 1)
        let h = Tensor<Float>.uniform([batch, hidden], in: -1..<1, using: &generator)
        let w = Tensor<Float>.uniform([columns, hidden], in: -1..<1, using: &generator)
        var results: [(String, Double)] = []
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

import ArgumentParser
import Foundation
import Nabla
import NablaKernels
import NablaNN
import NablaSessions

/// `train`: trains a registered model, optionally evaluates and saves it.
public struct TrainCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `train`, with the registration's example.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "train", abstract: "Train \(Registration.displayName) on a session file.",
                             discussion: Registration.trainingDiscussion)
    }

    /// The command, for the argument parser.
    public init() {}

    @Argument(help: ArgumentHelp("The training sessions, as the official run.py's PATH (instead of --train); with -l, the model to load.",
                                 valueName: "path"))
    var path: String?

    @Option(help: "Training sessions (TSV with SessionId, ItemId, Time).")
    var train: String?

    @Option(name: [.customLong("test"), .customShort("t")], parsing: .upToNextOption,
            help: "Test sessions to evaluate on after training; several files may follow (-t a.tsv b.tsv).")
    var test: [String] = []

    @Flag(name: [.customShort("l"), .customLong("load-model")],
          help: "As the official run.py: PATH is a saved model to evaluate on -t, not training data.")
    var loadModel = false

    @Option(name: .customLong("pf", withSingleDash: true),
            help: "The official parameter file (a Python file defining gru4rec_params as an OrderedDict or dict); read, never run.")
    var parameterFile: String?

    @Option(name: [.customLong("save"), .customShort("s")], help: "Where to save the trained model (safetensors with metadata).")
    var save: String?

    @Option(name: [.customLong("ps", withSingleDash: true), .short, .customLong("parameters")],
            help: "Hyperparameters in the name=value,... form (-ps as in the official run.py); a preset (@name) first.")
    var parameters: String = ""

    @OptionGroup var hyperparameterOptions: Registration.HyperparameterOptions

    @Flag(help: "Print a JSON summary (parameters, timings, metrics) as the last line.")
    var json = false

    @Option(help: ArgumentHelp("Write a report here: one HTML file, self-contained, with the loss per epoch and per interval, the "
                               + "throughput, the test metrics, the parameters, the data and the machine.", valueName: "file.html"))
    var report: String?

    @Flag(help: "With --test: evaluate on every test file after every epoch (a line each, and curves in --report), not only after training.")
    var evaluateEveryEpoch = false

    @Option(help: "Write a training checkpoint here after every epoch (and on SIGINT/SIGTERM), atomically.")
    var checkpoint: String?

    @Option(help: "Also write the checkpoint every N training steps.")
    var checkpointEvery = 0

    @Option(help: "Continue from a training checkpoint (with the same --train file); its hyperparameters are used, but for n_epochs (-p n_epochs=K).")
    var resume: String?

    @Flag(help: "Check every op for NaN and infinity and name the first op that produces one (slow).")
    var detectAnomaly = false

    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var columnOptions: ColumnOptions
    @OptionGroup var evaluationOptions: EvaluationOptions
    @OptionGroup var threadOptions: TrainingThreadOptions
    @OptionGroup var progressOptions: ProgressOptions

    /// The hyperparameters: the defaults, then `-p` (presets expanded where they stand), then the
    /// single-hyperparameter options, which win over `-p`; checked as a whole once every value is in.
    func resolvedHyperparameters() throws -> Registration.Hyperparameters {
        var hyperparameters = Registration.Hyperparameters()
        if let parameterFile { try hyperparameters.set(try OfficialParameterFile.read(parameterFile)) }
        try hyperparameters.set(parameters)
        for given in hyperparameterOptions.given { try hyperparameters.set(given.name, to: given.value) }
        try hyperparameters.validate()
        return hyperparameters
    }

    /// The epochs `--resume` trains to when given: `n_epochs` among the single options
    /// (`--n-epochs`), else an `n_epochs=K` written in `-p`.
    var epochsOption: String? {
        hyperparameterOptions.given.last { $0.name == "n_epochs" }?.value ?? parameterAssignments.last { $0.name == "n_epochs" }?.value
    }

    /// The `name=value` pairs written in `-p` (presets not expanded).
    var parameterAssignments: [(name: String, value: String)] {
        (try? ParameterString.assignments(in: parameters, preset: { _ in "" })) ?? []
    }

    @Flag(help: "Replace an existing --save, --checkpoint or --report file of another run (without it such a file is refused).")
    var overwrite = false

    /// The training file: `--train`, or the official form's PATH.
    var trainingFile: String { train ?? path ?? "" }

    public func validate() throws {
        if loadModel {
            guard let path, train == nil else { throw ValidationError("-l loads the model at PATH: give PATH, not --train") }
            guard !test.isEmpty else { throw ValidationError("-l evaluates the model \(path): give the test data with -t FILE") }
            let training = [parameters.isEmpty ? nil : "-p", parameterFile == nil ? nil : "-pf", save.map { _ in "--save" },
                            checkpoint.map { _ in "--checkpoint" }, resume.map { _ in "--resume" }, report.map { _ in "--report" },
                            evaluateEveryEpoch ? "--evaluate-every-epoch" : nil].compactMap { $0 }
            if let first = training.first { throw ValidationError("-l evaluates a saved model; \(first) is for training") }
            try evaluationOptions.check()
            return
        }
        switch (train, path) {
        case (nil, nil): throw ValidationError("give the training data: --train FILE (or the official form's PATH)")
        case (_?, _?): throw ValidationError("give the training data once: --train FILE or PATH, not both")
        default: break
        }
        if parameterFile != nil && !parameters.isEmpty { throw ValidationError("give -pf or -ps, not both (as the official run.py)") }
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every \(checkpointEvery) must not be negative") }
        if checkpointEvery > 0 && checkpoint == nil { throw ValidationError("--checkpoint-every needs --checkpoint FILE") }
        if evaluateEveryEpoch && test.isEmpty { throw ValidationError("--evaluate-every-epoch needs the test data: --test FILE") }
        if let epochsOption { _ = try Registration.hyperparameters("n_epochs=\(epochsOption)") }
        if resume == nil { _ = try resolvedHyperparameters() }
        try evaluationOptions.check()
    }

    public func run() throws {
        progressOptions.apply()
        if loadModel { return try evaluateLoadedModel() }
        try CommandTerms.rethrowing(runInCommandTerms)
    }

    /// `-l`: evaluates the model at PATH on each `-t` file, as the official run.py does.
    func evaluateLoadedModel() throws {
        threadOptions.apply()
        let modelPath = path ?? ""
        let loaded = try Registration.load(path: modelPath)
        print("loaded \(modelPath): \(loaded.itemMap.count) items, \(loaded.hyperparameters.parameterString)")
        var report: [String: Any] = ["parameters": loaded.hyperparameters.parameterString]
        for file in test { try evaluate(loaded.model, on: try readEvaluableTest(file, itemMap: loaded.itemMap), file: file, into: &report) }
        try printReport(report)
    }

    /// ``run()``'s work, whose errors ``run()`` words in the command's terms.
    func runInCommandTerms() throws {
        threadOptions.apply()
        let interruptCheckpoint = try checkOutputs()
        warnIfNothingIsKept()
        let data = try readTrainingData()
        // The test file is read before training, so a test file the model cannot be evaluated on
        // stops the run before the hours of training, not after.
        let testData = try test.map { (file: $0, data: try readEvaluableTest($0, itemMap: data.itemMap)) }
        let (trainer, hyperparameters, epochs) = try makeTrainer(data)
        trainer.threadTuner = threadOptions.tuner()
        let model = trainer.model
        print("parameters: \(hyperparameters.parameterString)")
        let reporting = self.report.map { _ in makeReport(hyperparameters: hyperparameters, data: data, testData: testData) }
        let summaries = try train(trainer, hyperparameters: hyperparameters, epochs: epochs, interruptCheckpoint: interruptCheckpoint,
                                  report: reporting) { summary in
            guard evaluateEveryEpoch && summary.epoch < epochs else { return }
            for (file, data) in testData {
                var scorer = SessionModelScorer(model: model, boundedRanking: !evaluationOptions.everyScore)
                let (metrics, _) = try evaluateWithProgress(&scorer, name: Registration.displayName, on: data, options: evaluationOptions)
                let k = metrics.cutoffs.max() ?? 20
                print("epoch \(summary.epoch)" + (test.count > 1 ? ", \(file)" : "")
                    + ": Recall@\(k) \(fixed4(metrics.recall(at: k))), MRR@\(k) \(fixed4(metrics.mrr(at: k)))")
                reporting?.record(metrics, file: file, epoch: summary.epoch)
            }
        }
        printTable(["epoch", "loss", "predictions/s", "seconds"], summaries.map {
            [String($0.epoch), fixed4($0.meanLoss), String(Int($0.eventsPerSecond)), String(format: "%.1f", $0.seconds)]
        })
        if let save {
            // Deferred like training: a signal during the save lets it finish, then exits.
            try Interruption.deferringExit {
                try Registration.save(model, hyperparameters: hyperparameters, itemMap: data.itemMap,
                                      epochsCompleted: trainer.completedEpochs, to: URL(fileURLWithPath: save))
            }
            print("saved the model to \(save)")
        } else if checkpoint == nil {
            print("note: the trained model was not saved (give --save FILE to keep it)")
        }
        var report: [String: Any] = [
            "parameters": hyperparameters.parameterString, "epochs": summaries.count,
            "train_events_per_second": summaries.map(\.eventsPerSecond).reduce(0, +) / Double(max(summaries.count, 1)),
            "final_loss": summaries.last?.meanLoss ?? 0,
        ]
        for (file, data) in testData {
            let metrics = try evaluate(model, on: data, file: file, into: &report)
            reporting?.record(metrics, file: file, epoch: trainer.completedEpochs)
        }
        if let reporting, let path = self.report {
            try reporting.write(to: path)
            print("wrote the report to \(path)")
        }
        if let estimate = Registration.estimatedPeakBytes(hyperparameters, data: data, saving: savedFile,
                                                          evaluationBatchSize: evaluationBatchSize) {
            report["estimated_peak_bytes"] = estimate
        }
        try printReport(report)
    }

    /// With `--json`, prints `report` (and the peak memory) as one JSON line.
    func printReport(_ report: [String: Any]) throws {
        guard json else { return }
        var report = report
        report["peak_rss_bytes"] = Machine.peakResidentBytes
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Every path is checked before anything is read or trained: the test file can be read, and
    /// every output can be written (and is locked against other runs), the checkpoint an
    /// interrupt writes included. Returns that checkpoint's path, or why there is none.
    func checkOutputs() throws -> Result<String, Error> {
        for test in test {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: test, isDirectory: &isFolder), !isFolder.boolValue,
                  FileManager.default.isReadableFile(atPath: test) else {
                throw ValidationError("--test \(test) is not a readable file")
            }
        }
        let inputs = ([("--train", trainingFile), ("--resume", resume)] + test.map { ("--test", $0) } as [(String, String?)]).compactMap { option, path in
            path.map { OutputPath.Input(option: option, path: $0) }
        }
        if let save {
            try OutputFiles.claim(save, option: "--save", overwrite: overwrite, inputs: inputs)
        }
        if let report {
            for (option, path) in [("--save", save), ("--checkpoint", checkpoint)] where path.map({ OutputFiles.sameFile($0, report) }) == true {
                throw ValidationError("--report \(report) is also the \(option) file: give the report a file of its own")
            }
            try OutputFiles.claim(report, option: "--report", overwrite: overwrite, inputs: inputs)
        }
        guard let checkpoint else { return claimInterruptCheckpoint(inputs: inputs) }
        let continuing = resume.map { OutputFiles.sameFile($0, checkpoint) } ?? false
        try OutputFiles.claim(checkpoint, option: "--checkpoint", overwrite: overwrite || continuing,
                              inputs: continuing ? inputs.filter { $0.option != "--resume" } : inputs,
                              existing: "already exists; continue that run with --resume \(checkpoint), or pass --overwrite to replace it")
        return .success(checkpoint)
    }

    /// Without `--checkpoint`, an interrupt saves to `NAME-interrupted.safetensors` (NAME: the
    /// model type's) in the current folder, or to `NAME-interrupted-2.safetensors`, `-3`, ... when that name holds
    /// another run's file or is locked by a running one: the name is chosen, checked and locked
    /// now. When none can be written, says so now and returns why.
    func claimInterruptCheckpoint(inputs: [OutputPath.Input]) -> Result<String, Error> {
        var failure: Error = ValidationError("no free name for the interrupt checkpoint in the current folder")
        for number in 1...100 {
            let stem = "\(Registration.name)-interrupted"
            let name = number == 1 ? "\(stem).safetensors" : "\(stem)-\(number).safetensors"
            do {
                try OutputPath.check(name, mayReplace: false, inputs: inputs)
                try OutputPath.lock(name)
                return .success(name)
            } catch let problem as OutputPath.Problem where [.exists, .locked, .input].contains(problem.kind) {
                continue
            } catch {
                failure = error
                break
            }
        }
        FileHandle.standardError.write(Data(("warning: an interrupt could not save a checkpoint: \(failure) "
            + "(give --checkpoint FILE to choose where)\n").utf8))
        return .failure(failure)
    }
    /// Reads the training file, stopping as soon as the data read would not fit in memory.
    func readTrainingData() throws -> SessionData {
        let data = try readTraining(trainingFile, columns: columnOptions.columns, memoryLimit: availableMemory)
        print("training data: \(data.eventCount) events, \(data.sessionCount) sessions, \(data.itemMap.count) items")
        return data
    }

    /// The memory training may use: `--memory-limit`, or what the system reports available.
    var availableMemory: Int? { memoryOptions.availableMemory }

    /// A new trainer, or one resumed from `--resume`, its hyperparameters and the number of
    /// epochs to reach.
    func makeTrainer(_ data: SessionData) throws -> (SessionTrainer<Registration.Model>, Registration.Hyperparameters, epochs: Int) {
        if let resume {
            let (trainer, hyperparameters) = try Registration.resumeTraining(from: URL(fileURLWithPath: resume), data: data)
            let ignored = ignoredWhenResuming
            if !ignored.isEmpty {
                print("note: --resume trains with the checkpoint's hyperparameters; ignoring \(ignored.joined(separator: ", "))")
            }
            let epochs = try epochsOption.map { try Registration.hyperparameters("n_epochs=\($0)").epochs } ?? hyperparameters.epochs
            print("resuming \(resume): \(trainer.completedEpochs) epochs done"
                + (trainer.epochInProgress.map { ", \($0.steps) steps into the next" } ?? ""))
            return (trainer, hyperparameters, epochs)
        }
        let hyperparameters = try resolvedHyperparameters()
        try Registration.checkMemory(hyperparameters, itemCount: data.itemMap.count, dataBytes: MemoryBudget.sessionDataBytes(of: data),
                                     saving: savedFile, evaluationBatchSize: evaluationBatchSize,
                                     availableMemory: availableMemory, source: data.source, purpose: "")
        let model = Registration.makeModel(hyperparameters, itemCount: data.itemMap.count)
        return (Registration.makeTrainer(model, data: data, hyperparameters: hyperparameters), hyperparameters, hyperparameters.epochs)
    }

    /// The largest file this run writes while it trains: a training checkpoint with
    /// `--checkpoint`, else the model with `--save`. (A checkpoint written on a signal without
    /// `--checkpoint` is not counted: the run is not asked for it.)
    var savedFile: SavedFile { checkpoint != nil ? .trainingCheckpoint : save != nil ? .model : .none }

    /// The sessions evaluated at once after training, with `--test`; `nil` without.
    var evaluationBatchSize: Int? { test.isEmpty ? nil : evaluationOptions.evaluationBatchSize }

    /// The hyperparameter options given that `--resume` does not use (`--n-epochs` it does).
    var ignoredWhenResuming: [String] {
        let onlyEpochs = !parameters.contains("@") && parameterAssignments.allSatisfy { $0.name == "n_epochs" }
        return (parameters.isEmpty || onlyEpochs ? [] : ["-p"]) + hyperparameterOptions.given.filter { $0.name != "n_epochs" }.map(\.option)
    }

    /// Trains to `epochs` epochs with checkpoints; on SIGINT, SIGTERM or SIGHUP saves a
    /// checkpoint between two steps (to `--checkpoint`, else to `interruptCheckpoint`, chosen and
    /// locked before training) and exits with 128 + signal; when it cannot be saved, says why on
    /// standard error and exits with ``Interruption/notSavedStatus``.
    func train(_ trainer: SessionTrainer<Registration.Model>, hyperparameters: Registration.Hyperparameters, epochs: Int,
               interruptCheckpoint: Result<String, Error>, report: TrainingReport?,
               epochFinished: @escaping (EpochSummary) throws -> Void) throws -> [EpochSummary] {
        let checkpointURL = checkpoint.map { URL(fileURLWithPath: $0) }
        return try Interruption.deferringExit {
            let summaries = try (detectAnomaly ? withAnomalyDetection : { try $0() }) {
                try trainWithProgress(trainer: trainer, epochs: epochs, checkpointEvery: checkpointEvery, checkpoint: { trainer in
                    if let checkpointURL { try Registration.saveTraining(trainer, hyperparameters: hyperparameters, to: checkpointURL) }
                }, report: report, epochFinished: epochFinished)
            }
            if Interruption.signal != 0 {
                let saved = URL(fileURLWithPath: try interruptCheckpoint.get())
                try Registration.saveTraining(trainer, hyperparameters: hyperparameters, to: saved)
                print("interrupted by signal \(Interruption.signal): saved \(saved.path); continue with --resume \(saved.path)")
                Interruption.exitIfSignalled()
            }
            return summaries
        }
    }

    /// Says on standard error, before training, when the trained model will be neither saved
    /// nor evaluated: the run would only print its losses.
    func warnIfNothingIsKept() {
        guard save == nil && checkpoint == nil && test.isEmpty else { return }
        FileHandle.standardError.write(Data(("warning: neither --save, --checkpoint nor --test is given: the trained model "
            + "will be thrown away after training (give --save FILE to keep it)\n").utf8))
    }

    /// Reads `--test` against the training items; a file with no session of two known events
    /// is an error, since there would be nothing to evaluate.
    func readEvaluableTest(_ path: String, itemMap: ItemMap) throws -> SessionData {
        let data = try readTest(path, columns: columnOptions.columns, itemMap: itemMap)
        try requirePredictions(data, file: path)
        return data
    }

    /// Evaluates the trained model on the test data of `file` and adds the figures to `report`:
    /// those of the first test file at the top level, every file's under `tests`. Returns the metrics.
    @discardableResult
    func evaluate(_ model: Registration.Model, on testData: SessionData, file: String, into report: inout [String: Any]) throws -> RankingMetrics {
        var scorer = SessionModelScorer(model: model, boundedRanking: !evaluationOptions.everyScore)
        let (metrics, seconds) = try evaluateWithProgress(&scorer, name: Registration.displayName, on: testData, options: evaluationOptions)
        print("evaluated \(metrics.predictions) predictions" + (test.count > 1 ? " of \(file)" : "") + " in \(String(format: "%.1f", seconds)) s")
        printMetrics([(Registration.displayName, metrics)])
        var figures: [String: Any] = ["test": file, "predictions": metrics.predictions,
                                      "eval_events_per_second": Double(metrics.predictions) / max(seconds, 1e-9)]
        for k in metrics.cutoffs {
            figures["recall_at_\(k)"] = metrics.recall(at: k)
            figures["mrr_at_\(k)"] = metrics.mrr(at: k)
        }
        if report["tests"] == nil { report.merge(figures.filter { $0.key != "test" }) { $1 } }
        report["tests"] = (report["tests"] as? [[String: Any]] ?? []) + [figures]
        return metrics
    }

    /// A report on this run, with its parameters, data and machine.
    func makeReport(hyperparameters: Registration.Hyperparameters, data: SessionData,
                    testData: [(file: String, data: SessionData)]) -> TrainingReport {
        let report = TrainingReport(modelName: Registration.displayName)
        report.facts = [("command", ([programName] + CommandLine.arguments.dropFirst()).joined(separator: " ")),
                        ("parameters", hyperparameters.parameterString),
                        ("training data", "\(data.source): \(data.eventCount) events, \(data.sessionCount) sessions, \(data.itemMap.count) items")]
            + testData.map { ("test data", "\($0.file): \($0.data.eventCount) events, \($0.data.eventCount - $0.data.sessionCount) predictions") }
        report.addMachineFacts(threads: String(threadOptions.threads) + (threadOptions.adaptiveThreads ? " (adaptive: 1 or \(threadOptions.threads))" : ""))
        return report
    }
}

/// Trains `trainer` until `epochs` epochs are complete, with a progress bar. Calls `checkpoint`
/// after every epoch and every `checkpointEvery` steps; records the progress and every epoch in
/// `report`, then calls `epochFinished`; stops early (returning what it trained) when SIGINT,
/// SIGTERM or SIGHUP arrives.
package func trainWithProgress<Model: SessionModel>(
    trainer: SessionTrainer<Model>, epochs: Int, checkpointEvery: Int = 0,
    checkpoint: ((SessionTrainer<Model>) throws -> Void)? = nil,
    report: TrainingReport? = nil, epochFinished: ((EpochSummary) throws -> Void)? = nil
) throws -> [EpochSummary] {
    var summaries: [EpochSummary] = []
    while trainer.completedEpochs < epochs && Interruption.signal == 0 {
        let epoch = trainer.completedEpochs + 1
        var bar = ProgressBar(title: "epoch \(epoch)/\(epochs)", total: trainer.eventsPerEpoch)
        let summary = try trainer.trainEpoch(reportEvery: 50, progress: { progress in
            bar.update(progress.events, note: "loss \(fixed4(progress.meanLoss))")
            report?.record(progress)
        }, checkpointEvery: checkpoint == nil ? 0 : checkpointEvery, checkpoint: { trainer in
            try checkpoint?(trainer)
        }, shouldStop: { Interruption.signal != 0 })
        bar.update(summary.events, note: "loss \(fixed4(summary.meanLoss))")
        bar.finish(logged: true)
        if summary.interrupted { break }
        summaries.append(summary)
        try checkpoint?(trainer)
        report?.record(summary, eventsPerEpoch: trainer.eventsPerEpoch)
        try epochFinished?(summary)
    }
    return summaries
}

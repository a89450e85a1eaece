import ArgumentParser
import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN

/// `gru4rec train`: trains a model, optionally evaluates and saves it.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train GRU4Rec on a session file.",
        discussion: """
        Hyperparameters come as the official parameter string (-ps or -p),
        as individual options, or both (options win). A preset (-p @rsc15-xe)
        goes first in -p; the values after it change it. Example, the official
        rsc15 setting:

          gru4rec train --train train_full.tsv --test test.tsv \\
            -ps loss=cross-entropy,layers=100,batch_size=32,n_epochs=10 \\
            --dropout-p-hidden 0.4 --learning-rate 0.2 --momentum 0.2 \\
            --n-sample 2048 --sample-alpha 0.5 --logq 1.0 \\
            --constrained-embedding True --save model.safetensors
        """)

    @Option(help: "Training sessions (TSV with SessionId, ItemId, Time).")
    var train: String

    @Option(help: "Test sessions to evaluate on after training.")
    var test: String?

    @Option(help: "Where to save the trained model (safetensors with metadata).")
    var save: String?

    @Option(name: [.customLong("ps", withSingleDash: true), .short, .customLong("parameters")],
            help: "Hyperparameters in the official name=value,... form (-ps as in the official run.py).")
    var parameters: String = ""

    @Option(help: "loss: cross-entropy, bpr-max, bpr, top1 or top1-max.") var loss: String?
    @Option(help: "layers: hidden sizes, e.g. 100 or 200/100.") var layers: String?
    @Option(help: "batch_size.") var batchSize: String?
    @Option(help: "dropout_p_embed (drop probability).") var dropoutPEmbed: String?
    @Option(help: "dropout_p_hidden (drop probability).") var dropoutPHidden: String?
    @Option(help: "learning_rate.") var learningRate: String?
    @Option(help: "momentum.") var momentum: String?
    @Option(help: "n_sample: shared negative samples per mini-batch.") var nSample: String?
    @Option(help: "sample_alpha.") var sampleAlpha: String?
    @Option(help: "embedding: 0, a size, or layersize.") var embedding: String?
    @Option(help: "constrained_embedding: True or False.") var constrainedEmbedding: String?
    @Option(help: "n_epochs.") var nEpochs: String?
    @Option(help: "bpreg (BPR-max).") var bpreg: String?
    @Option(help: "elu_param (BPR-max).") var eluParam: String?
    @Option(help: "logq (cross-entropy).") var logq: String?
    @Option(help: "gru_formulation: pytorch or original.") var gruFormulation: String?
    @Option(help: "seed.") var seed: String?

    @Flag(help: "Print a JSON summary (parameters, timings, metrics) as the last line.")
    var json = false

    @Option(help: "Write a training checkpoint here after every epoch (and on SIGINT/SIGTERM), atomically.")
    var checkpoint: String?

    @Option(help: "Also write the checkpoint every N training steps.")
    var checkpointEvery = 0

    @Option(help: "Continue from a training checkpoint (with the same --train file); its hyperparameters are used.")
    var resume: String?

    @Flag(help: "Check every op for NaN and infinity and name the first op that produces one (slow).")
    var detectAnomaly = false

    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var columnOptions: ColumnOptions
    @OptionGroup var evaluationOptions: EvaluationOptions
    @OptionGroup var threadOptions: TrainingThreadOptions

    /// The configuration: the defaults, then `-p` (presets expanded where they stand), then the
    /// individual options, which win over `-p`; checked as a whole once every value is in.
    func resolvedConfiguration() throws -> GRU4RecConfiguration {
        var configuration = GRU4RecConfiguration()
        try configuration.set(parameters)
        for (name, value) in individualOptions { try configuration.set(name, to: value) }
        try configuration.validate()
        return configuration
    }

    /// The hyperparameters given as individual options, by official name.
    var individualOptions: [(name: String, value: String)] {
        let individual: [(String, String?)] = [
            ("loss", loss), ("layers", layers), ("batch_size", batchSize), ("dropout_p_embed", dropoutPEmbed),
            ("dropout_p_hidden", dropoutPHidden), ("learning_rate", learningRate), ("momentum", momentum),
            ("n_sample", nSample), ("sample_alpha", sampleAlpha), ("embedding", embedding),
            ("constrained_embedding", constrainedEmbedding), ("n_epochs", nEpochs), ("bpreg", bpreg),
            ("elu_param", eluParam), ("logq", logq), ("gru_formulation", gruFormulation), ("seed", seed),
        ]
        return individual.compactMap { name, value in value.map { (name, $0) } }
    }

    @Flag(help: "Replace an existing --save or --checkpoint file of another run (without it such a file is refused).")
    var overwrite = false

    func validate() throws {
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every \(checkpointEvery) must not be negative") }
        if checkpointEvery > 0 && checkpoint == nil { throw ValidationError("--checkpoint-every needs --checkpoint FILE") }
        if let nEpochs { _ = try GRU4RecConfiguration(parameters: "n_epochs=\(nEpochs)") }
        if resume == nil { _ = try resolvedConfiguration() }
        try evaluationOptions.check()
    }

    func run() throws {
        threadOptions.apply()
        let interruptCheckpoint = try checkOutputs()
        warnIfNothingIsKept()
        let data = try readTrainingData()
        // The test file is read before training, so a test file the model cannot be evaluated on
        // stops the run before the hours of training, not after.
        let testData = try test.map { try readEvaluableTest($0, itemMap: data.itemMap) }
        let (trainer, epochs) = try makeTrainer(data)
        trainer.threadTuner = threadOptions.tuner()
        let model = trainer.model
        print("parameters: \(model.configuration.parameterString)")
        let summaries = try train(trainer, epochs: epochs, interruptCheckpoint: interruptCheckpoint)
        printTable(["epoch", "loss", "predictions/s", "seconds"], summaries.map {
            [String($0.epoch), fixed4($0.meanLoss), String(Int($0.eventsPerSecond)), String(format: "%.1f", $0.seconds)]
        })
        if let save {
            // Deferred like training: a signal during the save lets it finish, then exits.
            try Interruption.deferringExit {
                try Checkpoint.save(model, itemMap: data.itemMap, epochsCompleted: trainer.completedEpochs, to: URL(fileURLWithPath: save))
            }
            print("saved the model to \(save)")
        } else if checkpoint == nil {
            print("note: the trained model was not saved (give --save FILE to keep it)")
        }
        var report: [String: Any] = [
            "parameters": model.configuration.parameterString, "epochs": summaries.count,
            "estimated_peak_bytes": estimatedPeakBytes(model.configuration, data),
            "train_events_per_second": summaries.map(\.eventsPerSecond).reduce(0, +) / Double(max(summaries.count, 1)),
            "final_loss": summaries.last?.meanLoss ?? 0,
        ]
        if let testData { try evaluate(model, on: testData, into: &report) }
        if json {
            report["peak_rss_bytes"] = Machine.peakResidentBytes
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// Every path is checked before anything is read or trained: the test file can be read, and
    /// every output can be written (and is locked against other runs), the checkpoint an
    /// interrupt writes included. Returns that checkpoint's path, or why there is none.
    func checkOutputs() throws -> Result<String, Error> {
        if let test {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: test, isDirectory: &isFolder), !isFolder.boolValue,
                  FileManager.default.isReadableFile(atPath: test) else {
                throw ValidationError("--test \(test) is not a readable file")
            }
        }
        let inputs = ([("--train", train), ("--test", test), ("--resume", resume)] as [(String, String?)]).compactMap { option, path in
            path.map { OutputPath.Input(option: option, path: $0) }
        }
        if let save {
            try OutputFiles.claim(save, option: "--save", overwrite: overwrite, inputs: inputs)
        }
        guard let checkpoint else { return claimInterruptCheckpoint(inputs: inputs) }
        let continuing = resume.map { OutputFiles.sameFile($0, checkpoint) } ?? false
        try OutputFiles.claim(checkpoint, option: "--checkpoint", overwrite: overwrite || continuing,
                              inputs: continuing ? inputs.filter { $0.option != "--resume" } : inputs,
                              existing: "already exists; continue that run with --resume \(checkpoint), or pass --overwrite to replace it")
        return .success(checkpoint)
    }

    /// Without `--checkpoint`, an interrupt saves to `gru4rec-interrupted.safetensors` in the
    /// current folder, or to `gru4rec-interrupted-2.safetensors`, `-3`, ... when that name holds
    /// another run's file or is locked by a running one: the name is chosen, checked and locked
    /// now. When none can be written, says so now and returns why.
    func claimInterruptCheckpoint(inputs: [OutputPath.Input]) -> Result<String, Error> {
        var failure: Error = ValidationError("no free name for the interrupt checkpoint in the current folder")
        for number in 1...100 {
            let name = number == 1 ? "gru4rec-interrupted.safetensors" : "gru4rec-interrupted-\(number).safetensors"
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
        let data = try readTraining(train, columns: columnOptions.columns, memoryLimit: availableMemory)
        print("training data: \(data.eventCount) events, \(data.sessionCount) sessions, \(data.itemMap.count) items")
        return data
    }

    /// The memory training may use: `--memory-limit`, or what the system reports available.
    var availableMemory: Int? { memoryOptions.availableMemory }

    /// A new trainer, or one resumed from `--resume`, and the number of epochs to reach.
    func makeTrainer(_ data: SessionData) throws -> (SessionTrainer<GRU4RecModel<Float>>, epochs: Int) {
        if let resume {
            let trainer = try Checkpoint.resumeTraining(from: URL(fileURLWithPath: resume), data: data)
            let ignored = ignoredWhenResuming
            if !ignored.isEmpty {
                print("note: --resume trains with the checkpoint's hyperparameters; ignoring \(ignored.joined(separator: ", "))")
            }
            let epochs = try nEpochs.map { try GRU4RecConfiguration(parameters: "n_epochs=\($0)").epochs } ?? trainer.model.configuration.epochs
            print("resuming \(resume): \(trainer.completedEpochs) epochs done"
                + (trainer.epochInProgress.map { ", \($0.steps) steps into the next" } ?? ""))
            return (trainer, epochs)
        }
        let configuration = try resolvedConfiguration()
        try configuration.validate(trainingOn: data, availableMemory: availableMemory, saving: savedFile,
                                   evaluationBatchSize: evaluationBatchSize)
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
        return (SessionTrainer(model: model, data: data), configuration.epochs)
    }

    /// The memory the whole run is estimated to need at its peak, as `makeTrainer` checks it: the
    /// process, the data, training, and the larger of the file written and the evaluation.
    func estimatedPeakBytes(_ configuration: GRU4RecConfiguration, _ data: SessionData) -> Int {
        MemoryEstimate.peakBytes(configuration, itemCount: data.itemMap.count, dataBytes: MemoryEstimate.sessionDataBytes(of: data),
                                 saving: savedFile, evaluationBatchSize: evaluationBatchSize)
    }

    /// The largest file this run writes while it trains: a training checkpoint with
    /// `--checkpoint`, else the model with `--save`. (A checkpoint written on a signal without
    /// `--checkpoint` is not counted: the run is not asked for it.)
    var savedFile: MemoryEstimate.SavedFile { checkpoint != nil ? .trainingCheckpoint : save != nil ? .model : .none }

    /// The sessions evaluated at once after training, with `--test`; `nil` without.
    var evaluationBatchSize: Int? { test == nil ? nil : evaluationOptions.evaluationBatchSize }

    /// The hyperparameter options given that `--resume` does not use (`--n-epochs` it does).
    var ignoredWhenResuming: [String] {
        let given: [(String, String?)] = [
            ("-p", parameters.isEmpty ? nil : parameters), ("--loss", loss), ("--layers", layers), ("--batch-size", batchSize),
            ("--dropout-p-embed", dropoutPEmbed), ("--dropout-p-hidden", dropoutPHidden), ("--learning-rate", learningRate),
            ("--momentum", momentum), ("--n-sample", nSample), ("--sample-alpha", sampleAlpha), ("--embedding", embedding),
            ("--constrained-embedding", constrainedEmbedding), ("--bpreg", bpreg), ("--elu-param", eluParam), ("--logq", logq),
            ("--gru-formulation", gruFormulation), ("--seed", seed),
        ]
        return given.compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// Trains to `epochs` epochs with checkpoints; on SIGINT, SIGTERM or SIGHUP saves a
    /// checkpoint between two steps (to `--checkpoint`, else to `interruptCheckpoint`, chosen and
    /// locked before training) and exits with 128 + signal; when it cannot be saved, says why on
    /// standard error and exits with ``Interruption/notSavedStatus``.
    func train(_ trainer: SessionTrainer<GRU4RecModel<Float>>, epochs: Int, interruptCheckpoint: Result<String, Error>) throws -> [EpochSummary] {
        let checkpointURL = checkpoint.map { URL(fileURLWithPath: $0) }
        return try Interruption.deferringExit {
            let summaries = try (detectAnomaly ? withAnomalyDetection : { try $0() }) {
                try trainWithProgress(trainer: trainer, epochs: epochs, checkpoint: checkpointURL, checkpointEvery: checkpointEvery)
            }
            if Interruption.signal != 0 {
                let saved = URL(fileURLWithPath: try interruptCheckpoint.get())
                try Checkpoint.saveTraining(trainer, to: saved)
                print("interrupted by signal \(Interruption.signal): saved \(saved.path); continue with --resume \(saved.path)")
                Interruption.exitIfSignalled()
            }
            return summaries
        }
    }

    /// Says on standard error, before training, when the trained model will be neither saved
    /// nor evaluated: the run would only print its losses.
    func warnIfNothingIsKept() {
        guard save == nil && checkpoint == nil && test == nil else { return }
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

    /// Evaluates the trained model on the test data and adds the figures to `report`.
    func evaluate(_ model: GRU4RecModel<Float>, on testData: SessionData, into report: inout [String: Any]) throws {
        var scorer = SessionModelScorer(model: model, boundedRanking: !evaluationOptions.everyScore)
        let (metrics, seconds) = try evaluateWithProgress(&scorer, name: "GRU4Rec", on: testData, options: evaluationOptions,
                                                          threads: threadOptions.threads)
        print("evaluated \(metrics.predictions) predictions in \(String(format: "%.1f", seconds)) s")
        printMetrics([("GRU4Rec", metrics)])
        report["predictions"] = metrics.predictions
        report["eval_events_per_second"] = Double(metrics.predictions) / max(seconds, 1e-9)
        for k in metrics.cutoffs {
            report["recall_at_\(k)"] = metrics.recall(at: k)
            report["mrr_at_\(k)"] = metrics.mrr(at: k)
        }
    }
}

/// Trains every epoch of `model.configuration` with a progress bar (choosing the thread count
/// with `threadTuner` when given).
func trainWithProgress(model: GRU4RecModel<Float>, data: SessionData, threadTuner: ThreadCountTuner? = nil) throws -> [EpochSummary] {
    let trainer = SessionTrainer(model: model, data: data)
    trainer.threadTuner = threadTuner
    return try trainWithProgress(trainer: trainer, epochs: model.configuration.epochs)
}

/// Trains `trainer` until `epochs` epochs are complete, with a progress bar. Writes `checkpoint`
/// after every epoch and every `checkpointEvery` steps; stops early (returning what it trained)
/// when SIGINT, SIGTERM or SIGHUP arrives.
func trainWithProgress(trainer: SessionTrainer<GRU4RecModel<Float>>, epochs: Int, checkpoint: URL? = nil,
                       checkpointEvery: Int = 0) throws -> [EpochSummary] {
    var summaries: [EpochSummary] = []
    while trainer.completedEpochs < epochs && Interruption.signal == 0 {
        let epoch = trainer.completedEpochs + 1
        var bar = ProgressBar(title: "epoch \(epoch)/\(epochs)", total: trainer.eventsPerEpoch)
        let summary = try trainer.trainEpoch(reportEvery: 50, progress: { progress in
            bar.update(progress.events, note: "loss \(fixed4(progress.meanLoss))")
        }, checkpointEvery: checkpoint == nil ? 0 : checkpointEvery, checkpoint: { trainer in
            try Checkpoint.saveTraining(trainer, to: checkpoint!)
        }, shouldStop: { Interruption.signal != 0 })
        bar.update(summary.events, note: "loss \(fixed4(summary.meanLoss))")
        bar.finish()
        if summary.interrupted { break }
        summaries.append(summary)
        if let checkpoint { try Checkpoint.saveTraining(trainer, to: checkpoint) }
    }
    return summaries
}

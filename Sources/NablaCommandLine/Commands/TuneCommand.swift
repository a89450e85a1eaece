import ArgumentParser
import Foundation
import Nabla
import NablaNN
import NablaSessions
import NablaTuning

/// `tune`: a hyperparameter search on a validation split, as the official `paropt.py` does.
public struct TuneCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `tune`.
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "tune",
        abstract: "Search hyperparameters on a validation split (tree-structured Parzen estimator, median pruning).",
        discussion: """
        Each trial trains \(Registration.displayName) on --train with -p and a point of the parameter space (the space's values \
        win), measures the metric on the validation data after every epoch, and is stopped early when it is \
        below the median of earlier complete trials at the same epoch. A trial whose setting is refused or \
        needs more memory than is available, or whose loss diverges, is shown as failed with its reason and \
        the search goes on. The last line is the best setting in the -p form. With --journal the search can \
        be interrupted (Ctrl-C) and continued by running the same command again.

        Example, the official cross-entropy space on a split made by preprocess:
          \(programName) tune --train train_tr.tsv --valid train_valid.tsv --space gru4rec_xe_standard_parspace.json \\
            --trials 50 -p loss=cross-entropy,n_epochs=5,logq=1 --metric mrr --journal tune.jsonl
        """) }

    /// The command, for the argument parser.
    public init() {}

    @Argument(help: ArgumentHelp("As the official paropt.py: PATH (the training data) and TEST_PATH (the data each trial and "
                                 + "the final model are measured on), instead of --train, --valid and --final-test.", valueName: "path"))
    var paths: [String] = []

    @Option(help: "Training sessions (TSV). With --valid-days, the file to split.")
    var train: String?

    @Option(help: "Validation sessions (TSV), such as preprocess's train_valid.tsv.")
    var valid: String?

    @Option(help: "Instead of --valid: the sessions starting in this many last days of --train (the official split rule).")
    var validDays: Double?

    @Option(name: [.customLong("space"), .customLong("opf", withSingleDash: true)],
            help: "The parameter space: one JSON object per line (name, dtype int/float/categorical, values, step, log).")
    var space: String

    @Option(name: [.customLong("trials"), .customLong("nt", withSingleDash: true)], help: "The number of trials (a continued search counts the journal's).")
    var trials: Int

    @Option(name: [.customShort("p"), .customLong("fixed"), .customLong("ps", withSingleDash: true), .customLong("fp", withSingleDash: true)],
            help: "Fixed parameters in the name=value,... form (or a preset such as @yoochoose-xe); n_epochs is each trial's length.")
    var fixed: String = ""

    @Option(name: [.customLong("metric"), .customLong("pm", withSingleDash: true)], help: "The metric to maximise: recall or mrr.")
    var metric: String = "recall"

    @Option(name: [.customLong("cutoff"), .customShort("m")], help: "The cutoff K of Recall@K or MRR@K.")
    var cutoff = 20

    @Option(help: "After the search, train the best setting on this file (default: --train) and evaluate it on --final-test.")
    var finalTrain: String?

    @Option(help: "After the search, evaluate the best setting trained on --final-train here, as the official paropt.py does.")
    var finalTest: String?

    @Option(help: "Epochs of that final training (default: n_epochs of -p, the trials' length).")
    var finalEpochs: Int?

    @Option(name: [.customLong("final-cutoffs"), .customLong("fm", withSingleDash: true)], parsing: .upToNextOption,
            help: "Cutoffs of that final evaluation, separated by commas or spaces.")
    var finalCutoffs: [String] = ["1,5,10,20"]

    @Option(help: "Record finished trials here; running the same command again continues the search.")
    var journal: String?

    @Option(help: ArgumentHelp("Write a report here after every trial: one HTML file, self-contained, with each trial's metric, the best "
                               + "so far and each parameter against the metric.", valueName: "file.html"))
    var report: String?

    @Flag(help: "Replace an existing --report file of another run (a search continued from its --journal replaces its own).")
    var overwrite = false

    @Option(help: "The seed of the search (the parameters' own seed is -p's seed).")
    var seed: UInt64 = 42

    @Option(help: "Random trials before the Parzen estimator takes over.")
    var startupTrials = 10

    @Flag(help: "Let every trial run all its epochs.")
    var noPruning = false

    @Option(name: [.customLong("rank-mode"), .customShort("e")],
            help: "How ties are ranked: conservative (the default of the official evaluation code), standard (the default of the official run.py's -e) or median.")
    var rankMode: String = "conservative"

    @OptionGroup var columnOptions: ColumnOptions
    @OptionGroup var threadOptions: TrainingThreadOptions
    @OptionGroup var progressOptions: ProgressOptions

    /// The training file: `--train`, or paropt's PATH.
    var trainingFile: String { train ?? paths.first ?? "" }
    /// The validation file: `--valid`, or paropt's TEST_PATH.
    var validationFile: String? { valid ?? (paths.count == 2 ? paths[1] : nil) }
    /// The file the best setting is finally evaluated on: `--final-test`, or paropt's TEST_PATH.
    var finalTestFile: String? { finalTest ?? (paths.count == 2 ? paths[1] : nil) }

    public func validate() throws {
        switch (paths.count, train, valid) {
        case (0, nil, _): throw ValidationError("give the training data: --train FILE (or paropt's PATH TEST_PATH)")
        case (0, _, _): break
        case (2, nil, nil): break
        case (2, _, _): throw ValidationError("give PATH TEST_PATH or --train and --valid, not both")
        default: throw ValidationError("the official form takes two files, PATH and TEST_PATH; \(paths.count) were given")
        }
        if let finalEpochs, !(1...10_000).contains(finalEpochs) { throw ValidationError("--final-epochs \(finalEpochs) must be from 1 to 10000") }
        if finalTrain != nil && finalTestFile == nil { throw ValidationError("--final-train needs --final-test FILE to evaluate on") }
        try finalEvaluationOptions().check()
        guard (1...100_000).contains(trials) else { throw ValidationError("--trials \(trials) must be from 1 to 100000") }
        guard ["recall", "mrr"].contains(metric) else { throw ValidationError("--metric '\(metric)' must be recall or mrr") }
        guard (1...1_000_000_000).contains(cutoff) else { throw ValidationError("--cutoff \(cutoff) must be a positive integer") }
        guard startupTrials >= 1 else { throw ValidationError("--startup-trials \(startupTrials) must be at least 1") }
        guard RankMode(rawValue: rankMode) != nil else {
            throw ValidationError("--rank-mode '\(rankMode)' must be conservative, standard or median")
        }
        switch (validationFile, validDays) {
        case (nil, nil): throw ValidationError("give the validation data: --valid FILE, or --valid-days D to split --train")
        case (_?, _?): throw ValidationError("give --valid or --valid-days, not both")
        case (nil, let days?):
            guard days.isFinite, days > 0 else { throw ValidationError("--valid-days \(days) must be a positive number of days") }
        default: break
        }
        do { _ = try Registration.hyperparameters(fixed) } catch {
            throw ValidationError("-p: \(error)")
        }
    }

    public func run() throws {
        progressOptions.apply()
        threadOptions.apply()
        let searchSpace = try checkedSpace()
        if let journal {
            try OutputFiles.checkWritable(journal, option: "--journal")
            try OutputFiles.lock(journal, option: "--journal")
        }
        if let report { try claimReport(report) }
        let (training, validation) = try readData()
        try checkMemory(smallestConfiguration(of: searchSpace, itemCount: training.itemMap.count), training: training,
                        validation: validation, purpose: "every trial of this search: ")
        let bounds = try trialBounds(searchSpace)
        var openedJournal: TuningJournal?
        if let journal {
            let opened = try TuningJournal.open(URL(fileURLWithPath: journal), space: searchSpace,
                                                settings: settings(training: training, validation: validation), bounds: bounds)
            if opened.droppedIncompleteLine { print("note: \(journal) ended in an incomplete line (a write cut short); it was dropped") }
            if !opened.records.isEmpty { print("continuing \(journal): \(opened.records.count) trials done") }
            openedJournal = opened
        }
        print("parameter space (\(space)):")
        for line in searchSpace.jsonLines.split(separator: "\n") { print("  \(line)") }
        var search = HyperparameterSearch(space: searchSpace, sampler: TreeParzenEstimator(seed: seed, startupTrials: startupTrials),
                                          pruner: noPruning ? nil : MedianPruner(), journal: openedJournal, bounds: bounds)
        let table = TrialTable(space: searchSpace, metricName: metricName)
        table.printHeader()
        for record in search.history { table.printRow(record) }
        let start = Date()
        let startCount = search.history.count
        let reporting = report.map { _ in
            TuningReport(modelName: Registration.displayName, space: searchSpace, metricName: metricName, plannedTrials: trials,
                         facts: reportFacts(training: training, validation: validation))
        }
        func writeReport(_ history: [TrialRecord]) throws {
            if let reporting, let report { try reporting.write(history, to: report) }
        }
        try writeReport(search.history)
        // A signal stops the running trial between two steps (it is not recorded and runs again
        // when the search continues); the finished trials and the best so far are printed first.
        try Interruption.deferringExit {
            let done = try search.run(trials: trials, objective: { trial in
                runTrial(trial, training: training, validation: validation)
            }, finished: { record, history in
                table.printRow(record)
                reportProgress(history: history, startCount: startCount, start: start)
                // A report that cannot be written now is written (or its error given) after the search.
                do { try writeReport(history) } catch {
                    FileHandle.standardError.write(Data("warning: --report: \(error)\n".utf8))
                }
            })
            if !done {
                print("interrupted by signal \(Interruption.signal) during trial \(search.history.count + 1); "
                    + (journal.map { "\(search.history.count) trials are in \($0): run the same command to continue" }
                       ?? "nothing was recorded (give --journal FILE to be able to continue)"))
            }
            if let report {
                try writeReport(search.history)
                print("wrote the report to \(report)")
            }
            let best = try printBest(search)
            Interruption.exitIfSignalled()
            if let best, let finalTestFile, done { try trainAndTestFinally(best, testFile: finalTestFile) }
        }
    }

    /// Checks and locks `--report`: not one of the inputs nor the journal; an existing file
    /// only with `--overwrite`, or when the search continues from an existing journal.
    func claimReport(_ report: String) throws {
        let inputs = [("--train", trainingFile), ("--valid", validationFile), ("--space", space), ("--journal", journal),
                      ("--final-train", finalTrain), ("--final-test", finalTestFile)].compactMap { option, path in
            path.map { OutputPath.Input(option: option, path: $0) }
        }
        let continuing = journal.map { FileManager.default.fileExists(atPath: $0) } ?? false
        try OutputFiles.claim(report, option: "--report", overwrite: overwrite || continuing, inputs: inputs)
    }

    /// The search's settings, data and machine, for the report.
    func reportFacts(training: SessionData, validation: SessionData) -> [(String, String)] {
        [("command", ([programName] + CommandLine.arguments.dropFirst()).joined(separator: " ")),
         ("fixed parameters", (try? Registration.hyperparameters(fixed).parameterString) ?? fixed),
         ("metric", "\(metricName), ties ranked \(rankMode)"), ("pruning", noPruning ? "off" : "median"),
         ("seed", String(seed)), ("parameter space", space),
         ("training data", "\(training.source): \(training.eventCount) events, \(training.sessionCount) sessions, \(training.itemMap.count) items"),
         ("validation data", "\(validation.source): \(validation.eventCount) events, \(validation.eventCount - validation.sessionCount) predictions"),
         ("CPU", Machine.cpuModel), ("cores", String(ProcessInfo.processInfo.activeProcessorCount)),
         ("threads", String(threadOptions.threads) + (threadOptions.adaptiveThreads ? " (adaptive)" : ""))]
    }

    /// The metric's name, such as `MRR@20`.
    var metricName: String { (metric == "mrr" ? "MRR" : "Recall") + "@\(cutoff)" }

    /// The space, with every value checked against the model's hyperparameters.
    func checkedSpace() throws -> SearchSpace {
        let searchSpace = try SearchSpace.read(URL(fileURLWithPath: space))
        let base = try Registration.hyperparameters(fixed)
        for parameter in searchSpace.parameters {
            for text in extremeTexts(of: parameter) {
                var configuration = base
                do { try configuration.apply("\(parameter.name)=\(text)") } catch {
                    throw DataError(file: space, "parameter '\(parameter.name)' cannot take the value \(text): \(error)")
                }
            }
        }
        return searchSpace
    }

    /// The values of `parameter` at the ends of its range (its bounds), or all its categories.
    func extremeTexts(of parameter: SearchParameter) -> [String] {
        switch parameter.domain {
        case .integer(let low, let high, _, _): return [String(low), String(high)]
        case .real(let low, let high, _, _): return [parameter.text(of: low), parameter.text(of: high)]
        case .categorical(let values): return values
        }
    }

    /// What a trial can report: a metric from 0 to 1, after each of at most as many epochs as the
    /// fixed parameters or the space allow.
    func trialBounds(_ searchSpace: SearchSpace) throws -> TrialBounds {
        let base = try Registration.hyperparameters(fixed)
        var epochs = base.epochs
        for parameter in searchSpace.parameters {
            for text in extremeTexts(of: parameter) {
                var configuration = base
                if (try? configuration.apply("\(parameter.name)=\(text)")) != nil { epochs = max(epochs, configuration.epochs) }
            }
        }
        return TrialBounds(values: 0...1, steps: epochs)
    }

    /// The setting of the space that needs the least memory: the fixed parameters with each of
    /// the space's parameters at whichever end of its range (or category) needs least. The
    /// memory a parameter takes grows with its value, so each is chosen on its own.
    func smallestConfiguration(of searchSpace: SearchSpace, itemCount: Int) throws -> Registration.Hyperparameters {
        var smallest = try Registration.hyperparameters(fixed)
        for parameter in searchSpace.parameters {
            let candidates = extremeTexts(of: parameter).compactMap { text -> Registration.Hyperparameters? in
                var configuration = smallest
                return (try? configuration.apply("\(parameter.name)=\(text)")) == nil ? nil : configuration
            }
            func bytes(_ configuration: Registration.Hyperparameters) -> Int { Registration.trainingBytes(configuration, itemCount: itemCount) }
            smallest = candidates.min { bytes($0) < bytes($1) } ?? smallest
        }
        return smallest
    }

    /// Throws unless training `configuration` fits in the available memory, by the estimate
    /// `train` uses: the process, both data sets as read, and training (the model, Adagrad's
    /// state, one step's working memory, the sample cache) or the validation after each epoch
    /// beside it, whichever needs more.
    ///
    /// - Throws: `DataError` naming --train with the estimate and what is available.
    func checkMemory(_ configuration: Registration.Hyperparameters, training: SessionData, validation: SessionData, purpose: String) throws {
        try Registration.checkMemory(configuration, itemCount: training.itemMap.count,
                                     dataBytes: MemoryBudget.sessionDataBytes(of: training) + MemoryBudget.sessionDataBytes(of: validation),
                                     saving: .none, evaluationBatchSize: Evaluator.defaultBatchSize,
                                     availableMemory: MemoryBudget.availableBytes, source: trainingFile, purpose: purpose)
    }

    /// The training data and the validation data (read, or split off the training file).
    func readData() throws -> (training: SessionData, validation: SessionData) {
        let training: SessionData, validation: SessionData
        let train = trainingFile
        if let valid = validationFile {
            training = try readTraining(train, columns: columnOptions.columns)
            validation = try readTest(valid, columns: columnOptions.columns, itemMap: training.itemMap)
        } else {
            let days = validDays!
            let events = try SessionTSVReader.read(URL(fileURLWithPath: train), columns: columnOptions.columns)
            let parts = Preprocessor.splitLastDays(events, days: days)
            guard !parts.training.isEmpty else {
                throw ValidationError("--valid-days \(days): every session of \(train) starts in its last \(days) days; nothing is left to train on")
            }
            guard !parts.validation.isEmpty else {
                throw ValidationError("--valid-days \(days): no session of \(train) with 2 known items starts in its last \(days) days")
            }
            training = try SessionData.training(parts.training, source: "\(train) before its last \(days) days")
            validation = SessionData.test(parts.validation, source: "the last \(days) days of \(train)", itemMap: training.itemMap)
        }
        guard validation.eventCount > validation.sessionCount else {
            throw ValidationError("the validation data has nothing to predict (no session with 2 items the training data knows)")
        }
        print("training data: \(training.eventCount) events, \(training.sessionCount) sessions, \(training.itemMap.count) items")
        print("validation data: \(validation.eventCount) events, \(validation.sessionCount) sessions, "
            + "\(validation.eventCount - validation.sessionCount) predictions")
        return (training, validation)
    }

    /// What defines this search, for the journal: continuing with other settings is refused. The
    /// data are known by their content digest besides their source and size, so the same file
    /// with two item ids swapped is another search's data.
    func settings(training: SessionData, validation: SessionData) throws -> [String: String] {
        [
            "fixed": try Registration.hyperparameters(fixed).parameterString,
            "metric": "\(metric)@\(cutoff)", "rank_mode": rankMode, "seed": String(seed),
            "startup_trials": String(startupTrials), "pruning": noPruning ? "off" : "median",
            "training_data": "\(training.source): \(training.eventCount) events, content digest \(training.contentDigest())",
            "validation_data": "\(validation.source): \(validation.eventCount) events, content digest \(validation.contentDigest())",
        ]
    }

    /// Trains one trial's model epoch by epoch, measuring the metric on the validation data after
    /// each, until its last epoch, the pruner stops it, or a signal arrives.
    ///
    /// A setting the configuration refuses, one that needs more memory than is available, and a
    /// training or evaluation that fails (a loss that is not finite) make the trial fail, with
    /// the reason and the values of the epochs it finished; the search records it and goes on.
    func runTrial(_ trial: HyperparameterSearch.Trial, training: SessionData, validation: SessionData)
        -> HyperparameterSearch.Outcome {
        var values: [Double] = []
        do {
            return try trainTrial(trial, training: training, validation: validation, values: &values)
        } catch let error as DataError {
            return .failed(values, reason: error.message)
        } catch {
            return .failed(values, reason: CommandTerms.translated("\(error)"))
        }
    }

    /// ``runTrial(_:training:validation:)``'s work, appending the metric after each epoch to
    /// `values`; throws what makes the trial fail.
    func trainTrial(_ trial: HyperparameterSearch.Trial, training: SessionData, validation: SessionData,
                    values: inout [Double]) throws -> HyperparameterSearch.Outcome {
        var configuration = try Registration.hyperparameters(fixed)
        try configuration.apply(trial.parameterString)
        try checkMemory(configuration, training: training, validation: validation, purpose: "")
        let model = Registration.makeModel(configuration, itemCount: training.itemMap.count)
        let trainer = Registration.makeTrainer(model, data: training, hyperparameters: configuration)
        trainer.threadTuner = threadOptions.tuner()
        for epoch in 1...configuration.epochs {
            var bar = ProgressBar(title: "trial \(trial.number)/\(trials) epoch \(epoch)/\(configuration.epochs)", total: trainer.eventsPerEpoch)
            let summary = try trainer.trainEpoch(reportEvery: 50, progress: { bar.update($0.events, note: "loss \(fixed4($0.meanLoss))") },
                                                 shouldStop: { Interruption.signal != 0 })
            bar.finish()
            if summary.interrupted { return .abandoned }
            var scorer = SessionModelScorer(model: model)
            let metrics = try Evaluator.evaluate(&scorer, on: validation, cutoffs: [cutoff], mode: RankMode(rawValue: rankMode)!)
            if Interruption.signal != 0 { return .abandoned }
            values.append(metric == "mrr" ? metrics.mrr(at: cutoff) : metrics.recall(at: cutoff))
            if epoch < configuration.epochs && trial.shouldPrune(step: epoch, value: values.last!) {
                return .finished(values, pruned: true)
            }
        }
        return .finished(values, pruned: false)
    }

    /// The progress line after a trial: trials done, the best so far, time spent and left.
    func reportProgress(history: [TrialRecord], startCount: Int, start: Date) {
        if ProgressBar.quiet.load(ordering: .relaxed) { return }
        let number = history.count
        let elapsed = Date().timeIntervalSince(start)
        let ranThisTime = number - startCount
        let left = Double(trials - number) * elapsed / Double(max(ranThisTime, 1))
        let best = history.best.map { "best \(metricName) \(fixed4($0.value)) (trial \($0.number))" } ?? "no complete trial yet"
        let failed = history.count(where: { $0.state == .failed })
        let failures = failed == 0 ? "" : " · \(failed) failed"
        FileHandle.standardError.write(Data(("tuning: \(number)/\(trials) trials · \(best)\(failures) · \(clock(elapsed)) elapsed · "
            + "about \(clock(left)) left\n").utf8))
    }

    /// The best trial and its full parameter string, last, without `n_epochs` (the trials'
    /// length, said on the line before, is rarely the length a final model wants); returns the
    /// best setting.
    ///
    /// - Throws: `DataError` naming the space when every trial of a finished search failed: there
    ///   is no setting to give.
    @discardableResult
    func printBest(_ search: HyperparameterSearch) throws -> Registration.Hyperparameters? {
        let pruned = search.history.count(where: { $0.state == .pruned })
        let failed = search.history.count(where: { $0.state == .failed })
        let seconds = search.history.map(\.seconds).reduce(0, +)
        print("\(search.history.count) trials (\(pruned) pruned, \(failed) failed), \(clock(seconds)) of training and validation")
        guard let best = search.history.best else {
            if search.history.count >= trials, failed == search.history.count {
                throw DataError(file: space, "all \(failed) trials failed (the table gives each one's reason): no setting of this "
                    + "space could be trained; the first: \(search.history[0].failure ?? "no reason recorded")")
            }
            print("no trial has completed yet")
            return nil
        }
        var configuration = try Registration.hyperparameters(fixed)
        try configuration.apply(search.space.parameterString(best.coordinates))
        print("best: trial \(best.number), \(metricName) \(fixed4(best.value)) on the validation data: "
            + search.space.parameterString(best.coordinates))
        print("each trial trained n_epochs=\(configuration.epochs); add n_epochs=K to the setting below for the final model's length")
        let withoutEpochs = configuration.parameterString.split(separator: ",").filter { !$0.hasPrefix("n_epochs=") }
        print("-p \(withoutEpochs.joined(separator: ","))")
        return configuration
    }

    /// The final evaluation's options: `--final-cutoffs` and `--rank-mode`.
    func finalEvaluationOptions() throws -> EvaluationOptions {
        try EvaluationOptions.parse(["--cutoffs"] + finalCutoffs + ["--rank-mode", rankMode])
    }

    /// Trains `best` on `--final-train` (default `--train`) for `--final-epochs` (default the
    /// trials' length) and evaluates it on `testFile`, as the official paropt.py ends its search.
    func trainAndTestFinally(_ best: Registration.Hyperparameters, testFile: String) throws {
        var configuration = best
        if let finalEpochs { try configuration.apply("n_epochs=\(finalEpochs)") }
        let file = finalTrain ?? trainingFile
        print("final training: \(file), n_epochs=\(configuration.epochs), evaluated on \(testFile)")
        let training = try readTraining(file, columns: columnOptions.columns)
        let test = try readTest(testFile, columns: columnOptions.columns, itemMap: training.itemMap)
        try requirePredictions(test, file: testFile)
        let model = Registration.makeModel(configuration, itemCount: training.itemMap.count)
        let trainer = Registration.makeTrainer(model, data: training, hyperparameters: configuration)
        trainer.threadTuner = threadOptions.tuner()
        let summaries = try trainWithProgress(trainer: trainer, epochs: configuration.epochs)
        guard summaries.count == configuration.epochs else { return Interruption.exitIfSignalled() }
        let options = try finalEvaluationOptions()
        var scorer = SessionModelScorer(model: model)
        let (metrics, _) = try evaluateWithProgress(&scorer, name: Registration.displayName, on: test, options: options)
        printMetrics([(Registration.displayName, metrics)])
    }

    private func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

import ArgumentParser
import Foundation
import NablaSessions

/// `evaluate`: Recall@K and MRR@K of a saved model, with the POP and Markov baselines.
public struct EvaluateCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `evaluate`.
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a saved model on test sessions (next-item Recall@K and MRR@K).",
        discussion: "With --train, the POP and first-order Markov baselines of that training file are evaluated too.") }

    /// The command, for the argument parser.
    public init() {}

    @Option(help: "The saved model.")
    var model: String

    @Option(help: "Test sessions (TSV).")
    var test: String

    @Option(help: "The training file, to evaluate the POP and Markov baselines beside the model.")
    var train: String?

    @OptionGroup var columnOptions: ColumnOptions
    @OptionGroup var evaluationOptions: EvaluationOptions
    @OptionGroup var threadOptions: ThreadOptions
    @OptionGroup var progressOptions: ProgressOptions

    public func validate() throws { try evaluationOptions.check() }

    public func run() throws {
        progressOptions.apply()
        threadOptions.apply()
        let loaded = try Registration.load(path: model)
        // The baselines' training file is checked before the model's evaluation runs.
        let trainData = try train.map { path -> SessionData in
            let data = try readTraining(path, columns: columnOptions.columns)
            guard data.itemMap == loaded.itemMap else {
                throw DataError(file: path, "has other items than the model was trained on (\(data.itemMap.count) items, "
                    + "the model \(loaded.itemMap.count)); give the model's own training file for the baselines")
            }
            return data
        }
        let testData = try readTest(test, columns: columnOptions.columns, itemMap: loaded.itemMap)
        try requirePredictions(testData, file: test)
        var scorer = SessionModelScorer(model: loaded.model, boundedRanking: !evaluationOptions.everyScore)
        let name = Registration.displayName
        var results = [(name, try evaluateWithProgress(&scorer, name: name, on: testData, options: evaluationOptions).metrics)]
        if let trainData {
            var popularity = PopularityScorer(training: trainData)
            var markov = MarkovScorer(training: trainData)
            results.append(("POP", try evaluateWithProgress(&popularity, name: "POP", on: testData, options: evaluationOptions).metrics))
            results.append(("Markov", try evaluateWithProgress(&markov, name: "Markov", on: testData, options: evaluationOptions).metrics))
        }
        print("\(results[0].1.predictions) predictions, rank mode \(evaluationOptions.rankMode)")
        printMetrics(results)
    }
}

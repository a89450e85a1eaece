import ArgumentParser
import Foundation
import GRU4Rec

/// `gru4rec evaluate`: Recall@K and MRR@K of a saved model, with the POP and Markov baselines.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a saved model on test sessions (next-item Recall@K and MRR@K).",
        discussion: "With --train, the POP and first-order Markov baselines of that training file are evaluated too.")

    @Option(help: "The saved model.")
    var model: String

    @Option(help: "Test sessions (TSV).")
    var test: String

    @Option(help: "The training file, to evaluate the POP and Markov baselines beside the model.")
    var train: String?

    @OptionGroup var columnOptions: ColumnOptions
    @OptionGroup var evaluationOptions: EvaluationOptions
    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws { try evaluationOptions.check() }

    func run() throws {
        threadOptions.apply()
        let loaded = try Checkpoint.load(URL(fileURLWithPath: model), as: Float.self)
        // The baselines' training file is checked before the model's evaluation runs.
        let trainData = try train.map { path -> SessionData in
            let data = try readTraining(path, columns: columnOptions.columns)
            guard data.itemMap.ids == loaded.itemMap.ids else {
                throw DataError(file: path, "has other items than the model was trained on (\(data.itemMap.count) items, "
                    + "the model \(loaded.itemMap.count)); give the model's own training file for the baselines")
            }
            return data
        }
        let testData = try readTest(test, columns: columnOptions.columns, itemMap: loaded.itemMap)
        guard testData.eventCount > testData.sessionCount else {
            throw DataError(file: test, "no test session has two events the model knows (\(testData.droppedUnknownEvents) events had "
                + "items the model was not trained on), so there is nothing to evaluate")
        }
        var scorer = SessionModelScorer(model: loaded.model)
        var results = [("GRU4Rec", try evaluateWithProgress(&scorer, name: "GRU4Rec", on: testData, options: evaluationOptions,
                                                             threads: threadOptions.threads).metrics)]
        if let trainData {
            var popularity = PopularityScorer(training: trainData)
            var markov = MarkovScorer(training: trainData)
            results.append(("POP", try evaluateWithProgress(&popularity, name: "POP", on: testData, options: evaluationOptions,
                                                            threads: threadOptions.threads).metrics))
            results.append(("Markov", try evaluateWithProgress(&markov, name: "Markov", on: testData, options: evaluationOptions,
                                                               threads: threadOptions.threads).metrics))
        }
        print("\(results[0].1.predictions) predictions, rank mode \(evaluationOptions.rankMode)")
        printMetrics(results)
    }
}

/// `gru4rec recommend`: the top items after a session prefix.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend", abstract: "Recommend the next items after a session's items.")

    @Option(help: "The saved model.")
    var model: String

    @Option(help: "The session so far: item ids separated by commas, oldest first.")
    var items: String?

    @Option(help: "The session so far from a file, one item id per line, oldest first ('-' reads standard input); for ids with commas or spaces, or long sessions.")
    var itemsFile: String?

    @Option(help: "How many recommendations.")
    var top = 10

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top \(top) must be at least 1") }
        guard (items == nil) != (itemsFile == nil) else { throw ValidationError("give the session with --items or with --items-file") }
    }

    func run() throws {
        let loaded = try Checkpoint.load(URL(fileURLWithPath: model), as: Float.self)
        let prefix = try sessionItems()
        let recommendations = try Recommender.recommend(loaded.model, itemMap: loaded.itemMap, after: prefix, count: top)
        printTable(["rank", "item", "score"], recommendations.enumerated().map {
            [String($0.offset + 1), $0.element.item, fixed4($0.element.score)]
        })
    }

    /// The session's item ids: split at commas with surrounding spaces trimmed from `--items`,
    /// or taken line by line, exactly as written, from `--items-file`.
    func sessionItems() throws -> [String] {
        if let items { return items.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let path = itemsFile!
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw DataError(file: path, "cannot be read: \(readableReason(error))")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DataError(file: path, "is not UTF-8 text") }
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0.hasSuffix("\r") ? $0.dropLast() : $0[...]) }.filter { !$0.isEmpty }
    }
}

/// `gru4rec preprocess`: a raw click log into train and test files.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Turn a raw click log into train_full, test, train_tr and train_valid files by the official protocol.")

    @Option(help: "The raw log.")
    var input: String

    @Option(help: "Its format: tsv, yoochoose (yoochoose-clicks.dat) or diginetica (train-item-views.csv).")
    var format: String

    @Option(help: "The folder to write the four files into.")
    var output: String

    @Option(help: "Sessions starting in this many last days form the test set.")
    var testDays = 1.0

    @Option(help: "Items seen fewer times than this are removed.")
    var minimumItemSupport = 5

    func validate() throws {
        guard testDays.isFinite, testDays > 0 else { throw ValidationError("--test-days \(testDays) must be a positive number of days") }
        guard minimumItemSupport >= 1 else { throw ValidationError("--minimum-item-support \(minimumItemSupport) must be at least 1") }
    }

    func run() throws {
        guard let format = Preprocessor.Format(rawValue: format) else {
            throw ValidationError("--format '\(format)' must be tsv, yoochoose or diginetica")
        }
        let summary = try Preprocessor.run(input: URL(fileURLWithPath: input), format: format, testDays: testDays,
                                           minimumItemSupport: minimumItemSupport, to: URL(fileURLWithPath: output))
        printTable(["file", "events", "sessions"], summary.files.keys.sorted().map {
            [$0, String(summary.files[$0]!.events), String(summary.files[$0]!.sessions)]
        })
    }
}

/// `gru4rec generate`: the built-in demo shop data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write the demo shop sessions (demo_train.tsv, demo_test.tsv).")

    @Option(help: "The folder to write into.")
    var output = "gru4rec-output"

    func run() throws {
        let files = try DemoShop.write(to: URL(fileURLWithPath: output))
        print("wrote \(files.train.path) and \(files.test.path)")
    }
}

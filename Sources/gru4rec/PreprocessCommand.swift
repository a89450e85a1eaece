import ArgumentParser
import Foundation
import GRU4Rec

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
        printChanges(summary.changes)
        printTable(["file", "events", "sessions"], summary.files.keys.sorted().map {
            [$0, String(summary.files[$0]!.events), String(summary.files[$0]!.sessions)]
        })
    }

    /// What was read, and what each rule of the protocol merged or removed and why.
    func printChanges(_ changes: Preprocessor.Changes) {
        print("read \(changes.eventsRead) events in \(changes.sessionsRead) sessions from \(input)")
        print("merged \(changes.mergedRepeats) events that repeat the item just before them in their session "
            + "(a reload is not a new interest)")
        print("removed \(changes.rareItemEvents) events of \(changes.rareItems) items seen fewer than \(minimumItemSupport) times")
        print("removed \(changes.shortSessions) sessions left with fewer than 2 events (\(changes.shortSessionEvents) events): "
            + "nothing to predict in them")
        print("test (sessions starting in the last \(testDays == testDays.rounded() ? String(Int(testDays)) : String(testDays)) days): dropped \(changes.unknownTestEvents) events whose item "
            + "is not in train_full.tsv, then \(changes.shortTestSessions) sessions left with fewer than 2 events")
    }
}

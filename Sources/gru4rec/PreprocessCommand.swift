import ArgumentParser
import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN

/// `gru4rec preprocess`: a raw click log into train and test files.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Turn a raw click log into train_full, test, train_tr and train_valid files by the official protocol.")

    @Option(help: "The raw log.")
    var input: String

    @Option(help: "Its format: tsv, yoochoose (yoochoose-clicks.dat) or diginetica (train-item-views.csv).")
    var format: String

    @Option(help: "The folder to write the four files into, as one set: a new or empty folder, or one holding an earlier split (with --overwrite).")
    var output: String

    @Flag(help: "Replace the files of an earlier split in --output.")
    var overwrite = false

    @Option(help: "Sessions starting in this many last days form the test set.")
    var testDays = 1.0

    @Option(help: "Items seen fewer times than this are removed.")
    var minimumItemSupport = 5

    /// The most test days accepted before reading: 10,000 years, longer than any log's dates can
    /// span (the data then sets the real bound: below its own span).
    static let maximumTestDays = 3_652_425.0

    func validate() throws {
        guard testDays.isFinite, testDays > 0 else { throw ValidationError("--test-days \(testDays) must be a positive number of days") }
        guard testDays <= Self.maximumTestDays else {
            throw ValidationError("--test-days \(Preprocessor.days(testDays)) must be a positive number of days up to \(Int(Self.maximumTestDays)) "
                + "(10,000 years), and below the time the log spans")
        }
        guard minimumItemSupport >= 1 else { throw ValidationError("--minimum-item-support \(minimumItemSupport) must be at least 1") }
    }

    func run() throws {
        guard let format = Preprocessor.Format(rawValue: format) else {
            throw ValidationError("--format '\(format)' must be tsv, yoochoose or diginetica")
        }
        // A link to a folder: the files go into the folder it names.
        let folder = OutputPath.Kind.at(output) == .symbolicLink ? URL(fileURLWithPath: output).resolvingSymlinksInPath().path : output
        try OutputFiles.claimSet(folder, names: Preprocessor.outputNames, option: "--output", overwrite: overwrite,
                                 inputs: [OutputPath.Input(option: "--input", path: input)])
        let summary = try Preprocessor.run(input: URL(fileURLWithPath: input), format: format, testDays: testDays,
                                           minimumItemSupport: minimumItemSupport, to: URL(fileURLWithPath: folder))
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
        print("test (sessions starting in the last \(Preprocessor.days(testDays)) days): dropped \(changes.unknownTestEvents) events whose item "
            + "is not in train_full.tsv, then \(changes.shortTestSessions) sessions left with fewer than 2 events")
    }
}

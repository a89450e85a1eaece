import Foundation
import GRU4Rec
import NablaTestSupport
@testable import NablaTuning
import Testing

/// `gru4rec tune` when things go wrong: a trial that diverges or does not fit in memory is
/// recorded as failed and the search goes on; a fixed setting too large is refused before any
/// trial; an edited journal, a journal of other data or of an older format is refused; a folder
/// as the space and a journal that cannot grow are reported in words.
@Suite struct TuneFailureTests {
    /// A folder with the demo data.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-tune-failure-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        return url
    }

    /// A one-parameter space of learning rates, enough for most of these searches.
    static let learningRates = #"{"name":"learning_rate", "dtype":"float", "values":[0.02, 0.3], "step":0.01}"#

    /// Writes a space file of `lines` into `folder`.
    func space(_ lines: String, in folder: URL, name: String = "space.json") throws -> String {
        let url = folder.appendingPathComponent(name)
        try lines.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The arguments of a tiny search of `space`.
    func arguments(_ folder: URL, space: String, trials: Int, journal: String? = "journal.jsonl",
                   fixed: String = "layers=8,n_epochs=1,n_sample=4,batch_size=16") -> [String] {
        ["tune", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--valid-days", "1",
         "--space", space, "--trials", String(trials), "--startup-trials", "3", "-p", fixed, "--metric", "mrr", "--cutoff", "5"]
            + (journal.map { ["--journal", folder.appendingPathComponent($0).path] } ?? [])
    }

    /// The journal's lines after the header.
    func trialLines(_ journal: URL) throws -> [String] {
        try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
    }

    /// The rows of the trial table `tune` printed.
    func rows(_ output: String) -> [String] {
        let lines = output.split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("  trial") }) else { return [] }
        return Array(lines[(header + 2)...].prefix { $0.first == " " || $0.hasPrefix("trial ") }.filter { $0.first == " " })
    }

    static let divergingSpace = """
        {"name":"elu_param", "dtype":"categorical", "values":[1, 1e308]}
        {"name":"learning_rate", "dtype":"float", "values":[0.02, 0.3], "step":0.01}
        """

    @Test func aTrialWhoseLossDivergesIsRecordedAsFailedAndTheSearchGoesOn() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.divergingSpace, in: folder)
        let journal = folder.appendingPathComponent("journal.jsonl")
        let fixed = "loss=bpr-max,layers=8,n_epochs=1,n_sample=4,batch_size=16"   // elu_param is bpr-max's
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 6, fixed: fixed))
        #expect(result.status == 0, "\(result.output)\n\(result.errors)")
        let rows = rows(result.output)
        #expect(rows.count == 6, "\(result.output)")
        let failedRows = rows.filter { $0.contains("failed") }
        #expect(!failedRows.isEmpty && failedRows.allSatisfy { $0.contains("1e+308") }, "\(result.output)")
        #expect(result.output.contains("failed: epoch 1, step 1: the loss is"), "\(result.output)")
        let lines = try trialLines(journal)
        let failedLines = lines.filter { $0.contains(#""state":"failed""#) }
        #expect(failedLines.count == failedRows.count)
        #expect(failedLines.allSatisfy { $0.contains(#""elu_param":"1e+308""#) && $0.contains(#""reason":"epoch 1, step 1: the loss is"#) })
        let best = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("best: trial ") })
        #expect(best.contains("elu_param=1,"), "\(best)")
        #expect(result.output.contains("6 trials (0 pruned, \(failedRows.count) failed)"))

        // The same command again has nothing left to run; one more trial runs trial 7 only.
        let again = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 6, fixed: fixed))
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("continuing \(journal.path): 6 trials done"))
        #expect(again.output.split(separator: "\n").last == result.output.split(separator: "\n").last)
        #expect(try trialLines(journal) == lines)
        let more = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 7, fixed: fixed))
        #expect(more.status == 0, "\(more.errors)")
        let after = try trialLines(journal)
        #expect(after.count == 7 && Array(after.prefix(6)) == lines)
    }

    @Test func aSearchWhoseEveryTrialFailsEndsWithAnError() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(#"{"name":"elu_param", "dtype":"categorical", "values":[1e308]}"#, in: folder)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 2,
                                                                          fixed: "loss=bpr-max,layers=8,n_epochs=1,n_sample=4,batch_size=16"))
        #expect(result.status != 0)
        #expect(rows(result.output).count == 2 && rows(result.output).allSatisfy { $0.contains("failed") }, "\(result.output)")
        #expect(result.errors.contains("all 2 trials failed"), "\(result.errors)")
    }

    @Test func aFixedSettingTooLargeForMemoryIsRefusedBeforeAnyTrial() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.learningRates, in: folder)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 3,
                                                                          fixed: "layers=65536,n_epochs=1,n_sample=4,batch_size=16"))
        #expect(result.status != 0 && result.status < 128, "\(result.errors)")
        #expect(result.errors.contains("every trial of this search: training"), "\(result.errors)")
        #expect(result.errors.contains("with layers [65536]") && result.errors.contains("of memory, but"), "\(result.errors)")
        #expect(rows(result.output).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("journal.jsonl").path))
    }

    @Test func aSampledSettingTooLargeForMemoryIsAFailedTrial() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space("""
            {"name":"layers", "dtype":"categorical", "values":[8, 65536]}
            {"name":"learning_rate", "dtype":"float", "values":[0.02, 0.3], "step":0.01}
            """, in: folder)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 5))
        #expect(result.status == 0, "\(result.errors)")
        let failed = rows(result.output).filter { $0.contains("failed") }
        #expect(!failed.isEmpty && failed.allSatisfy { $0.contains("65536") }, "\(result.output)")
        #expect(result.output.contains("with layers [65536], batch size 16 and 4 samples would need about"), "\(result.output)")
        let lines = try trialLines(folder.appendingPathComponent("journal.jsonl"))
        #expect(lines.count == 5 && lines.filter { $0.contains(#""state":"failed""#) }.count == failed.count)
    }

    @Test func aSampledSettingTheConfigurationRefusesIsAFailedTrial() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each value alone is valid with the fixed parameters; n_sample=0 with batch_size=1 is not.
        let space = try space("""
            {"name":"n_sample", "dtype":"categorical", "values":[0]}
            {"name":"batch_size", "dtype":"categorical", "values":[1, 16]}
            """, in: folder)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 3))
        #expect(result.status == 0, "\(result.errors)")
        let rows = rows(result.output)
        #expect(rows.count == 3 && rows.contains { $0.contains("failed") } && rows.contains { !$0.contains("failed") }, "\(result.output)")
        #expect(result.output.contains("failed: parameter 'batch_size'"), "\(result.output)")
        #expect(result.output.contains("best: trial ") && result.output.contains("n_sample=0,batch_size=16"), "\(result.output)")
    }

    @Test func editedJournalsAreRefusedNamingTheLine() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.learningRates, in: folder)
        let journal = folder.appendingPathComponent("journal.jsonl")
        #expect(try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 3)).status == 0)
        let original = try String(contentsOf: journal, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        let value = try #require(lines[2].firstMatch(of: /"values":\[([0-9.e-]+)\]/)?.1)
        let rate = try #require(lines[2].firstMatch(of: /"learning_rate":"([0-9.]+)"/)?.1)
        let edits: [(Int, String, String)] = [
            (2, "\"values\":[\(value)]", "\"values\":[1.5]"),
            (2, "\"values\":[\(value)]", "\"values\":[\(value),\(value)]"),
            (2, "\"learning_rate\":\"\(rate)\"", "\"learning_rate\":\"\(rate == "0.3" ? "0.02" : "0.3")\""),
            (0, "\"seed\":\"42\"", "\"seed\":\"43\""),
        ]
        for (index, old, new) in edits {
            var edited = lines
            #expect(edited[index].contains(old), "\(edited[index])")
            edited[index] = edited[index].replacingOccurrences(of: old, with: new)
            try (edited.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
            let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 4))
            #expect(result.status != 0)
            #expect(result.errors.contains("\(journal.path):\(index + 1): "), "\(new): \(result.errors)")
            #expect(result.errors.contains("match") && result.errors.contains("checksum"), "\(new): \(result.errors)")
        }
        // A line removed from the middle breaks the chain at the line after it.
        lines.remove(at: 1)
        try (lines.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
        let removed = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 4))
        #expect(removed.errors.contains("\(journal.path):2: trial record does not match its checksum"), "\(removed.errors)")
        // The untouched journal still continues.
        try original.write(to: journal, atomically: true, encoding: .utf8)
        let continued = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 4))
        #expect(continued.status == 0 && continued.output.contains("3 trials done"), "\(continued.errors)")
    }

    @Test func journalValuesAreCheckedAgainstTheSearchsBoundsEvenWithValidChecksums() throws {
        let space = SearchSpace([SearchParameter(name: "layers", domain: .integer(low: 8, high: 64, step: 8, log: false))])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-journal-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let bounds = TrialBounds(values: 0...1, steps: 2)
        _ = try TuningJournal.open(url, space: space, settings: [:], bounds: bounds)
        let header = try String(contentsOf: url, encoding: .utf8)
        let headerChecksum = try #require(JournalChecksum.opened(String(header.dropLast()), after: "")).checksum
        let cases: [(String, String)] = [
            (#"{"parameters":{"layers":"16"},"seconds":1,"state":"complete","trial":1,"values":[1.5]}"#, "the metric value 1.5 is outside 0.0...1.0"),
            (#"{"parameters":{"layers":"16"},"seconds":1,"state":"complete","trial":1,"values":[0.1,0.2,0.3]}"#, "3 metric values, but a trial runs at most 2 steps"),
            (#"{"parameters":{"layers":"72"},"seconds":1,"state":"complete","trial":1,"values":[0.1]}"#, "'72' is not a value of layers"),
            (#"{"parameters":{"layers":"16"},"seconds":1,"state":"failed","trial":1,"values":[]}"#, "a failed trial needs its reason"),
        ]
        for (json, message) in cases {
            let text = header + JournalChecksum.sealed(json, after: headerChecksum).line + "\n"
            do {
                _ = try TuningJournal.parse(Data(text.utf8), source: "j.jsonl", bounds: bounds)
                Issue.record("accepted: \(json)")
            } catch let error as DataError {
                #expect(error.line == 2 && error.message.contains(message), "\(error)")
            }
        }
    }

    @Test func aSearchRecordsUnusableReportsAsFailedTrialsAndGoesOn() throws {
        let space = SearchSpace([SearchParameter(name: "layers", domain: .integer(low: 8, high: 64, step: 8, log: false))])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-journal-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let bounds = TrialBounds(values: 0...1, steps: 2)
        let journal = try TuningJournal.open(url, space: space, settings: [:], bounds: bounds)
        var search = HyperparameterSearch(space: space, sampler: RandomSampler(seed: 1), pruner: nil, journal: journal)
        let reports: [HyperparameterSearch.Outcome] = [
            .finished([0.5], pruned: false), .finished([.nan], pruned: false), .finished([1.5], pruned: false),
            .finished([0.1, 0.2, 0.3], pruned: false), .failed([0.4], reason: "the loss is nan"), .finished([0.6], pruned: false),
        ]
        try search.run(trials: reports.count) { reports[$0.number - 1] }
        #expect(search.history.map(\.state) == [.complete, .failed, .failed, .failed, .failed, .complete])
        #expect(search.history[1].failure == "its metric values cannot be used: the metric value nan is not a finite number")
        #expect(search.history[2].failure == "its metric values cannot be used: the metric value 1.5 is outside 0.0...1.0")
        #expect(search.history[4].intermediateValues == [0.4] && search.history[4].failure == "the loss is nan")
        #expect(search.history.best?.number == 6)
        let reopened = try TuningJournal.open(url, space: space, settings: [:], bounds: bounds)
        // As recorded, times rounded to milliseconds aside.
        #expect(reopened.records.map(\.state) == search.history.map(\.state))
        #expect(reopened.records.map(\.failure) == search.history.map(\.failure))
        #expect(reopened.records.map(\.intermediateValues) == search.history.map(\.intermediateValues))
    }

    @Test func theEstimatorCountsFailedTrialsAsTheWorstAndNeverProposesThemAgain() throws {
        let space = SearchSpace([
            SearchParameter(name: "elu_param", domain: .categorical(["1", "1e+308"])),
            // Without a step, so that the estimator never falls back to a uniform draw for having
            // landed on a point already tried.
            SearchParameter(name: "learning_rate", domain: .real(low: 0.02, high: 0.3, step: nil, log: false)),
        ])
        func trial(_ number: Int, _ category: Double, _ rate: Double, _ value: Double?) -> TrialRecord {
            TrialRecord(number: number, coordinates: [category, rate], state: value == nil ? .failed : .complete,
                        intermediateValues: value.map { [$0] } ?? [], seconds: 0, failure: value == nil ? "the loss is nan" : nil)
        }
        let history = [trial(1, 1, 0.21, nil), trial(2, 1, 0.12, nil), trial(3, 0, 0.18, 0.83), trial(4, 0, 0.3, 0.82),
                       trial(5, 0, 0.03, 0.82), trial(6, 0, 0.02, 0.77)]
        #expect(history.rankedBestFirst().suffix(2).map(\.number) == [1, 2])
        for seed in 1...20 as ClosedRange<UInt64> {
            let sampler = TreeParzenEstimator(seed: seed, startupTrials: 3)
            let point = sampler.suggest(trial: 7, in: space, history: history)
            #expect(!history.map(\.coordinates).contains(point))
            #expect(point[0] == 0, "seed \(seed): \(point)")
        }
        // Before any trial has a metric, the draws are random rather than fitted to failures.
        let allFailed = Array(history.prefix(2)) + [trial(3, 0, 0.18, nil)]
        let point = TreeParzenEstimator(seed: 1, startupTrials: 1).suggest(trial: 4, in: space, history: allFailed)
        #expect(point == RandomSampler(seed: 1).suggest(trial: 4, in: space, history: allFailed))
    }

    @Test func theSameFileWithTwoItemIdsSwappedIsAnotherSearchsData() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.learningRates, in: folder)
        #expect(try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 2)).status == 0)
        // Swap the first two item ids of the training file everywhere: same path, same events.
        let train = folder.appendingPathComponent("demo_train.tsv")
        var lines = try String(contentsOf: train, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let itemColumn = try #require(lines[0].split(separator: "\t").firstIndex { $0.lowercased().contains("item") })
        var items: [String] = []
        for line in lines.dropFirst() where !line.isEmpty {
            let item = String(line.split(separator: "\t", omittingEmptySubsequences: false)[itemColumn])
            if !items.contains(item) { items.append(item) }
            if items.count == 2 { break }
        }
        for index in lines.indices.dropFirst() where !lines[index].isEmpty {
            var fields = lines[index].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            fields[itemColumn] = fields[itemColumn] == items[0] ? items[1] : fields[itemColumn] == items[1] ? items[0] : fields[itemColumn]
            lines[index] = fields.joined(separator: "\t")
        }
        try lines.joined(separator: "\n").write(to: train, atomically: true, encoding: .utf8)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 3))
        #expect(result.status != 0)
        #expect(result.errors.contains("journal.jsonl:1: this journal belongs to another search: its training_data is"), "\(result.errors)")
        #expect(result.errors.contains("content digest"), "\(result.errors)")
    }

    @Test func aJournalOfThePreviousFormatIsRefusedSayingWhy() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.learningRates, in: folder)
        let journal = folder.appendingPathComponent("journal.jsonl")
        try #"{"format":"nabla-tuning-journal","settings":{"metric":"mrr@5"},"version":1}"#.appending("\n")
            .write(to: journal, atomically: true, encoding: .utf8)
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 2))
        #expect(result.status != 0)
        #expect(result.errors.contains("\(journal.path):1: this journal was written by an earlier gru4rec (journal version 1)"),
                "\(result.errors)")
        #expect(result.errors.contains("start a new journal file"))
    }

    @Test func aHugeSpaceOrJournalIsRefusedBeforeItIsRead() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Sparse files: they take no room on disk, and reading one whole took gigabytes of memory.
        let huge = folder.appendingPathComponent("huge.json")
        try sparseFile(huge, size: 1 << 31)
        let space = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: huge.path, trials: 1))
        #expect(space.status != 0)
        #expect(space.errors.contains("huge.json: holds 2147483648 bytes; a parameter-space file holds at most 1048576"), "\(space.errors)")
        let small = try self.space(Self.learningRates, in: folder)
        let journal = folder.appendingPathComponent("journal.jsonl")
        try sparseFile(journal, size: 1 << 31)
        let continued = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: small, trials: 1))
        #expect(continued.status != 0)
        #expect(continued.errors.contains("journal.jsonl: holds 2147483648 bytes; a tuning journal holds at most"), "\(continued.errors)")
    }

    @Test func aFolderAsTheSpaceIsNamedInWords() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: folder.path, trials: 2))
        #expect(result.status != 0)
        #expect(result.errors.contains("\(folder.path): is a folder, not a parameter-space file"), "\(result.errors)")
        #expect(!result.errors.contains("NSCocoaErrorDomain") && !result.errors.contains("error 256"), "\(result.errors)")
    }

    @Test func aJournalThatCannotGrowIsNamedWithTheSystemsReasonAndStaysValid() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = try space(Self.learningRates, in: folder)
        let journal = folder.appendingPathComponent("journal.jsonl")
        #expect(try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 1)).status == 0)
        // Room for the journal as it is and less than a kilobyte more: a few trials fit, then one does not.
        let size = try Data(contentsOf: journal).count
        // SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of killing the process.
        let limited = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: 40),
                                            after: "trap '' XFSZ; ulimit -f \(size / 1024 + 1)")
        #expect(limited.status != 0 && limited.status < 128, "\(limited.errors)")
        let recorded = try trialLines(journal).count
        #expect(recorded < 40)
        #expect(limited.errors.contains("\(journal.path): cannot record trial \(recorded + 1): File too large; "
            + "the journal is unchanged and holds the \(recorded) trials before it"), "\(limited.errors)")
        #expect(!limited.errors.contains("NSCocoaErrorDomain") && !limited.errors.contains("Code="), "\(limited.errors)")
        #expect(try Data(contentsOf: journal).last == UInt8(ascii: "\n"))
        let continued = try ExampleRunner.run("gru4rec", arguments: arguments(folder, space: space, trials: recorded + 1))
        #expect(continued.status == 0, "\(continued.errors)")
        #expect(continued.output.contains("continuing \(journal.path): \(recorded) trials done"), "\(continued.output)")
        #expect(!continued.output.contains("incomplete line"))
    }

    @Test func aFullDiskUnderTheJournalIsNamedInWords() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let disk = folder.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        guard let mount = TemporaryMount.tmpfs(at: disk, options: "size=64k") else {
            print("skipped: cannot mount a tmpfs here (needs root); the file-size-limit test covers a journal that cannot grow")
            return
        }
        defer { mount.unmount() }
        let space = try space(Self.learningRates, in: folder)
        let journal = disk.appendingPathComponent("journal.jsonl")
        var arguments = arguments(folder, space: space, trials: 1, journal: nil) + ["--journal", journal.path]
        #expect(try ExampleRunner.run("gru4rec", arguments: arguments).status == 0)
        // Fill the disk: the journal can only grow inside the block it already has.
        let filler = try FileHandle(forWritingTo: {
            let url = disk.appendingPathComponent("filler")
            FileManager.default.createFile(atPath: url.path, contents: nil)
            return url
        }())
        while (try? filler.write(contentsOf: Data(count: 1024))) != nil {}
        try? filler.close()
        arguments[arguments.firstIndex(of: "--trials")! + 1] = "40"
        let full = try ExampleRunner.run("gru4rec", arguments: arguments)
        #expect(full.status != 0)
        let recorded = try trialLines(journal).count
        #expect(full.errors.contains("\(journal.path): cannot record trial \(recorded + 1): No space left on device; "
            + "the journal is unchanged"), "\(full.errors)")
        #expect(!full.errors.contains("Code=640") && !full.errors.contains("NSCocoaErrorDomain"), "\(full.errors)")
        #expect(try Data(contentsOf: journal).last == UInt8(ascii: "\n"))
        _ = try TuningJournal.parse(Data(contentsOf: journal), source: journal.path)
    }
}

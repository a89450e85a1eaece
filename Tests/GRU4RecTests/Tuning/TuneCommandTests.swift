import Foundation
import GRU4Rec
import NablaTestSupport
import Testing

/// `gru4rec tune` end to end on the demo data: the table, the best setting in the `-p` form,
/// the journal, and a search interrupted by SIGINT that continues to exactly the result of an
/// uninterrupted one.
@Suite struct TuneCommandTests {
    static let space = """
        {"name":"layers", "dtype":"int", "values":[8, 24], "step":8}
        {"name":"learning_rate", "dtype":"float", "values":[0.02, 0.3], "step":0.01}
        {"name":"momentum", "dtype":"float", "values":[0.0, 0.5], "step":0.1}
        {"name":"sample_alpha", "dtype":"categorical", "values":[0, 0.5, 1]}
        """

    /// A folder with the demo data and the space file.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-tune-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        try Self.space.write(to: url.appendingPathComponent("space.json"), atomically: true, encoding: .utf8)
        return url
    }

    func arguments(_ folder: URL, trials: Int, journal: String) -> [String] {
        ["tune", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--valid-days", "1",
         "--space", folder.appendingPathComponent("space.json").path, "--trials", String(trials), "--startup-trials", "3",
         "-p", "n_epochs=2,n_sample=16,batch_size=32", "--metric", "mrr", "--cutoff", "5",
         "--journal", folder.appendingPathComponent(journal).path]
    }

    /// The journal's trial lines without their times (which differ from run to run) and the
    /// checksums that cover them.
    func trials(in file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst().map {
            $0.replacingOccurrences(of: #""seconds":[0-9.e-]+,"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #","checksum":"[0-9a-f]+""#, with: "", options: .regularExpression)
        }
    }

    @Test func tunesPrintsATableAndEndsWithTheBestParameterString() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ExampleRunner.run("gru4rec", arguments: arguments(folder, trials: 8, journal: "journal.jsonl"))
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("  trial") })
        #expect(lines[header].contains("layers") && lines[header].contains("sample_alpha") && lines[header].contains("MRR@5"))
        let rows = lines[(header + 2)...].prefix { $0.first == " " }
        #expect(rows.count == 8, "\(result.output)")
        #expect(result.errors.contains("tuning: 8/8 trials · best MRR@5"))
        // The last line is the best setting, a parameter string `train -p` reads.
        let last = try #require(lines.last)
        #expect(last.hasPrefix("-p ") && !last.contains("n_epochs="))
        #expect(lines.dropLast().last == "each trial trained n_epochs=2; add n_epochs=K to the setting below for the final model's length")
        let best = try GRU4RecConfiguration(parameters: String(last.dropFirst(3)))
        #expect(best.sampleCount == 16 && best.batchSize == 32)
        let bestLine = try #require(lines.first { $0.hasPrefix("best: trial ") })
        #expect(bestLine.contains("layers=\(best.layers[0]),learning_rate="))
        #expect(try trials(in: folder.appendingPathComponent("journal.jsonl")).count == 8)
    }

    @Test func anInterruptedSearchContinuesToTheResultOfAnUninterruptedOne() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try ExampleRunner.run("gru4rec", arguments: arguments(folder, trials: 8, journal: "reference.jsonl"))
        #expect(reference.status == 0, "\(reference.errors)")

        // SIGINT in the middle of a trial, once two trials are in the journal.
        let journal = folder.appendingPathComponent("interrupted.jsonl")
        let process = Process()
        process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
        process.arguments = arguments(folder, trials: 8, journal: "interrupted.jsonl")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning && ((try? trials(in: journal).count) ?? 0) < 2 { usleep(5_000) }
        kill(process.processIdentifier, SIGINT)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let recorded = try trials(in: journal).count
        if recorded < 8 {
            #expect(process.terminationStatus == 128 + SIGINT, "\(printed)")
            #expect(printed.contains("\(recorded) trials are in \(journal.path): run the same command to continue"), "\(printed)")
        }

        let continued = try ExampleRunner.run("gru4rec", arguments: arguments(folder, trials: 8, journal: "interrupted.jsonl"))
        #expect(continued.status == 0, "\(continued.errors)")
        #expect(continued.output.contains("continuing \(journal.path): \(recorded) trials done"))
        #expect(try trials(in: journal) == trials(in: folder.appendingPathComponent("reference.jsonl")))
        #expect(continued.output.split(separator: "\n").last == reference.output.split(separator: "\n").last)

        // More trials continue the same search; a journal of other settings is refused.
        let more = try ExampleRunner.run("gru4rec", arguments: arguments(folder, trials: 9, journal: "interrupted.jsonl"))
        #expect(more.status == 0, "\(more.errors)")
        #expect(try trials(in: journal).count == 9)
        var otherMetric = arguments(folder, trials: 9, journal: "interrupted.jsonl")
        otherMetric[otherMetric.firstIndex(of: "mrr")!] = "recall"
        let refused = try ExampleRunner.run("gru4rec", arguments: otherMetric)
        #expect(refused.status != 0)
        #expect(refused.errors.contains("interrupted.jsonl:1: this journal belongs to another search: its metric is 'mrr@5', this search's is 'recall@5'"),
                "\(refused.errors)")
    }

    @Test func badArgumentsAreRefusedBeforeAnyTraining() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unknown = folder.appendingPathComponent("unknown.json")
        try #"{"name":"hidden_size", "dtype":"int", "values":[8, 24]}"#.write(to: unknown, atomically: true, encoding: .utf8)
        let badValue = folder.appendingPathComponent("bad-value.json")
        try #"{"name":"momentum", "dtype":"float", "values":[0.5, 1.5]}"#.write(to: badValue, atomically: true, encoding: .utf8)
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let cases: [([String], String)] = [
            (["--space", unknown.path, "--valid-days", "1"], "unknown.json: parameter 'hidden_size' cannot take the value 8"),
            (["--space", badValue.path, "--valid-days", "1"], "bad-value.json: parameter 'momentum' cannot take the value 1.5"),
            (["--space", unknown.path], "give the validation data"),
            (["--space", unknown.path, "--valid-days", "1", "--valid", train], "give --valid or --valid-days, not both"),
            (["--space", unknown.path, "--valid-days", "1", "--metric", "ndcg"], "--metric 'ndcg' must be recall or mrr"),
            (["--space", unknown.path, "--valid-days", "1", "-p", "@nope"], "no such preset"),
            (["--space", folder.appendingPathComponent("space.json").path, "--valid-days", "10000"], "nothing is left to train on"),
        ]
        for (extra, message) in cases {
            let result = try ExampleRunner.run("gru4rec", arguments: ["tune", "--train", train, "--trials", "2"] + extra)
            #expect(result.status != 0)
            #expect(result.errors.contains(message), "\(extra): \(result.errors)")
        }
    }
}

import Foundation
import NablaCommandLine
import NablaTestSupport
import NablaTuning
import Testing

/// `train --report` and `tune --report` on the demo data: one HTML file that needs nothing else,
/// with the figures the run printed; the report is an output like `--save`.
@Suite struct ReportCommandTests {
    let small = "layers=8,n_epochs=3,n_sample=4,batch_size=16"

    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-report-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path]).status == 0)
        return url
    }

    /// Checks that `html` references nothing outside itself and returns its data embedded as `id`.
    func selfContainedData(_ html: String, id: String) throws -> [String: Any] {
        for reference in ["http:", "https:", "src=", "href=", "@import", "url(", "<link", "<img", "<iframe"] {
            #expect(!html.contains(reference), "the report holds \(reference)")
        }
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"\(id)\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        return try #require(json as? [String: Any])
    }

    @Test func trainWritesTheLossThroughputAndMetricsOfEveryEpoch() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("r.html").path
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--test", folder.appendingPathComponent("demo_test.tsv").path,
            "-p", small, "--report", report, "--evaluate-every-epoch", "--cutoffs", "5,20", "--json"], in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("epoch 1: Recall@20 ") && trained.output.contains("epoch 2: Recall@20 "), "\(trained.output)")
        #expect(trained.output.contains("wrote the report to \(report)"))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        let data = try selfContainedData(html, id: "training-data")
        // The epochs' losses are the ones the table printed, and the page shows them.
        let epochs = try #require(data["epochs"] as? [[String: Any]])
        let losses = epochs.compactMap { $0["meanLoss"] as? Double }
        #expect(losses.count == 3)
        let table = trained.output.split(separator: "\n").filter { $0.range(of: #"^ *[123] +[0-9]+\.[0-9]{4} "#, options: .regularExpression) != nil }
        #expect(table.map { $0.split(separator: " ")[1] } == losses.map { String(format: "%.4f", $0)[...] }, "\(table)")
        for loss in losses { #expect(html.contains("<td class=\"number\">\(String(format: "%.4f", loss))</td>")) }
        // Intervals of 50 steps: 14 in each epoch of the demo data (10,638 predictions, up to 800 in 50 steps of 16),
        // the last ending with the epoch.
        let intervals = try #require(data["intervals"] as? [[Double]])
        #expect(intervals.count == 42 && intervals.filter { $0[0] == $0[0].rounded() }.map { $0[0] } == [1, 2, 3], "\(intervals)")
        // Metrics after each epoch; the last ones are those the run printed in its JSON line.
        let evaluations = try #require(data["evaluations"] as? [[String: Any]])
        #expect(evaluations.compactMap { $0["epoch"] as? Int } == [1, 2, 3])
        let summary = try #require(JSONSerialization.jsonObject(with: Data(trained.output.split(separator: "\n").last!.utf8)) as? [String: Any])
        #expect((evaluations.last?["recall"] as? [String: Double])?["20"] == summary["recall_at_20"] as? Double)
        #expect(html.contains("Recall per epoch") && html.contains("data-name=\"MRR@5\"") && html.contains("<svg"))
        #expect(html.contains("layers=8") && html.contains("CPU") && html.contains("demo_train.tsv"))
    }

    @Test func withoutEveryEpochOnlyTheFinalMetricsAreMeasured() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("r.html").path
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--test", folder.appendingPathComponent("demo_test.tsv").path,
            "-p", small, "--report", report], in: folder)
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(!trained.output.contains("epoch 1: Recall"))
        let data = try selfContainedData(try String(contentsOfFile: report, encoding: .utf8), id: "training-data")
        #expect((data["evaluations"] as? [[String: Any]])?.compactMap { $0["epoch"] as? Int } == [3])
    }

    @Test func theReportIsCheckedLikeEveryOutput() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let existing = folder.appendingPathComponent("exists.html").path
        try Data("kept".utf8).write(to: URL(fileURLWithPath: existing))
        let refusals: [([String], String)] = [
            (["--report", existing], "--report \(existing) exists"),
            (["--report", train], "--report \(train)"),
            (["--report", folder.path], "--report \(folder.path)"),
            (["--report", folder.appendingPathComponent("m.safetensors").path, "--save", folder.appendingPathComponent("m.safetensors").path],
             "is also the --save file"),
            (["--evaluate-every-epoch"], "--evaluate-every-epoch needs the test data"),
        ]
        for (arguments, message) in refusals {
            let refused = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small] + arguments, in: folder)
            #expect(refused.status == 64 && refused.errors.contains(message), "\(arguments): \(refused.errors)")
            #expect(!refused.output.contains("training data:"), "refused before reading the data")
        }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "kept")
        #expect(try String(contentsOfFile: train, encoding: .utf8).hasPrefix("SessionId"))
        let replaced = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small, "--report", existing, "--overwrite"], in: folder)
        #expect(replaced.status == 0, "\(replaced.errors)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }

    @Test func tuneWritesEachTrialTheBestSoFarAndEachParameter() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            {"name":"layers", "dtype":"int", "values":[8, 24], "step":8}
            {"name":"learning_rate", "dtype":"float", "values":[0.01, 0.3], "log":true}
            {"name":"sample_alpha", "dtype":"categorical", "values":[0, 0.5, 1]}
            """.write(to: folder.appendingPathComponent("space.json"), atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("t.html").path
        let arguments = ["tune", "--train", folder.appendingPathComponent("demo_train.tsv").path, "--valid-days", "1",
                         "--space", folder.appendingPathComponent("space.json").path, "--trials", "4", "--startup-trials", "2",
                         "-p", "n_epochs=2,n_sample=8,batch_size=32", "--metric", "mrr", "--cutoff", "5", "--report", report]
        let tuned = try ExampleRunner.run("gru4rec", arguments: arguments, in: folder)
        #expect(tuned.status == 0, "\(tuned.errors)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        for reference in ["http:", "https:", "src=", "href=", "@import", "url("] { #expect(!html.contains(reference)) }
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"trials\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let trials = try #require(try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as? [[String: Any]])
        #expect(trials.compactMap { $0["number"] as? Int } == [1, 2, 3, 4])
        // The best trial the command printed is the report's best.
        let best = try #require(tuned.output.split(separator: "\n").first { $0.hasPrefix("best: trial ") })
        let bestNumber = Int(best.dropFirst("best: trial ".count).prefix { $0.isNumber })
        let values = trials.filter { $0["state"] as? String == "complete" }.map { ($0["number"] as? Int, $0["value"] as? Double ?? -1) }
        #expect(values.max { $0.1 < $1.1 }?.0 == bestNumber, "\(values) \(best)")
        #expect(html.contains("Best: trial \(bestNumber ?? 0),"))
        #expect(html.contains("data-name=\"best so far\"") && html.contains("MRR@5 of each trial"))
        for parameter in ["layers", "learning_rate", "sample_alpha"] { #expect(html.contains("aria-label=\"\(parameter)\"")) }
        // Run again: the report exists and is refused without --overwrite, unless the search continues from its journal.
        let again = try ExampleRunner.run("gru4rec", arguments: arguments, in: folder)
        #expect(again.status == 64 && again.errors.contains("--report \(report) exists"), "\(again.errors)")
        let journal = ["--journal", folder.appendingPathComponent("j.jsonl").path]
        func searching(_ count: String) -> [String] { arguments.map { $0 == "4" ? count : $0 } + journal }
        let started = try ExampleRunner.run("gru4rec", arguments: searching("2") + ["--overwrite"], in: folder)
        #expect(started.status == 0, "\(started.errors)")
        let continued = try ExampleRunner.run("gru4rec", arguments: searching("3"), in: folder)
        #expect(continued.status == 0, "\(continued.errors)")
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("3 of 3 trials"))
    }

    @Test func intervalsKeepExactMeansAndABoundedCount() {
        var losses = IntervalLosses(limit: 4)
        for (events, mean) in [(10, 2.0), (20, 1.5), (30, 1.0)] {
            losses.record(epoch: 1, events: events, meanLoss: mean, eventsPerEpoch: 40)
        }
        // Intervals: 10 events at 2.0 (sum 20), 10 at 1.0 (sum 30 - 20), 10 at 0.0 (sum 30 - 30).
        #expect(losses.intervals.map(\.meanLoss) == [2.0, 1.0, 0.0])
        losses.record(epoch: 1, events: 40, meanLoss: 1.0, eventsPerEpoch: 40)
        // A fourth interval (10 events at 1.0) reaches the limit: merged in pairs.
        #expect(losses.intervals.map(\.end) == [0.5, 1.0])
        #expect(losses.intervals.map(\.meanLoss) == [1.5, 0.5])
        losses.record(epoch: 2, events: 20, meanLoss: 3.0, eventsPerEpoch: 40)
        #expect(losses.intervals.last.map { [$0.end, $0.lossSum, Double($0.events)] } == [1.5, 60, 20])
    }

    @Test func aTuningReportMarksPrunedAndFailedTrials() throws {
        let space = try SearchSpace.parse(Data("""
            {"name":"learning_rate", "dtype":"float", "values":[0.01, 1], "log":true}
            {"name":"final_act", "dtype":"categorical", "values":["linear", "<tanh>"]}
            """.utf8), source: "space.json")
        let report = TuningReport(modelName: "GRU4Rec", space: space, metricName: "MRR@20", plannedTrials: 5, facts: [("seed", "42")])
        let html = report.page([
            TrialRecord(number: 1, coordinates: [0.1, 0], state: .complete, intermediateValues: [0.2, 0.3], seconds: 1),
            TrialRecord(number: 2, coordinates: [0.5, 1], state: .failed, intermediateValues: [], seconds: 1, failure: "loss is NaN"),
            TrialRecord(number: 3, coordinates: [0.02, 1], state: .pruned, intermediateValues: [0.1], seconds: 1),
            TrialRecord(number: 4, coordinates: [0.05, 0], state: .complete, intermediateValues: [0.25, 0.4], seconds: 1),
        ]).html
        #expect(html.contains("4 of 5 trials"))
        #expect(html.contains("Best: trial 4, MRR@20 0.4000: learning_rate=0.05,final_act=linear"))
        #expect(html.contains("Failed (no metric, not drawn): trial 2;") && html.contains("<td>loss is NaN</td>"))
        #expect(html.contains("<td>&lt;tanh&gt;</td>") && !html.contains("<tanh>"))
        // Best so far, a step: 0.3 from trial 1 until trial 4 reaches 0.4.
        let line = try #require(html.firstMatch(of: /data-name="best so far"><polyline [^>]* points="([^"]*)"/))
        let points = line.output.1.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(points.count == 3 && points[0][1] == points[1][1] && points[1][0] == points[2][0] && points[2][1] < points[1][1], "\(points)")
        #expect(html.contains(#"{"failure":"loss is NaN","number":2,"parameters":{"final_act":"\u003ctanh>","learning_rate":"0.5"},"seconds":1,"state":"failed","values":[]}"#), "\(html)")
    }
}

import Foundation
import NablaNN
import NablaTestSupport
import Testing

/// The `gru4rec` command: the demo works, and bad input ends with a located error and a non-zero
/// exit status.
@Suite struct CommandLineTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `gru4rec train` on a training file with `contents`.
    func train(_ contents: String, parameters: String = "layers=4,n_epochs=1,n_sample=2") throws -> ExampleRunner.Result {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("clicks.tsv")
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return try ExampleRunner.run("gru4rec", arguments: ["train", "--train", file.path, "-p", parameters])
    }

    @Test func demoTrainsEvaluatesRecommendsAndDraws() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ExampleRunner.run("gru4rec", arguments: ["demo", "--output", directory.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("[Camera, Memory Card] → Camera Bag"))
        #expect(result.output.contains("[Phone, Memory Card] → Phone Case"))
        let table = result.output.split(separator: "\n")
        let recallAt1 = { (model: String) -> Double in
            table.first { $0.hasPrefix(model) }.flatMap { Double($0.split(separator: " ")[1]) } ?? -1
        }
        #expect(recallAt1("GRU4Rec") > recallAt1("Markov") + 0.05)
        #expect(recallAt1("Markov") > recallAt1("POP"))
        // One word for what is predicted, and percentages that say what they are.
        #expect(result.output.contains("14638 training events in 4000 sessions over 24 items: 10638 predictions per epoch"))
        #expect(result.output.contains("test predictions"))
        #expect(result.errors.contains("10638/10638 predictions"), "the training bar counts predictions: \(result.errors)")
        #expect(!result.errors.contains(" events"), "\(result.errors)")
        #expect(result.output.contains("the probability of coming next"))
        #expect(!result.output.contains("(0.0%)"), "an item shown with 0%: \(result.output)")
        // The GRU's two steps of [Camera, Memory Card] stand in the time grid, h₀ left of h₁ on one row.
        let steps = try String(contentsOf: directory.appendingPathComponent("demo-gru-step.svg"), encoding: .utf8)
        let states = DrawGridCommandTests.textPositions(in: steps, startingWith: "h")
        let first = try #require(states["h₀ = add"], "\(states.keys)"), second = try #require(states["h₁ = add"], "\(states.keys)")
        #expect(first.x < second.x && first.y == second.y)
        #expect(steps.contains(">t0</text>") && steps.contains(">t1</text>"))
        // The page of one training step, every gate an op with its rule.
        let page = directory.appendingPathComponent("demo-backpropagation.html")
        #expect(result.output.contains("   wrote \(page.path)\n"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("http:") && !html.contains("src=") && html.contains("GRU4Rec: one training step over 2 sessions"))
        let trace = try PageTrace(html: html)
        #expect(trace.backward.map(\.node) == trace.forward.reversed())
        #expect(Set(trace.backward.map(\.op)).isSuperset(of: ["sigmoid", "tanh", "matmul", "crossEntropy"]))
        for step in trace.backward { #expect(!step.rule.contains("no rule recorded"), "no rule for \(step.op)") }
        #expect(!html.contains("backward()</text>"), "the page's gradients are summed with training's")
        // Both explanations are printed with the completeness line and drawn beside the GRU step.
        #expect(result.output.contains("   [Camera, Memory Card] → Camera Bag\nintegrated gradients (64 steps), zero baseline\n"))
        #expect(result.output.contains("   [Phone, Memory Card] → Phone Case\nintegrated gradients (64 steps), zero baseline\n"))
        #expect(result.output.components(separatedBy: "completeness residual").count == 3)
        for (first, name) in [("[Camera, Memory Card]", "demo-why-camera-bag"), ("[Phone, Memory Card]", "demo-why-phone-case")] {
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
            let start = try #require(lines.firstIndex { $0.hasPrefix("   \(first) → ") && !$0.contains("(") })
            let end = try #require(lines[start...].firstIndex { $0.hasPrefix("   the earlier item") })
            DocumentSnippets.expectOutput(name, lines[start...end].joined(separator: "\n"))
        }
        for picture in ["demo-why-camera-bag.svg", "demo-why-phone-case.svg"] {
            let svg = try String(contentsOf: directory.appendingPathComponent(picture), encoding: .utf8)
            #expect(svg.contains("1. Camera") || svg.contains("1. Phone"), "\(picture)")
        }
        // Drawing and writing the page after saving leave the model file as `train` writes it.
        let parameters = try #require(result.output.firstMatch(of: /Training GRU4Rec \(([^)]*)\)/)?.output.1)
        let trained = directory.appendingPathComponent("trained.safetensors")
        let training = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", directory.appendingPathComponent("demo_train.tsv").path,
                                                                    "-p", String(parameters), "--threads", "1", "--save", trained.path])
        #expect(training.status == 0, "\(training.errors)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("demo-model.safetensors")) == Data(contentsOf: trained))
        // The report: the training's curves and GRU4Rec's test metrics after each of the five epochs, the last as printed.
        let report = try String(contentsOf: directory.appendingPathComponent("demo-report.html"), encoding: .utf8)
        #expect(!report.contains("http") && !report.contains("src=") && report.contains("<svg"))
        #expect(report.components(separatedBy: "<td class=\"number\">0.").count > 5 && report.contains("Recall per epoch"))
        let recall = String(format: "%.4f", recallAt1("GRU4Rec"))
        #expect(report.contains("<tr><td class=\"number\">5</td><td class=\"number\">2103</td><td class=\"number\">\(recall)</td>"), "\(report)")
        #expect(result.output.contains("\(directory.path)/demo-report.html"))
    }

    @Test func trainSaveEvaluateAndRecommendChain() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path])
        #expect(generated.status == 0)
        let model = directory.appendingPathComponent("m.safetensors").path
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", directory.appendingPathComponent("demo_train.tsv").path,
            "--test", directory.appendingPathComponent("demo_test.tsv").path,
            "-p", "layers=16,n_epochs=1,n_sample=4,batch_size=16", "--learning-rate", "0.1", "--save", model])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("learning_rate=0.1"))
        #expect(trained.output.contains("Recall@20"))
        let evaluated = try ExampleRunner.run("gru4rec", arguments: [
            "evaluate", "--model", model, "--test", directory.appendingPathComponent("demo_test.tsv").path,
            "--train", directory.appendingPathComponent("demo_train.tsv").path, "--cutoffs", "1,5"])
        #expect(evaluated.status == 0, "\(evaluated.errors)")
        #expect(evaluated.output.contains("Markov") && evaluated.output.contains("POP"))
        let recommended = try ExampleRunner.run("gru4rec", arguments: ["recommend", "--model", model, "--items", "Camera,Memory Card", "--top", "3"])
        #expect(recommended.status == 0, "\(recommended.errors)")
        #expect(recommended.output.split(separator: "\n").count == 6)     // header, rule, 3 items, what the columns mean
    }

    @Test func adaptiveThreadsTrainTheSameModelAsOneThread() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path]).status == 0)
        func train(_ threads: [String], to name: String) throws -> Data {
            let model = directory.appendingPathComponent(name).path
            let trained = try ExampleRunner.run("gru4rec", arguments: [
                "train", "--train", directory.appendingPathComponent("demo_train.tsv").path,
                "-p", "layers=16,n_epochs=2,n_sample=4,batch_size=16", "--save", model] + threads)
            #expect(trained.status == 0, "\(trained.errors)")
            return try Data(contentsOf: URL(fileURLWithPath: model))
        }
        let single = try train(["--threads", "1"], to: "one.safetensors")
        #expect(try train(["--threads", "2", "--adaptive-threads"], to: "adaptive.safetensors") == single)
        #expect(try train(["--threads", "2"], to: "default.safetensors") == single)
        #expect(try train(["--threads", "2", "--fixed-threads"], to: "fixed.safetensors") == single)
    }

    @Test func everyScoreEvaluatesToTheSameFigures() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path]).status == 0)
        let model = directory.appendingPathComponent("model.safetensors").path
        let trained = try ExampleRunner.run("gru4rec", arguments: [
            "train", "--train", directory.appendingPathComponent("demo_train.tsv").path,
            "-p", "layers=16,n_epochs=2,n_sample=4,batch_size=16", "--save", model])
        #expect(trained.status == 0, "\(trained.errors)")
        /// The eight figures of the GRU4Rec row.
        func evaluate(_ extra: [String]) throws -> [Double] {
            let result = try ExampleRunner.run("gru4rec", arguments: [
                "evaluate", "--model", model, "--test", directory.appendingPathComponent("demo_test.tsv").path] + extra)
            #expect(result.status == 0, "\(result.errors)")
            let row = result.output.split(separator: "\n").first { $0.hasPrefix("GRU4Rec") } ?? ""
            return row.split(separator: " ").dropFirst().compactMap { Double($0) }
        }
        let bounded = try evaluate([]), every = try evaluate(["--every-score"])
        #expect(bounded.count == 8 && every.count == 8)
        // The same to the printed digit but where the full product's rounding moves a target one place.
        for (a, b) in zip(bounded, every) { #expect(abs(a - b) <= 0.002) }
    }

    @Test func missingColumn() throws {
        let result = try train("SessionId\tItem\tTime\n1\tA\t1\n")
        #expect(result.status != 0)
        #expect(result.errors.contains("clicks.tsv:1: missing column 'ItemId'"))
    }

    @Test func nonNumericTime() throws {
        let result = try train("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\tlater\n")
        #expect(result.status != 0)
        #expect(result.errors.contains("clicks.tsv:3:3: Time 'later' is not a number"))
    }

    @Test func emptyFile() throws {
        let result = try train("")
        #expect(result.status != 0)
        #expect(result.errors.contains("clicks.tsv:1: the file is empty"))
    }

    @Test func oneEventSession() throws {
        let result = try train("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n2\tC\t3\n")
        #expect(result.status != 0)
        #expect(result.errors.contains("clicks.tsv:4: session '2' has a single event"))
    }

    @Test func unknownHyperparameter() throws {
        let result = try train("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n", parameters: "layers=4,dropout=0.5")
        #expect(result.status != 0)
        #expect(result.errors.contains("parameter 'dropout': unknown parameter"))
    }

    @Test func badHyperparameterValue() throws {
        let result = try train("SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n", parameters: "layers=4,batch_size=-3")
        #expect(result.status != 0)
        #expect(result.errors.contains("parameter 'batch_size': '-3' is not an integer from 1 to 1073741824"))
    }

    @Test func aModelTooLargeForMemoryIsRefusedUpFrontWithTheEstimate() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("clicks.tsv")
        try "SessionId\tItemId\tTime\n1\tA\t1\n1\tB\t2\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", file.path, "-p", "layers=20000/20000,n_epochs=1", "--memory-limit", "100"])
        #expect(result.status != 0)
        #expect(result.errors.contains("training 2 items with layers [20000, 20000], batch size 64 and 2048 samples would need about"))
        #expect(result.errors.contains("but 100 MB are available"))
    }

    @Test func windowsLineEndingsAndByteOrderMarkTrain() throws {
        let result = try train("\u{FEFF}SessionId\tItemId\tTime\r\n1\tA\t1\r\n1\tB\t2\r\n2\tB\t3\r\n2\tA\t4\r\n")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("4 events, 2 sessions, 2 items"))
    }

    @Test func sigtermSavesACheckpointAndResumeGivesTheUninterruptedWeights() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path]).status == 0)
        let train = directory.appendingPathComponent("demo_train.tsv").path
        let parameters = "layers=32,n_epochs=4,n_sample=8,batch_size=16,dropout_p_hidden=0.2,momentum=0.2"
        let whole = directory.appendingPathComponent("whole.safetensors").path
        #expect(try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", parameters, "--save", whole]).status == 0)

        // The same run, stopped by SIGTERM partway, then resumed from its checkpoint.
        let checkpoint = directory.appendingPathComponent("checkpoint.safetensors").path
        let process = Process()
        process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
        process.arguments = ["train", "--train", train, "-p", parameters, "--checkpoint", checkpoint, "--checkpoint-every", "40"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning { usleep(20_000) }
        usleep(300_000)
        process.terminate()                                   // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGTERM, "the run should stop on SIGTERM, not finish first")
        let resumedModel = directory.appendingPathComponent("resumed.safetensors").path
        let resumed = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "--resume", checkpoint, "--save", resumedModel])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("resuming"))

        let a = try SafeTensors.read(from: URL(fileURLWithPath: whole))
        let b = try SafeTensors.read(from: URL(fileURLWithPath: resumedModel))
        #expect(a.names == b.names)
        for name in a.names { #expect(a.entries[name] == b.entries[name], "\(name) differs after the interruption") }
    }

    @Test func anUnwritableSavePathIsRefusedBeforeTraining() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path]).status == 0)
        let train = directory.appendingPathComponent("demo_train.tsv").path
        let blocked = directory.appendingPathComponent("demo_test.tsv").appendingPathComponent("model.safetensors").path
        let result = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", "layers=4,n_epochs=1,n_sample=2", "--save", blocked])
        #expect(result.status != 0)
        #expect(result.errors.contains("demo_test.tsv is a file, not a folder"), "\(result.errors)")
        #expect(!result.output.contains("training data:"), "the training file was read before the output path was checked")
    }
}

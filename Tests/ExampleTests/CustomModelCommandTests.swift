import Foundation
import NablaTestSupport
import Testing

/// `custom-model`, the command-line library with tutorial 6's two LSTM recommenders registered,
/// gives them every tool `gru4rec` gives GRU4Rec.
@Suite struct CustomModelCommandTests {
    /// Small settings, so each training run takes seconds in a debug build.
    static let small = [
        "lstm": "hidden=16,batch_size=32,n_sample=8,learning_rate=0.1,momentum=0.2,n_epochs=1",
        "stacked-lstm": "hidden=12,layer_count=2,dropout=0.1,loss=bpr-max,batch_size=32,n_sample=8,learning_rate=0.1,n_epochs=1",
    ]

    /// A new folder with the generated demo shop data.
    func demoFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-custom-command-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", folder.path]).status == 0)
        return folder
    }

    func customModel(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("custom-model", arguments: arguments)
    }

    @Test func helpListsBothModelsAndEveryTool() throws {
        let root = try customModel(["--help"])
        #expect(root.status == 0)
        #expect(root.output.contains("lstm") && root.output.contains("stacked-lstm"))
        let tools = try customModel(["stacked-lstm", "--help"])
        for tool in ["train", "evaluate", "recommend", "explain", "tune", "benchmark", "draw"] {
            #expect(tools.output.contains("  \(tool) "), "no \(tool) in \(tools.output)")
        }
    }

    @Test(arguments: ["lstm", "stacked-lstm"])
    func trainsEvaluatesRecommendsExplainsAndDraws(model: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, test = folder.appendingPathComponent("demo_test.tsv").path
        let saved = folder.appendingPathComponent("\(model).safetensors").path
        let trained = try customModel([model, "train", "--train", train, "--test", test, "-p", Self.small[model]!, "--save", saved, "--json"])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("parameters: loss="))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(trained.output.split(separator: "\n").last!.utf8)) as? [String: Any])
        let recall = try #require(report["recall_at_20"] as? Double)
        #expect(recall > 0.5, "Recall@20 \(recall) after one epoch")

        let evaluated = try customModel([model, "evaluate", "--model", saved, "--test", test, "--train", train])
        #expect(evaluated.status == 0, "\(evaluated.errors)")
        #expect(evaluated.output.contains("POP") && evaluated.output.contains("Markov"))
        #expect(evaluated.output.contains(String(format: "%.4f", recall)), "evaluate disagrees with train's \(recall)")

        let recommended = try customModel([model, "recommend", "--model", saved, "--items", "Camera,Memory Card", "--top", "3"])
        #expect(recommended.status == 0, "\(recommended.errors)")
        #expect(recommended.output.split(separator: "\n").filter { $0.hasPrefix("1 ") || $0.hasPrefix("3 ") }.count == 2)

        let picture = folder.appendingPathComponent("why.svg").path
        let explained = try customModel([model, "explain", "--model", saved, "--items", "Camera,Memory Card", "--draw", picture])
        #expect(explained.status == 0, "\(explained.errors)")
        #expect(explained.output.contains("completeness residual"))
        #expect(try String(contentsOfFile: picture, encoding: .utf8).contains("<svg"))

        let step = folder.appendingPathComponent("step.svg").path
        let drawn = try customModel([model, "draw", "--train", train, "-p", Self.small[model]!, "--output", step])
        #expect(drawn.status == 0, "\(drawn.errors)")
        #expect(try String(contentsOfFile: step, encoding: .utf8).contains("items.weight"))
    }

    @Test func tuneSearchesTheModelsOwnHyperparameters() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let space = folder.appendingPathComponent("space.json")
        try Data("""
            {"name":"hidden", "dtype":"int", "values":[8, 16], "step":8}
            {"name":"learning_rate", "dtype":"float", "values":[0.05, 0.2], "step":0.05}

            """.utf8).write(to: space)
        let journal = folder.appendingPathComponent("tune.jsonl").path
        let arguments = ["lstm", "tune", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                         "--valid", folder.appendingPathComponent("demo_test.tsv").path, "--space", space.path, "--trials", "2",
                         "--startup-trials", "2", "-p", Self.small["lstm"]!, "--journal", journal]
        let tuned = try customModel(arguments)
        #expect(tuned.status == 0, "\(tuned.errors)")
        #expect(tuned.output.contains("hidden  learning_rate  Recall@20"), "\(tuned.output)")
        let best = try #require(tuned.output.split(separator: "\n").last)
        #expect(best.hasPrefix("-p loss=cross-entropy,") && best.contains(",hidden="), "\(best)")
        // The journal continues the search: the same command runs no trial again.
        let again = try customModel(arguments)
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("2 trials done"))
    }

    @Test func filesOfAnotherModelTypeAreRefusedByName() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, test = folder.appendingPathComponent("demo_test.tsv").path
        let lstm = folder.appendingPathComponent("lstm.safetensors").path, gru = folder.appendingPathComponent("gru.safetensors").path
        #expect(try customModel(["lstm", "train", "--train", train, "-p", Self.small["lstm"]!, "--save", lstm]).status == 0)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", "layers=8,n_epochs=1,n_sample=8",
                                                             "--save", gru]).status == 0)
        let stacked = try customModel(["stacked-lstm", "evaluate", "--model", lstm, "--test", test])
        #expect(stacked.status != 0)
        #expect(stacked.errors.contains("not a stacked-lstm model file: it holds a model of type 'lstm'"), "\(stacked.errors)")
        let fromGRU = try customModel(["lstm", "recommend", "--model", gru, "--items", "Camera"])
        #expect(fromGRU.errors.contains("not a lstm model file: it holds a model of type 'gru4rec'"), "\(fromGRU.errors)")
        let intoGRU = try ExampleRunner.run("gru4rec", arguments: ["evaluate", "--model", lstm, "--test", test])
        #expect(intoGRU.errors.contains("not a GRU4Rec checkpoint: it holds a model of type 'lstm'"), "\(intoGRU.errors)")
    }

    @Test func resumingACheckpointContinuesExactly() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, test = folder.appendingPathComponent("demo_test.tsv").path
        let parameters = Self.small["stacked-lstm"]!.replacingOccurrences(of: "n_epochs=1", with: "n_epochs=2")
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors").path
        let resumed = folder.appendingPathComponent("resumed.safetensors").path
        #expect(try customModel(["stacked-lstm", "train", "--train", train, "-p", parameters, "--save", straight]).status == 0)
        let first = try customModel(["stacked-lstm", "train", "--train", train, "-p", Self.small["stacked-lstm"]!, "--checkpoint", checkpoint])
        #expect(first.status == 0, "\(first.errors)")
        let second = try customModel(["stacked-lstm", "train", "--train", train, "--resume", checkpoint, "-p", "n_epochs=2",
                                      "--save", resumed])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.contains("resuming \(checkpoint): 1 epochs done"))
        #expect(!second.output.contains("ignoring"), "\(second.output)")
        func scores(_ model: String) throws -> String {
            try customModel(["stacked-lstm", "recommend", "--model", model, "--items", "Camera,Memory Card", "--top", "24"]).output
        }
        #expect(try scores(resumed) == scores(straight))
        let evaluation = try customModel(["stacked-lstm", "evaluate", "--model", resumed, "--test", test])
        #expect(evaluation.status == 0, "\(evaluation.errors)")
    }

    @Test func tutorialSixsCommandLinesRunAsPrinted() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = try #require(DocumentSnippets.markdownBlocks(kind: "commands")["t6-command-line"]?.first)
        for (name, blocks) in DocumentSnippets.markdownBlocks(kind: "file") where blocks[0].file == commands.file {
            try Data((blocks[0].text + "\n").utf8).write(to: folder.appendingPathComponent(name))
        }
        let lines = commands.text.split(separator: "\n").map(String.init)
        #expect(lines.count >= 8 && lines.allSatisfy { $0.hasPrefix("custom-model ") })
        for line in lines {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", line]
            process.currentDirectoryURL = folder
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            process.environment = ProcessInfo.processInfo.environment.merging(["PATH": ExampleRunner.productsFolder.path + ":" + path]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(line): \(message.suffix(500))")
        }
        for written in ["lstm.safetensors", "why.svg", "stacked-2.safetensors", "stacked-step.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(written).path), "no \(written)")
        }
    }
}

import Foundation
import NablaTestSupport
import Testing

/// The `narm` command: the command-line library's tools, for NARM.
@Suite struct NARMCommandTests {
    /// Small settings, so a training run takes seconds in a debug build.
    static let small = "embedding=16,hidden=16,window=4,batch_size=32,n_sample=8,learning_rate=0.1,momentum=0.2,n_epochs=1"

    /// A new folder with the generated demo shop data: its training and test files.
    func demoFolder() throws -> (folder: URL, train: String, test: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-narm-command-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", folder.path]).status == 0)
        return (folder, folder.appendingPathComponent("demo_train.tsv").path, folder.appendingPathComponent("demo_test.tsv").path)
    }

    func narm(_ arguments: [String]) throws -> ExampleRunner.Result { try ExampleRunner.run("narm", arguments: arguments) }

    @Test func helpListsEveryToolAndTheHyperparameters() throws {
        let tools = try narm(["--help"])
        #expect(tools.status == 0)
        for tool in ["train", "evaluate", "recommend", "explain", "tune", "benchmark", "draw"] {
            #expect(tools.output.contains("  \(tool) "), "no \(tool) in \(tools.output)")
        }
        let train = try narm(["train", "--help"])
        #expect(train.output.contains("window=10") && train.output.contains("dropout_p_hidden=0.5"), "\(train.output)")
    }

    @Test func aSavedModelEvaluatesRecommendsAndExplainsAsTrained() throws {
        let (folder, train, test) = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let saved = folder.appendingPathComponent("narm.safetensors").path
        let trained = try narm(["train", "--train", train, "--test", test, "-p", Self.small, "--save", saved, "--json"])
        #expect(trained.status == 0, "\(trained.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(trained.output.split(separator: "\n").last!.utf8)) as? [String: Any])
        let recall = try #require(report["recall_at_20"] as? Double)
        #expect(recall > 0.5, "Recall@20 \(recall) after one epoch")

        let evaluated = try narm(["evaluate", "--model", saved, "--test", test])
        #expect(evaluated.status == 0, "\(evaluated.errors)")
        #expect(evaluated.output.contains(String(format: "%.4f", recall)), "evaluate disagrees with train's \(recall)")

        let recommended = try narm(["recommend", "--model", saved, "--items", "Camera,Memory Card", "--top", "3"])
        #expect(recommended.status == 0, "\(recommended.errors)")
        #expect(recommended.output.split(separator: "\n").filter { $0.hasPrefix("1 ") || $0.hasPrefix("3 ") }.count == 2)

        let picture = folder.appendingPathComponent("why.svg").path
        let explained = try narm(["explain", "--model", saved, "--items", "Camera,Memory Card,Tripod", "--draw", picture])
        #expect(explained.status == 0, "\(explained.errors)")
        #expect(explained.output.contains("completeness residual"), "\(explained.output)")
        #expect(try String(contentsOfFile: picture, encoding: .utf8).contains("<svg"))

        let step = folder.appendingPathComponent("step.svg").path
        let drawn = try narm(["draw", "--train", train, "-p", Self.small, "--output", step])
        #expect(drawn.status == 0, "\(drawn.errors)")
        #expect(try String(contentsOfFile: step, encoding: .utf8).contains("attention.A2.weight"))
    }

    @Test func drawingWithSeveralBackpropagatedStepsDrawsTheWholeWindow() throws {
        let (folder, train, _) = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let window = folder.appendingPathComponent("window.svg").path
        let drawn = try narm(["draw", "--train", train, "-p", Self.small + ",bptt_steps=3", "--output", window])
        #expect(drawn.status == 0, "\(drawn.errors)")
        #expect(drawn.output.contains("drew one training window of 3 steps of NARM"), "\(drawn.output)")
        let picture = try String(contentsOfFile: window, encoding: .utf8)
        for step in 1...3 { #expect(picture.contains("step \(step)"), "no step \(step) in the drawing") }
        #expect(!picture.contains("step 4"))
    }

    @Test func resumingACheckpointContinuesExactly() throws {
        let (folder, train, _) = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors").path
        let resumed = folder.appendingPathComponent("resumed.safetensors").path
        let twoEpochs = Self.small.replacingOccurrences(of: "n_epochs=1", with: "n_epochs=2")
        #expect(try narm(["train", "--train", train, "-p", twoEpochs, "--save", straight]).status == 0)
        let first = try narm(["train", "--train", train, "-p", Self.small, "--checkpoint", checkpoint])
        #expect(first.status == 0, "\(first.errors)")
        let second = try narm(["train", "--train", train, "--resume", checkpoint, "-p", "n_epochs=2", "--save", resumed])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.contains("resuming \(checkpoint): 1 epochs done"), "\(second.output)")
        func scores(_ model: String) throws -> String {
            try narm(["recommend", "--model", model, "--items", "Camera,Memory Card", "--top", "24"]).output
        }
        let straightScores = try scores(straight)
        #expect(straightScores.split(separator: "\n").filter { $0.hasPrefix("24 ") }.count == 1, "\(straightScores)")
        #expect(try scores(resumed) == straightScores)
    }

    @Test func filesOfGRU4RecAndNARMAreRefusedByEachOther() throws {
        let (folder, train, test) = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let narmFile = folder.appendingPathComponent("narm.safetensors").path, gruFile = folder.appendingPathComponent("gru.safetensors").path
        #expect(try narm(["train", "--train", train, "-p", Self.small, "--save", narmFile]).status == 0)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", "layers=8,n_epochs=1,n_sample=8",
                                                             "--save", gruFile]).status == 0)
        let fromGRU = try narm(["evaluate", "--model", gruFile, "--test", test])
        #expect(fromGRU.status != 0)
        #expect(fromGRU.errors.contains("not a narm model file: it holds a model of type 'gru4rec'"), "\(fromGRU.errors)")
        let intoGRU = try ExampleRunner.run("gru4rec", arguments: ["evaluate", "--model", narmFile, "--test", test])
        #expect(intoGRU.errors.contains("not a GRU4Rec checkpoint: it holds a model of type 'narm'"), "\(intoGRU.errors)")
    }
}

import Foundation
import NablaTestSupport
import Testing

/// Truncated backpropagation through time from the command line: `--bptt-steps` or
/// `bptt_steps` for GRU4Rec, `bptt_steps` for a registered model.
@Suite struct BPTTCommandLineTests {
    /// A new folder with the generated demo shop data.
    func demoFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-bptt-command-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", folder.path]).status == 0)
        return folder
    }

    @Test func gru4recTrainsWithWindowsFromEitherSpellingAndSavesTheSetting() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, test = folder.appendingPathComponent("demo_test.tsv").path
        let model = folder.appendingPathComponent("model.safetensors").path
        let small = "layers=16,batch_size=16,n_sample=8,n_epochs=1"
        let trained = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small, "--bptt-steps", "3", "--save", model])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("bptt_steps=3"), "\(trained.output)")
        let evaluated = try ExampleRunner.run("gru4rec", arguments: ["evaluate", "--model", model, "--test", test])
        #expect(evaluated.status == 0, "\(evaluated.errors)")

        let official = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small + ",bptt_steps=2"])
        #expect(official.status == 0 && official.output.contains("bptt_steps=2"), "\(official.errors)")
        // One step is the official training, and its parameters are written as they always were.
        let stepByStep = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small + ",bptt_steps=1"])
        #expect(stepByStep.status == 0 && !stepByStep.output.contains("bptt_steps"), "\(stepByStep.output)")

        let refused = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", small, "--bptt-steps", "0"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("bptt_steps"), "\(refused.errors)")
    }

    @Test func aRegisteredModelTrainsWithWindows() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path
        let trained = try ExampleRunner.run("custom-model", arguments: [
            "lstm", "train", "--train", train, "-p", "hidden=16,batch_size=32,n_sample=8,learning_rate=0.1,n_epochs=1,bptt_steps=4",
        ])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.output.contains("bptt_steps=4"), "\(trained.output)")
        let refused = try ExampleRunner.run("custom-model", arguments: ["lstm", "train", "--train", train, "-p", "bptt_steps=1001"])
        #expect(refused.status != 0 && refused.errors.contains("bptt_steps"), "\(refused.errors)")
    }
}

import Foundation
import NablaTestSupport
import Testing

/// A suite that runs the built `gru4rec` command on fresh copies of the demo data.
protocol DemoDataCommandSuite {}

extension DemoDataCommandSuite {
    /// A fresh folder with the demo data in it.
    func demoFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-demo-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let generated = try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", url.path])
        #expect(generated.status == 0, "\(generated.errors)")
        return url
    }

    /// Runs the built `gru4rec` command with `arguments`.
    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// The hyperparameters of a model that trains in a moment.
    var small: String { "layers=8,n_epochs=1,n_sample=4,batch_size=16" }

    /// A small trained model in `folder`.
    func trainedModel(in folder: URL) throws -> String {
        let model = folder.appendingPathComponent("model.safetensors").path
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small, "--save", model])
        #expect(result.status == 0, "\(result.errors)")
        return model
    }
}

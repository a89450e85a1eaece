import Foundation
import GRU4Rec
import NablaNN
import NablaTestSupport
import Testing

/// `gru4rec export --to pytorch` and `gru4rec import --from pytorch` through the real command.
@Suite struct InteropCommandTests {
    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// A fresh folder with the demo data and a small model trained on it.
    func folderWithModel(parameters: String = "layers=8,n_epochs=1,n_sample=4,batch_size=16") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-interop-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try gru4rec(["generate", "--output", folder.path]).status == 0)
        let trained = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", parameters,
                                   "--save", folder.appendingPathComponent("model.safetensors").path])
        #expect(trained.status == 0, "\(trained.errors)")
        return folder
    }

    @Test func exportThenImportEvaluatesTheSame() throws {
        let folder = try folderWithModel()
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        let exported = try gru4rec(["export", "--model", path("model.safetensors"), "--to", "pytorch", path("official.safetensors")])
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("Wy.weight") && exported.output.contains("G.0.weight_ih"))
        let imported = try gru4rec(["import", "--from", "pytorch", path("official.safetensors"), "--to", path("back.safetensors")])
        #expect(imported.status == 0, "\(imported.errors)")
        let test = path("demo_test.tsv")
        let before = try gru4rec(["evaluate", "--model", path("model.safetensors"), "--test", test])
        let after = try gru4rec(["evaluate", "--model", path("back.safetensors"), "--test", test])
        #expect(before.status == 0 && after.status == 0)
        #expect(before.output == after.output)

        // An existing output is kept unless --overwrite is given.
        let again = try gru4rec(["export", "--model", path("model.safetensors"), "--to", "pytorch", path("official.safetensors")])
        #expect(again.status != 0 && again.errors.contains("--overwrite"))
    }

    @Test func aModelTheOfficialCodeCannotHoldIsRefused() throws {
        let folder = try folderWithModel(parameters: "layers=8,n_epochs=1,n_sample=4,batch_size=16,gru_formulation=original")
        let result = try gru4rec(["export", "--model", folder.appendingPathComponent("model.safetensors").path, "--to", "pytorch",
                                  folder.appendingPathComponent("official.safetensors").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("torch.nn.GRUCell"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("official.safetensors").path))
    }

    @Test func itemIdsComeFromAFileWhenTheMetadataHasNone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-interop-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var file = try SafeTensors.read(from: OfficialInteropTests.fixtures.appendingPathComponent("official-embedding.safetensors"))
        file.metadata = [:]
        let input = folder.appendingPathComponent("no-ids.safetensors")
        try file.write(to: input)
        let output = folder.appendingPathComponent("model.safetensors").path

        let without = try gru4rec(["import", "--from", "pytorch", input.path, "--to", output])
        #expect(without.status != 0 && without.errors.contains("--items"), "\(without.errors)")

        let ids = folder.appendingPathComponent("items.txt")
        try (0..<15).map { "item-\($0)" }.joined(separator: "\n").write(to: ids, atomically: true, encoding: .utf8)
        let with = try gru4rec(["import", "--from", "pytorch", input.path, "--to", output, "--items", ids.path])
        #expect(with.status == 0, "\(with.errors)")
        #expect(with.output.contains("15 items") && with.output.contains("embedding(4)"))
        let recommended = try gru4rec(["recommend", "--model", output, "--items", "item-3,item-7"])
        #expect(recommended.status == 0 && recommended.output.contains("item-"), "\(recommended.errors)")

        let wrongFormat = try gru4rec(["import", "--from", "tensorflow", input.path, "--to", output])
        #expect(wrongFormat.status != 0 && wrongFormat.errors.contains("the only layout is 'pytorch'"))
    }
}

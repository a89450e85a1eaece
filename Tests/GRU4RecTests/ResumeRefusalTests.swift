import Foundation
import GRU4Rec
import Nabla
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// `train --resume` refuses, with the reason, a checkpoint that cannot continue on the data and
/// options given, before any training: one made on other data (which used to stop the process
/// with an illegal instruction) and one whose optimizer state no optimizer can have written.
@Suite struct ResumeRefusalTests {
    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// A folder with the demo data and a training checkpoint after one epoch on it.
    func folderWithCheckpoint() throws -> (folder: URL, checkpoint: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-resume-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try gru4rec(["generate", "--output", folder.path]).status == 0)
        let checkpoint = folder.appendingPathComponent("run.ckpt").path
        let trained = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                   "-p", "layers=8,n_epochs=1,n_sample=4,batch_size=16", "--checkpoint", checkpoint])
        #expect(trained.status == 0, "\(trained.errors)")
        return (folder, checkpoint)
    }

    @Test func aCheckpointOfOtherDataIsRefusedNamingBothCatalogues() throws {
        let (folder, checkpoint) = try folderWithCheckpoint()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.tsv")
        try "SessionId\tItemId\tTime\n1\ta\t1\n1\tb\t2\n2\tb\t3\n2\tc\t4\n".write(to: other, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let result = try gru4rec(["train", "--resume", checkpoint, "--checkpoint", checkpoint, "--train", other.path, "--n-epochs", "2"])
        #expect(result.status == 1, "a crash or success instead of an error: \(result.status) \(result.errors)")
        #expect(result.errors.contains("its model knows 24 items, \(other.path) has 3"), "\(result.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before, "the checkpoint was changed")
    }

    @Test(arguments: [("accumulator", Float.nan, "holds NaN or infinite values"),
                      ("accumulator", -1, "holds the negative value -1.0"),
                      ("velocity", Float.infinity, "holds NaN or infinite values")])
    func aForgedOptimizerStateIsRefusedWhenLoaded(buffer: String, value: Float, message: String) throws {
        let (folder, checkpoint) = try folderWithCheckpoint()
        defer { try? FileManager.default.removeItem(at: folder) }
        var file = try SafeTensors.read(from: URL(fileURLWithPath: checkpoint))
        let name = "optimizer.\(buffer).items.weight"
        let stored = try file.tensor(named: name, as: Float.self)
        file.add(Tensor(stored.scalars.enumerated().map { $0.offset == 0 ? value : $0.element }, shape: stored.shape), named: name)
        try Checksums.sealed(file).write(to: URL(fileURLWithPath: checkpoint))
        let result = try gru4rec(["train", "--resume", checkpoint, "--checkpoint", checkpoint,
                                  "--train", folder.appendingPathComponent("demo_train.tsv").path, "--n-epochs", "2"])
        #expect(result.status == 1)
        #expect(result.errors.contains("'\(buffer)' buffer") && result.errors.contains("(items.weight) \(message)"), "\(result.errors)")
        #expect(!result.errors.contains("learning rate"), "\(result.errors)")
        #expect(!result.output.contains("epoch 2"), "training started: \(result.output)")
    }
}

import Foundation
import NablaTestSupport
import Testing

/// A checkpoint belongs to one run: another run does not replace it without `--overwrite`, two runs
/// cannot write it at once, and a resumed run says which options it ignores.
@Suite struct CheckpointOwnershipTests: DemoDataCommandSuite {
    @Test func anExistingCheckpointOfAnotherRunIsNotOverwritten() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let again = try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint])
        #expect(again.status != 0)
        #expect(again.errors.contains("already exists; continue that run with --resume"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint, "--overwrite"]).status == 0)
    }

    @Test func resumeSaysWhichOptionsItIgnores() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        #expect(try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint]).status == 0)
        let resumed = try gru4rec(["train", "--train", train, "--resume", checkpoint, "--checkpoint", checkpoint, "--batch-size", "4",
                                   "-p", "layers=9", "--n-epochs", "2"])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("ignoring -p, --batch-size"))
        #expect(resumed.output.contains("layers=8"))
    }

    @Test func twoTrainersCannotWriteTheSameCheckpoint() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = folder.appendingPathComponent("demo_train.tsv").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        let first = Process()
        first.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
        first.arguments = ["train", "--train", train, "-p", "layers=64,n_epochs=50,n_sample=16", "--checkpoint", checkpoint]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { first.terminate(); first.waitUntilExit() }
        let lock = folder.appendingPathComponent(".c.safetensors.lock").path
        while !FileManager.default.fileExists(atPath: lock) && first.isRunning { usleep(20_000) }
        usleep(200_000)
        let second = try gru4rec(["train", "--train", train, "-p", small, "--checkpoint", checkpoint, "--overwrite"])
        #expect(second.status != 0)
        #expect(second.errors.contains("is being written by another gru4rec run"), "\(second.errors)")
    }
}

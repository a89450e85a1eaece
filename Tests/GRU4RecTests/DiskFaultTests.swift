import Foundation
import GRU4Rec
import Nabla
import NablaTestSupport
import Testing

/// A disk that fills up, or a file that may not grow, while a checkpoint or model is written:
/// a clear error, and the previous file is still there, whole.
@Suite struct DiskFaultTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-disk-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func trainer(layers: Int) throws -> SessionTrainer<GRU4RecModel<Float>> {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 200).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=\(layers),n_sample=8,batch_size=16,momentum=0.2")
        return SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
    }

    @Test func aFullDiskLeavesThePreviousCheckpointIntact() throws {
        let trainer = try trainer(layers: 48)
        try trainer.trainEpoch()
        // Learn the checkpoint's size, then mount a filesystem with room for one and a half.
        let scratch = try folder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let probe = scratch.appendingPathComponent("probe.safetensors")
        try Checkpoint.saveTraining(trainer, to: probe)
        let size = try FileManager.default.attributesOfItem(atPath: probe.path)[.size] as! Int
        let disk = scratch.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        guard let mount = TemporaryMount.tmpfs(at: disk, options: "size=\(size * 3 / 2)") else {
            print("skipped: cannot mount a tmpfs here (needs root); the file-size-limit test covers a write failing midway")
            return
        }
        defer { mount.unmount() }

        let checkpoint = disk.appendingPathComponent("training.safetensors")
        try Checkpoint.saveTraining(trainer, to: checkpoint)
        let saved = try Data(contentsOf: checkpoint)
        try trainer.trainEpoch()
        do {
            try Checkpoint.saveTraining(trainer, to: checkpoint)
            Issue.record("saving a second checkpoint onto a full disk succeeded")
        } catch {
            #expect("\(error)".contains("No space left on device"), "\(error)")
            #expect("\(error)".contains("the previous file is unchanged"), "\(error)")
        }
        #expect(try Data(contentsOf: checkpoint) == saved)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == ["training.safetensors"])
        let resumed: SessionTrainer<GRU4RecModel<Float>> = try Checkpoint.resumeTraining(from: checkpoint, data: trainer.data)
        #expect(resumed.completedEpochs == 1)
    }

    @Test func aWriteFailingMidwayLeavesThePreviousModelIntact() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try ExampleRunner.run("gru4rec", arguments: ["generate", "--output", directory.path]).status == 0)
        let train = directory.appendingPathComponent("demo_train.tsv").path
        let model = directory.appendingPathComponent("model.safetensors").path
        let parameters = "layers=256,n_epochs=1,n_sample=8,batch_size=16"
        #expect(try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", parameters, "--save", model]).status == 0)
        let saved = try Data(contentsOf: URL(fileURLWithPath: model))
        #expect(saved.count > 1_200_000)

        // The same command again, allowed to write files of at most 1 MiB (SIGXFSZ ignored, so the
        // write fails with EFBIG instead of killing the process; sanitizer runtimes need ~1 MiB).
        let limited = try ExampleRunner.run("gru4rec", arguments: ["train", "--train", train, "-p", parameters + ",seed=7", "--save", model, "--overwrite"],
                                            after: "trap '' XFSZ; ulimit -f 1024")
        let message = limited.errors
        #expect(limited.status != 0)
        #expect(message.contains(model), "\(message)")
        #expect(message.contains("File too large"), "\(message)")
        #expect(message.contains("the previous file is unchanged"), "\(message)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == saved)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}

import Foundation
import GRU4Rec
import NablaTestSupport
import Testing

/// Checkpoints during an epoch fall exactly every N steps, one step included.
@Suite struct CheckpointCadenceTests: DemoDataCommandSuite {
    @Test func checkpointsFallEveryNStepsExactly() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 200).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=4,batch_size=8,n_sample=2")
        for every in [1, 2, 5] {
            let trainer = SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
            var saved: [Int] = []
            let summary = try trainer.trainEpoch(checkpointEvery: every, checkpoint: { saved.append($0.epochInProgress!.steps) })
            let steps = Array(trainer.batches).count
            #expect(summary.events == trainer.eventsPerEpoch)
            #expect(saved == Array(stride(from: every, through: steps, by: every)), "every \(every)")
        }
    }

    @Test func checkpointEveryOneFinishes() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                                  "--checkpoint", folder.appendingPathComponent("c.safetensors").path, "--checkpoint-every", "1"])
        #expect(result.status == 0, "\(result.errors)")
    }
}

import Foundation
import GRU4Rec
import Nabla
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Damaged or edited model and checkpoint files are refused with the name of what is wrong, even
/// when their checksums match.
@Suite struct ModelFileIntegrityTests: DemoDataCommandSuite {
    @Test func aFlippedBitOrAPermutedItemListIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: model)))
        bytes[bytes.count - 5] ^= 0x10
        let flipped = folder.appendingPathComponent("flipped.safetensors")
        try Data(bytes).write(to: flipped)
        let result = try gru4rec(["evaluate", "--model", flipped.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("does not match its checksum"), "\(result.errors)")

        var file = try SafeTensors.read(from: URL(fileURLWithPath: model))
        let ids = try JSONSerialization.jsonObject(with: Data(file.metadata["item_ids"]!.utf8)) as! [String]
        file.metadata["item_ids"] = String(decoding: try JSONSerialization.data(withJSONObject: Array(ids.reversed())), as: UTF8.self)
        let permuted = folder.appendingPathComponent("permuted.safetensors")
        try file.write(to: permuted)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(permuted, as: Float.self) }

        file = try SafeTensors.read(from: URL(fileURLWithPath: model))
        file.metadata["parameters"] = nil
        file.metadata["format_version"] = "1"
        file.metadata["checksums"] = nil
        try file.write(to: permuted)
        #expect(throws: CheckpointError(path: permuted.path, "the hyperparameters ('parameters') are missing")) {
            try Checkpoint.load(permuted, as: Float.self)
        }
    }

    @Test func aModelWhoseMetadataClaimsAbsurdLayersIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var file = try SafeTensors.read(from: URL(fileURLWithPath: try trainedModel(in: folder)))
        file.metadata["parameters"] = file.metadata["parameters"]!.replacingOccurrences(of: "layers=8", with: "layers=4611686018427387904")
        let url = folder.appendingPathComponent("absurd.safetensors")
        try Checksums.sealed(file).write(to: url)
        let result = try gru4rec(["evaluate", "--model", url.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(result.status != 0)
        #expect(result.errors.contains("stored hyperparameters are invalid: parameter 'layers'"), "\(result.errors)")
    }

    @Test func editedTrainingStateIsRefusedEvenWithMatchingChecksums() throws {
        let data = try SessionData.training(SessionTSVReader.parse(Data(DemoShop.sessions(count: 300).utf8), source: "demo.tsv"),
                                            source: "demo.tsv")
        let configuration = try GRU4RecConfiguration(parameters: "layers=8,batch_size=8,n_sample=6,sample_cache_max_size=30,dropout_p_hidden=0.2")
        func trainer() -> SessionTrainer<GRU4RecModel<Float>> {
            SessionTrainer(model: GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count), data: data)
        }
        let first = trainer()
        var steps = 0
        _ = try first.trainEpoch(shouldStop: { steps += 1; return steps > 13 })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-edit-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveTraining(first, to: url)
        let original = try SafeTensors.read(from: url)
        let edits: [(String, (inout SafeTensors) -> Void)] = [
            ("a negative sampler cursor", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""sampler_cursor":"#, with: #""sampler_cursor":-6,"x":"#) }),
            ("no states while steps > 0", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""state_count":1"#, with: #""state_count":0"#) }),
            ("a negative state count", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""state_count":1"#, with: #""state_count":-2"#) }),
            ("negative epochs", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""epochs_completed":0"#, with: #""epochs_completed":-3"#) }),
            ("a 1-D state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self); $0.add(state.reshaped([-1]), named: "training.state.0") }),
            ("a reshaped state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self); $0.add(state.reshaped([4, -1]), named: "training.state.0") }),
            ("a NaN state", { let state = try! $0.tensor(named: "training.state.0", as: Float.self)
                              $0.add(Tensor([.nan] + state.scalars.dropFirst(), shape: state.shape), named: "training.state.0") }),
            // Once only a counter, a huge step count overflowed the position arithmetic of the
            // next step (an illegal instruction): an epoch has at most as many steps as events.
            ("more steps than events", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""steps":13"#, with: #""steps":1000000000000"#) }),
            ("the largest step count", { $0.metadata["training"] = $0.metadata["training"]!.replacingOccurrences(of: #""steps":13"#, with: "\"steps\":\(Int.max)") }),
        ]
        for (what, edit) in edits {
            var file = original
            edit(&file)
            #expect(file.metadata != original.metadata || file.entries != original.entries, "\(what): the edit changed nothing")
            let resumed = trainer()
            let before = resumed.model.parameters.map(\.scalars)
            #expect(throws: CheckpointError.self, "\(what)") { try SessionCheckpoint.resume(resumed, from: Checksums.sealed(file), path: "edited") }
            #expect(resumed.model.parameters.map(\.scalars) == before, "\(what): the model changed before the refusal")
        }
    }
}

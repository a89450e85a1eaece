import Foundation
import GRU4Rec
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Nothing non-finite passes silently: an update that overflows stops training before anything is
/// saved, a model with an infinite weight is refused when it is loaded, and a NaN score ranks last.
@Suite struct NonFiniteValueTests: DemoDataCommandSuite {
    @Test func anUpdateThatOverflowsStopsTrainingAndNothingIsSaved() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path, checkpoint = folder.appendingPathComponent("c.safetensors").path
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                  "-p", "layers=8,n_epochs=1,learning_rate=1e308", "--save", model, "--checkpoint", checkpoint])
        #expect(result.status != 0)
        #expect(result.errors.contains("epoch 1, step 1: the update made '") && result.errors.contains("NaN or infinite"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: model))
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
    }

    @Test func aModelWithAnInfiniteWeightIsRefusedByEvaluateAndRecommend() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try trainedModel(in: folder)
        let loaded = try Checkpoint.load(URL(fileURLWithPath: good), as: Float.self)
        loaded.model.namedParameters().first { $0.name == "gru.layer0.biasHH" }!.tensor.updateScalars { $0[0] = .infinity }
        let bad = folder.appendingPathComponent("bad.safetensors")
        #expect(throws: CheckpointError.self) { try Checkpoint.save(loaded.model, itemMap: loaded.itemMap, epochsCompleted: 1, to: bad) }
        #expect(!FileManager.default.fileExists(atPath: bad.path), "a non-finite model was saved")
        // Written by hand, with valid checksums, it is still refused when loaded.
        let file = loaded.model.safeTensors(metadata: ["format": "nabla-gru4rec", "format_version": "2",
                                                       "parameters": loaded.model.configuration.parameterString,
                                                       "item_ids": String(decoding: try JSONSerialization.data(withJSONObject: loaded.itemMap.ids), as: UTF8.self),
                                                       "epochs_completed": "1"])
        try Checksums.sealed(file).write(to: bad)
        let evaluated = try gru4rec(["evaluate", "--model", bad.path, "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(evaluated.status != 0)
        #expect(evaluated.errors.contains("'gru.layer0.biasHH' holds NaN or infinite values"), "\(evaluated.errors)")
        let recommended = try gru4rec(["recommend", "--model", bad.path, "--items", "Camera"])
        #expect(recommended.status != 0)
        #expect(!recommended.output.contains("nan"))
    }

    @Test func aNaNTargetScoreRanksLastNotFirst() {
        let scores: [Float] = [0.5, .nan, 2, 1]
        scores.withUnsafeBufferPointer { buffer in
            for mode in RankMode.allCases { #expect(Evaluator.rank(of: 1, in: buffer, mode: mode) == 4) }
            #expect(Evaluator.rank(of: 3, in: buffer, mode: .conservative) == 2)
        }
    }
}

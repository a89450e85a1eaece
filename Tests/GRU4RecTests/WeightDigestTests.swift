import Foundation
import GRU4Rec
import Nabla
import NablaNN
import Testing

/// GRU4Rec trained on the session machinery gives, bit for bit, the weights that the earlier
/// GRU4Rec-only trainer gave: each fixture in `Fixtures/` was saved by that trainer
/// (`gru4rec train --train demo_train.tsv -p PARAMETERS --save NAME.safetensors`), and the digest
/// beside it is FNV-1a 64 over its tensors (name, then little-endian bytes, sorted by name).
/// Loading the fixtures also proves that model files of that version still load.
@Suite struct WeightDigestTests {
    static let runs: [(name: String, parameters: String, digest: String)] = [
        ("constrained-xe", "loss=cross-entropy,logq=1.0,layers=16,batch_size=16,dropout_p_hidden=0.2,learning_rate=0.1,momentum=0.3,n_sample=8,sample_alpha=0.5,n_epochs=2,seed=7",
         "755d000ebf7866a0"),
        ("embedding-bprmax-original", "loss=bpr-max,embedding=12,constrained_embedding=False,layers=16/8,batch_size=16,dropout_p_embed=0.2,dropout_p_hidden=0.1,learning_rate=0.05,momentum=0.2,n_sample=8,elu_param=0.5,bpreg=1.0,gru_formulation=original,n_epochs=2,seed=3",
         "27d1f08939f06377"),
        ("onehot-top1max", "loss=top1-max,embedding=0,constrained_embedding=False,layers=16/8,batch_size=16,dropout_p_embed=0.1,dropout_p_hidden=0.1,learning_rate=0.05,momentum=0.1,n_sample=8,n_epochs=2,seed=5",
         "515a18204025e398"),
        ("onehot-bpr-original", "loss=bpr,embedding=0,constrained_embedding=False,layers=8,batch_size=8,learning_rate=0.05,n_sample=4,gru_formulation=original,n_epochs=2,seed=9",
         "3452ae92caf3919e"),
        ("constrained-top1-nosample", "loss=top1,layers=12/8,batch_size=8,learning_rate=0.05,momentum=0.1,n_sample=0,n_epochs=2,seed=11",
         "8127b3d152a1db44"),
    ]

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// FNV-1a 64 over each parameter's name and its Float values' little-endian bytes, by name.
    static func digest(_ model: GRU4RecModel<Float>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        for (name, tensor) in model.namedParameters().sorted(by: { $0.name < $1.name }) {
            mix(Array(name.utf8))
            for value in tensor.scalars { mix(withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }) }
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

    @Test(arguments: runs.map(\.name))
    func trainedWeightsAreBitIdenticalToTheEarlierTrainer(name: String) throws {
        let run = Self.runs.first { $0.name == name }!
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-digest-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try DemoShop.write(to: folder)
        let data = try SessionData.training(SessionTSVReader.read(files.train), source: files.train.path)
        let configuration = try GRU4RecConfiguration(parameters: run.parameters)
        let model = GRU4RecModel<Float>(configuration: configuration, itemCount: data.itemMap.count)
        let trainer = SessionTrainer(model: model, data: data)
        for _ in 0..<configuration.epochs { try trainer.trainEpoch() }

        #expect(Self.digest(model) == run.digest, "\(name): the trained weights changed")
        let earlier = try Checkpoint.load(Self.fixtures.appendingPathComponent("\(name).safetensors"), as: Float.self)
        #expect(Self.digest(earlier.model) == run.digest, "\(name): the fixture did not load as it was saved")
        for (trained, saved) in zip(model.namedParameters(), earlier.model.namedParameters()) {
            #expect(trained.name == saved.name)
            #expect(trained.tensor.scalars.map(\.bitPattern) == saved.tensor.scalars.map(\.bitPattern), "\(trained.name) differs")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

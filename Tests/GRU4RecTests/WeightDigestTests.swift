import Foundation
import GRU4Rec
import Nabla
import NablaKernels
import NablaNN
import Testing

/// GRU4Rec trained on the session machinery gives, bit for bit, the weights that the earlier
/// GRU4Rec-only trainer gave: each fixture in `Fixtures/` was saved by that trainer
/// (`gru4rec train --train demo_train.tsv -p PARAMETERS --save NAME.safetensors`) on a CPU for
/// which OpenBLAS chose its `Cooperlake` kernels, and the digest beside it is FNV-1a 64 over its
/// tensors (name, then little-endian bytes, sorted by name). Loading the fixtures also proves
/// that model files of that version still load.
///
/// OpenBLAS picks its kernels by CPU, and kernels of other cores sum products in another order,
/// so the last bits of trained weights depend on the core. Each run therefore lists the digest
/// recorded for each core seen: on those cores the weights must be the same to the last bit. On
/// every core but the fixtures' the weights must also agree with the fixture to within the
/// rounding of two epochs (relative 2e-3 of values above 0.01: the differences grow to about
/// 4e-4 between the `Cooperlake` and `Prescott` kernels), and on a core not listed the test
/// prints the digest to record for it.
@Suite struct WeightDigestTests {
    static let runs: [(name: String, parameters: String, digests: [String: String])] = [
        ("constrained-xe", "loss=cross-entropy,logq=1.0,layers=16,batch_size=16,dropout_p_hidden=0.2,learning_rate=0.1,momentum=0.3,n_sample=8,sample_alpha=0.5,n_epochs=2,seed=7",
         ["Cooperlake": "755d000ebf7866a0", "Prescott": "127d9b54c931cdf2"]),
        ("embedding-bprmax-original", "loss=bpr-max,embedding=12,constrained_embedding=False,layers=16/8,batch_size=16,dropout_p_embed=0.2,dropout_p_hidden=0.1,learning_rate=0.05,momentum=0.2,n_sample=8,elu_param=0.5,bpreg=1.0,gru_formulation=original,n_epochs=2,seed=3",
         ["Cooperlake": "27d1f08939f06377", "Prescott": "437939edab719f0a"]),
        ("onehot-top1max", "loss=top1-max,embedding=0,constrained_embedding=False,layers=16/8,batch_size=16,dropout_p_embed=0.1,dropout_p_hidden=0.1,learning_rate=0.05,momentum=0.1,n_sample=8,n_epochs=2,seed=5",
         ["Cooperlake": "515a18204025e398", "Prescott": "01a2b9e96c70ca8d"]),
        ("onehot-bpr-original", "loss=bpr,embedding=0,constrained_embedding=False,layers=8,batch_size=8,learning_rate=0.05,n_sample=4,gru_formulation=original,n_epochs=2,seed=9",
         ["Cooperlake": "3452ae92caf3919e", "Prescott": "5944e53b3d0fafb1"]),
        ("constrained-top1-nosample", "loss=top1,layers=12/8,batch_size=8,learning_rate=0.05,momentum=0.1,n_sample=0,n_epochs=2,seed=11",
         ["Cooperlake": "8127b3d152a1db44", "Prescott": "852b6d1fecd890c7"]),
    ]

    /// The OpenBLAS core the fixtures were saved with.
    static let fixtureCore = "Cooperlake"

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

        let core = ComputeThreads.blasCoreName
        let earlier = try Checkpoint.load(Self.fixtures.appendingPathComponent("\(name).safetensors"), as: Float.self)
        #expect(Self.digest(earlier.model) == run.digests[Self.fixtureCore], "\(name): the fixture did not load as it was saved")
        if let recorded = run.digests[core] {
            #expect(Self.digest(model) == recorded, "\(name): the trained weights changed on the OpenBLAS core \(core)")
        } else {
            print("\(name): no digest recorded for the OpenBLAS core \(core); this build trains \(Self.digest(model))")
        }
        for (trained, saved) in zip(model.namedParameters(), earlier.model.namedParameters()) {
            #expect(trained.name == saved.name)
            if core == Self.fixtureCore {
                #expect(trained.tensor.scalars.map(\.bitPattern) == saved.tensor.scalars.map(\.bitPattern), "\(trained.name) differs")
            } else {
                let worst = zip(trained.tensor.scalars, saved.tensor.scalars).map { abs($0 - $1) / max(abs($1), 1e-2) }.max() ?? 0
                #expect(worst <= 2e-3, "\(trained.name) differs from the fixture by \(worst) (relative) on the OpenBLAS core \(core)")
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

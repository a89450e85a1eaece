import Foundation
import GRU4Rec
import NablaTestSupport
import Testing

/// Every value a command accepts runs or is refused before any work: absurd sizes, options out of
/// range, and what the memory estimate counts.
@Suite struct UpFrontValidationTests: DemoDataCommandSuite {
    @Test(arguments: [
        ("layers=3074457345618258603", "parameter 'layers'"),
        ("sample_cache_max_size=2305843009213693952", "parameter 'sample_cache_max_size'"),
        ("n_sample=1000000000000", "parameter 'n_sample'"),
        ("batch_size=1000000000", "would need about"),
        ("n_epochs=0", "parameter 'n_epochs'"),
    ])
    func absurdSizesAreRefusedBeforeAnythingRuns(parameters: String, message: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", parameters])
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(parameters): \(result.errors)")
        #expect(!result.output.contains("epoch 1"), "\(parameters) started training")
    }

    @Test(arguments: [
        (["--evaluation-batch-size", "0"], "--evaluation-batch-size 0"),
        (["--evaluation-batch-size=-1"], "--evaluation-batch-size -1"),
        (["--memory-limit", "9223372036854775807"], "--memory-limit 9223372036854775807"),
        (["--n-epochs", "abc"], "parameter 'n_epochs'"),
        (["--checkpoint-every", "3"], "--checkpoint-every needs --checkpoint"),
        (["--adaptive-threads"], "--adaptive-threads needs --threads of 2 or more"),
    ])
    func badOptionsAreRefusedBeforeTraining(options: [String], message: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try gru4rec(["train", "--train", folder.appendingPathComponent("demo_train.tsv").path, "-p", small,
                                  "--test", folder.appendingPathComponent("demo_test.tsv").path] + options)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(options): \(result.errors)")
        #expect(!result.output.contains("training data"), "\(options) was refused only after reading the data")
    }

    @Test func recommendRefusesANonPositiveTop() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        for top in ["-1", "0"] {
            let result = try gru4rec(["recommend", "--model", model, "--items", "Camera", "--top=\(top)"])
            #expect(result.status != 0)
            #expect(result.errors.contains("--top \(top) must be at least 1"))
        }
    }

    @Test(arguments: ["nan", "inf", "-1", "0"])
    func preprocessRefusesTestDaysThatAreNotAPositiveNumber(days: String) throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out")
        let result = try gru4rec(["preprocess", "--input", folder.appendingPathComponent("demo_train.tsv").path, "--format", "tsv",
                                  "--output", output.path, "--test-days=\(days)"])
        #expect(result.status != 0)
        #expect(result.errors.contains("must be a positive number of days"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func theMemoryEstimateCountsBatchSamplesAndLayers() throws {
        let base = try GRU4RecConfiguration(parameters: "layers=100,batch_size=32,n_sample=2048")
        let larger = try GRU4RecConfiguration(parameters: "layers=100,batch_size=512,n_sample=100000")
        let absurd = try GRU4RecConfiguration(parameters: "layers=65536/65536,batch_size=1073741824,n_sample=1073741824")
        #expect(MemoryEstimate.trainingBytes(larger, itemCount: 1000) > MemoryEstimate.trainingBytes(base, itemCount: 1000) + 200_000_000)
        #expect(MemoryEstimate.trainingBytes(absurd, itemCount: 1 << 30) == Int.max / 2)
    }
}
